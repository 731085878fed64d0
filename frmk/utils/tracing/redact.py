"""Make span metadata and error text safe to write: secrets masked, user text left out.

Runs once per span at the moment it is written, and only over metadata that was given, so a
span without metadata pays nothing here. The rules (also in docs/design.md, "Tracing runtime"):

Keys are split into lowercase words (at ``_ - .``, spaces and camelCase humps) and classified
once each (cached):

- **secret** — the value becomes ``***`` whatever it is, at any depth: the key with separators
  removed contains ``authorization``, ``bearer``, ``password``, ``passwd``, ``passphrase``,
  ``secret``, ``token`` (but not ``tokens``/``tokeniz...``/``token_type``/``first_token``: LLM
  token counts, ``gen_ai.token.type`` and a time to first token stay),
  ``apikey``, ``privatekey``, ``cookie``, ``credential``, ``signature`` or ``sessionid``; or
  one of its words is ``auth``, ``key``, ``pwd``, ``pw``, ``pass`` or ``sig``.
- **content** (what a user typed, or answers made from it) — kept only with
  ``TRACING_RECORD_CONTENT=true``: the key or its last word is one of ``_CONTENT_WORDS``
  (``message``, ``text``, ``query``, ``question``, ``body``, ``instructions``, ``arguments``,
  ...: so ``gen_ai.input.messages``, ``gen_ai.output.messages``, ``gen_ai.prompt``,
  ``gen_ai.completion``, ``gen_ai.system_instructions``, ``gen_ai.tool.call.arguments``), or
  the key is one of ``_CONTENT_KEYS`` (GenAI keys whose last word is too general to be content
  everywhere: ``gen_ai.tool.call.result``). A string becomes
  ``<N chars, not recorded>``, a list or dict ``<N items, not recorded>``; numbers, booleans
  and ``None`` stay.
- anything else is kept. Dicts and lists are walked (100 items each, 6 levels; deeper becomes
  ``<N items, too deep>``, never a repr); a two-item list or tuple whose first item is a string
  is a ``(name, value)`` pair and its value follows the name's class, like a header list.

Every string that is kept (also the repr of other objects, recorded content and an exception's
message, see ``redact_text``) is scanned before it is cut at 1024 chars:

- URL userinfo: ``scheme://user:pw@`` -> ``scheme://user:***@``; ``scheme://tok@`` -> ``***@``;
- ``name=value`` with a secret name (query strings, form bodies, libpq/ODBC connection strings,
  reprs such as ``api_key='...'``) and ``"name": "value"`` (JSON, dict reprs): value -> ``***``;
- ``Bearer|Basic|Digest <credential>`` (8+ chars, not only letters) -> ``Bearer ***``.

``frmk.utils.logs.redact_logs`` applies the same value scan to log records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from typing import Any

MAX_VALUE_CHARS = 1024
MAX_ITEMS = 100
MAX_DEPTH = 6
MASK = "***"
_INF = float("inf")

_SECRET_STEMS = re.compile(
    r"authorization|bearer|password|passwd|passphrase|secret|(?<!first)token(?!s|iz|type)|apikey|"
    r"privatekey|"
    r"cookie|credential|signature|sessionid"
)
_SECRET_WORDS = frozenset({"auth", "key", "pwd", "pw", "pass", "sig"})
_CONTENT_WORDS = frozenset({
    "message", "messages", "text", "content", "prompt", "prompts", "completion", "input",
    "output", "query", "question", "answer", "reply", "response", "body", "payload",
    "instructions", "arguments",
})  # fmt: skip
_CONTENT_KEYS = frozenset({"gen_ai.tool.call.result"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_PLAIN, _SECRET, _CONTENT_KEY = 0, 1, 2
_kinds: dict[str, int] = {}

# One pattern per value rule; redact_text runs one only when its literal is in the text.
_USERINFO = re.compile(r"://(?P<user>[^\s/:@?#'\"]*)(?::(?P<pw>[^\s/?#'\"]*))?@")
_ASSIGNED = re.compile(r"(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)=(?P<q>[\"']?)[^\s&;,\"')#]+")
_QUOTED = re.compile(
    r"(?P<q>[\"'])(?P<name>[\w.-]+)(?P=q)\s*:\s*(?P<vq>[\"'])(?:[^\"'\\]|\\.)*(?P=vq)"
)
_AUTH_SCHEME = re.compile(
    r"(?i)(?<![a-z])(?P<scheme>bearer|basic|digest)\s+(?=[a-z]*[0-9._~+/=-])[a-z0-9._~+/=-]{8,}"
)


def key_kind(key: str) -> int:
    """0 plain, 1 secret, 2 content (cached; see the module docstring for the rules)."""
    kind = _kinds.get(key)
    if kind is None:
        words = [w.lower() for w in _WORDS.findall(key)]
        if _SECRET_STEMS.search("".join(words)) or not _SECRET_WORDS.isdisjoint(words):
            kind = _SECRET
        elif (words and words[-1] in _CONTENT_WORDS) or key in _CONTENT_KEYS:
            kind = _CONTENT_KEY
        else:
            kind = _PLAIN
        if len(_kinds) < 4096:
            _kinds[key] = kind
    return kind


def _userinfo(match: re.Match[str]) -> str:
    if match.group("pw") is None:
        return f"://{MASK}@"
    return f"://{match.group('user')}:{MASK}@"


def _assigned(match: re.Match[str]) -> str:
    if key_kind(match.group("name")) != _SECRET:
        return match.group(0)
    return f"{match.group('name')}={match.group('q')}{MASK}"


def _quoted(match: re.Match[str]) -> str:
    if key_kind(match.group("name")) != _SECRET:
        return match.group(0)
    q, vq = match.group("q"), match.group("vq")
    return f"{q}{match.group('name')}{q}: {vq}{MASK}{vq}"


def _auth_scheme(match: re.Match[str]) -> str:
    return f"{match.group('scheme')} {MASK}"


def redact_text(text: str) -> str:
    """``text`` with credentials in URLs, ``name=value`` pairs, quoted pairs and auth headers
    masked (each rule runs only when the text holds its literal, so most strings cost a few
    ``in`` checks)."""
    if "@" in text and "://" in text:
        text = _USERINFO.sub(_userinfo, text)
    if "=" in text:
        text = _ASSIGNED.sub(_assigned, text)
    if '":' in text or "':" in text or '" :' in text or "' :" in text:
        text = _QUOTED.sub(_quoted, text)
    if " " in text or "\t" in text:
        low = text.lower()
        if "bearer" in low or "basic" in low or "digest" in low:
            text = _AUTH_SCHEME.sub(_auth_scheme, text)
    return text


def sanitize(metadata: dict[str, Any], record_content: bool) -> dict[str, Any]:
    """A copy of ``metadata`` that ``json.dumps`` can always encode and may safely be logged."""
    return _mapping(metadata.items(), record_content, 0)


def _mapping(items: Iterable[tuple[Any, Any]], record_content: bool, depth: int) -> dict:
    clean: dict[str, Any] = {}
    for key, value in items:  # the span path: classification and plain strings inlined
        if not isinstance(key, str):
            key = str(key)
        kind = _kinds.get(key)
        if kind is None:
            kind = key_kind(key)
        if kind == _SECRET:
            clean[key] = MASK
        elif kind == _CONTENT_KEY and not record_content:
            clean[key] = _not_recorded(value)
        elif type(value) is str:
            clean[key] = _text(value)
        else:
            clean[key] = _value(value, record_content, depth)
    return clean


def _not_recorded(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return _value(value, False, 0)
    if isinstance(value, str):
        return f"<{len(value)} chars, not recorded>"
    if isinstance(value, (list, tuple, dict)):
        return f"<{len(value)} items, not recorded>"
    return "<not recorded>"


def _value(value: Any, record_content: bool, depth: int) -> Any:
    if isinstance(value, str):
        return _text(value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (_INF, -_INF) else repr(value)
    if isinstance(value, (list, tuple, dict)):
        if depth >= MAX_DEPTH:
            return f"<{len(value)} items, too deep>"
        depth += 1
        if isinstance(value, dict):
            return _mapping(islice(value.items(), MAX_ITEMS), record_content, depth)
        if len(value) == 2 and isinstance(value[0], str):  # a (name, value) pair
            pair = _mapping((value,), record_content, depth)
            return [_text(value[0]), next(iter(pair.values()))]
        return [_value(v, record_content, depth) for v in value[:MAX_ITEMS]]
    return _text(repr(value))


def _text(text: str) -> str:
    """Scanned first, then cut, so a cut never leaves half a credential behind."""
    text = redact_text(text)
    if len(text) <= MAX_VALUE_CHARS:
        return text
    return text[:MAX_VALUE_CHARS] + f"...(+{len(text) - MAX_VALUE_CHARS} chars)"


