"""The one ``ContextVar`` that holds the active span, and the remote parent a request carried.

Everything that asks "what is the current span?" goes through here, so asyncio tasks, threads
started with ``contextvars.copy_context`` and generator steps all see the right parent.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import Any, NamedTuple


class SpanContext(NamedTuple):
    """The part of a span that crosses a boundary: ids and the sampling decision.

    Used for a parent that lives in another process (read from ``traceparent``) or for a trace
    started with ``start_trace`` before any span exists (``span_id`` is then ``None``).
    """

    trace_id: str
    span_id: str | None
    sampled: bool = True


# Holds a TraceSpan, a SpanContext, or None. Both expose trace_id / span_id / sampled.
current: ContextVar[Any] = ContextVar("frmk_tracing_current", default=None)


def attach(value: Any) -> Token:
    """Make ``value`` the current span context; give back the token to restore the previous one."""
    return current.set(value)


def detach(token: Token) -> None:
    """Restore what was current before ``attach``; tolerate a token from another context."""
    try:
        current.reset(token)
    except ValueError:
        # The span ended in a different context than it started in (a span handed to another
        # task and ended there). Nothing to restore in this context.
        pass
