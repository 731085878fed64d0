"""Make span metadata safe to write: secrets masked, long values cut, user text left out.

Runs once per span at the moment it is written, and only over metadata that was given, so a
span without metadata pays nothing here.
"""

from __future__ import annotations

import re
from typing import Any

MAX_VALUE_CHARS = 1024
MASK = "***"

_SECRET = re.compile(
    r"(authorization|password|passwd|secret|token|api[_-]?key|apikey|cookie|credential|"
    r"private[_-]?key|session[_-]?id|signature)",
    re.IGNORECASE,
)
# Keys that usually carry what a user typed; recorded only when content capture is on.
_CONTENT = frozenset({"message", "text", "content", "prompt", "completion", "input", "output"})
_PLAIN = (str, int, float, bool, type(None))
_INF = float("inf")
_secret_cache: dict[str, bool] = {}


def is_secret_key(key: str) -> bool:
    hit = _secret_cache.get(key)
    if hit is None:
        hit = _secret_cache[key] = _SECRET.search(key) is not None
    return hit


def sanitize(metadata: dict[str, Any], record_content: bool) -> dict[str, Any]:
    """A copy of ``metadata`` that ``json.dumps`` can always encode and may safely be logged."""
    clean: dict[str, Any] = {}
    for key, value in metadata.items():
        key = key if isinstance(key, str) else str(key)
        if is_secret_key(key):
            clean[key] = MASK
        elif not record_content and key.lower() in _CONTENT and isinstance(value, str):
            clean[key] = f"<{len(value)} chars, not recorded>"
        else:
            clean[key] = _value(value, 0)
    return clean


def _value(value: Any, depth: int) -> Any:
    if isinstance(value, _PLAIN):
        if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
            return value[:MAX_VALUE_CHARS] + f"...(+{len(value) - MAX_VALUE_CHARS} chars)"
        if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
            return repr(value)
        return value
    if depth < 3 and isinstance(value, (list, tuple)):
        return [_value(v, depth + 1) for v in value[:100]]
    if depth < 3 and isinstance(value, dict):
        return {
            str(k): (MASK if is_secret_key(str(k)) else _value(v, depth + 1))
            for k, v in list(value.items())[:100]
        }
    text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "..."
