"""The OpenTelemetry span current in this context, as a parent for a frmk span that has none.

hosting-core (and any OpenTelemetry instrumentation) makes its spans current in
OpenTelemetry's own context; a frmk span starting under one takes it as its parent, so both
land in one trace. OpenTelemetry is never imported here: if the program has not imported
``opentelemetry.trace`` there is no OpenTelemetry span, and the check is one dict lookup.
"""

from __future__ import annotations

import sys

from frmk.utils.tracing.context import SpanContext


def otel_parent() -> SpanContext | None:
    """The current valid OpenTelemetry span's ids and sampled flag, else ``None``; never raises."""
    api = sys.modules.get("opentelemetry.trace")
    if api is None:
        return None
    try:
        ctx = api.get_current_span().get_span_context()
        if not ctx.is_valid:
            return None
        return SpanContext(
            format(ctx.trace_id, "032x"), format(ctx.span_id, "016x"), bool(ctx.trace_flags & 1)
        )
    except Exception:  # a broken or foreign opentelemetry must not break the traced program
        return None
