"""W3C Trace Context: read a ``traceparent`` header into the context, write one out of it.

Format: ``00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>``; bit 0 of the flags is
"sampled", so a sampling decision made at the root reaches every downstream service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from contextvars import Token
from typing import Any

from frmk.utils.tracing import context
from frmk.utils.tracing.context import SpanContext

HEADER = "traceparent"


_VERSION_00 = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_ANY_VERSION = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


def parse_traceparent(value: str | bytes | None) -> SpanContext | None:
    """Parse a ``traceparent`` value; ``None`` for anything malformed (it is then ignored).

    Version 00 must be exactly four fields; a later version may append fields (W3C: parse the
    first four and ignore the rest); version ff is invalid.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
    value = value.strip()
    match = _VERSION_00.fullmatch(value)
    if match is None:
        match = _ANY_VERSION.fullmatch(value)
        if match is None or match.group(1) in ("00", "ff"):
            return None
        match = _VERSION_00.fullmatch("00" + value[2:55])
        if match is None:
            return None
    trace_id, span_id, flags = match.groups()
    if trace_id == _ZERO_TRACE or span_id == _ZERO_SPAN:
        return None
    return SpanContext(trace_id, span_id, bool(int(flags, 16) & 1))


def format_traceparent(trace_id: str, span_id: str, sampled: bool) -> str:
    return f"00-{trace_id}-{span_id}-{'01' if sampled else '00'}"


def current_traceparent() -> str | None:
    """The ``traceparent`` for an outgoing request made from the current span, if any."""
    cur = context.current.get()
    if cur is None or cur.span_id is None:
        return None
    return format_traceparent(cur.trace_id, cur.span_id, cur.sampled)


def _header(headers: Any, name: str) -> Any:
    """Case-insensitive lookup in a mapping or an ASGI-style list of (name, value) pairs."""
    if isinstance(headers, Mapping):
        value = headers.get(name)
        if value is None:
            for key, val in headers.items():
                if isinstance(key, (str, bytes)) and _lower(key) == name:
                    return val
        return value
    for key, val in headers or ():
        if _lower(key) == name:
            return val
    return None


def _lower(key: str | bytes) -> str:
    return key.decode("latin-1").lower() if isinstance(key, bytes) else key.lower()


def extract_traceparent(headers: Any) -> Token | None:
    """Make the caller's span (from ``headers``) the current parent.

    Returns a token for :func:`detach_traceparent`, or ``None`` when the headers carry no valid
    ``traceparent`` (the next span then starts a new trace).
    """
    remote = parse_traceparent(_header(headers, HEADER))
    if remote is None:
        return None
    return context.attach(remote)


def detach_traceparent(token: Token | None) -> None:
    """Undo :func:`extract_traceparent`."""
    if token is not None:
        context.detach(token)


def inject_traceparent(headers: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Write the current context into ``headers`` (a new dict if none); unchanged if no span."""
    if headers is None:
        headers = {}
    value = current_traceparent()
    if value is not None:
        headers[HEADER] = value
    return headers
