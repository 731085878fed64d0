"""frmk.utils.tracing: spans, context across async code and processes, JSON-lines output.

Stdlib only. Public names::

    TraceSpan, trace_span, start_trace, get_trace_id, add_trace_metadata,
    extract_traceparent, inject_traceparent, flush, flush_on_signals, configure

and, loaded on first use (``genai.py``; ``langchain_callbacks`` imports langchain_core)::

    trace_llm, trace_tool, note_llm_response, langchain_callbacks

One finished span is one JSON object on one line (see ``TraceSpan.to_dict``). Settings come
from ``TRACING_ENABLED``, ``TRACE_SAMPLE_RATE``, ``TRACING_OUTPUT``, ``TRACING_SERVICE_NAME``
(or ``OTEL_SERVICE_NAME``), ``TRACING_RECORD_CONTENT`` and ``TRACING_FILE_MODE``; ``configure``
re-reads them.
"""

from __future__ import annotations

from typing import Any

from frmk.utils.lazy_exports import lazy_getattr
from frmk.utils.tracing import context as _context
from frmk.utils.tracing.config import configure, flush, settings, stats
from frmk.utils.tracing.context import SpanContext
from frmk.utils.tracing.ids import new_trace_id, sample
from frmk.utils.tracing.propagation import (
    current_traceparent,
    detach_traceparent,
    extract_traceparent,
    format_traceparent,
    inject_traceparent,
    parse_traceparent,
)
from frmk.utils.tracing.shutdown import flush_on_signals
from frmk.utils.tracing.sinks import FileSink, MemorySink, NullSink, Sink, StreamSink
from frmk.utils.tracing.span import TraceSpan, trace_span

__all__ = [
    "TraceSpan",
    "trace_span",
    "start_trace",
    "get_trace_id",
    "get_current_span",
    "add_trace_metadata",
    "extract_traceparent",
    "detach_traceparent",
    "inject_traceparent",
    "parse_traceparent",
    "format_traceparent",
    "current_traceparent",
    "configure",
    "flush",
    "flush_on_signals",
    "stats",
    "settings",
    "SpanContext",
    "Sink",
    "MemorySink",
    "FileSink",
    "StreamSink",
    "NullSink",
]

# Not in __all__: `import *` must not pull in LangChain.
_LAZY = {
    "trace_llm": "frmk.utils.tracing.genai",
    "trace_tool": "frmk.utils.tracing.genai",
    "note_llm_response": "frmk.utils.tracing.genai",
    "langchain_callbacks": "frmk.utils.tracing.langchain",
}
__getattr__ = lazy_getattr(__name__, _LAZY)


def start_trace(trace_id: str | None = None) -> str:
    """Begin a new trace in the current context and return its id.

    Spans started afterwards in this context (and tasks created from it) belong to that trace
    as roots. The sampling decision for the trace is made here.
    """
    trace_id = trace_id or new_trace_id()
    sampled = settings.enabled and sample(settings.sample_rate)
    _context.attach(SpanContext(trace_id, None, sampled))
    return trace_id


def get_trace_id() -> str | None:
    """The id of the trace the current context belongs to, or ``None``."""
    cur = _context.current.get()
    return None if cur is None else cur.trace_id


def get_current_span() -> TraceSpan | None:
    """The active span in this context, if it is a local one."""
    cur = _context.current.get()
    return cur if isinstance(cur, TraceSpan) else None


def add_trace_metadata(**metadata: Any) -> bool:
    """Add metadata to the current span; ``False`` when no span is active."""
    span = get_current_span()
    if span is None:
        return False
    span.add_metadata(**metadata)
    return True


# Configure from the environment on import; `configure()` re-reads it later.
configure()
