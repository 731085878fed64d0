"""A frmk span with no frmk parent takes the current OpenTelemetry span as its parent.

Real OpenTelemetry SDK tracers (a local ``TracerProvider``, not the global one) make their
spans current in OpenTelemetry's context, as hosting-core's do.
"""

from __future__ import annotations

import sys
import types

import pytest

from frmk.utils import tracing

pytest.importorskip("opentelemetry.sdk")
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF  # noqa: E402


@pytest.fixture
def records():
    sink = tracing.MemorySink()
    tracing.configure(output=sink, enabled=True, sample_rate=1.0)
    try:
        yield sink.records
    finally:
        tracing.configure(output="none")


def test_span_under_an_opentelemetry_span_is_its_child(records):
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("agents.app.route_handler") as outer:
        with tracing.TraceSpan("bot.on_hi"):
            with tracing.TraceSpan("http.client"):
                pass
    otel = outer.get_span_context()
    inner, ours = records
    assert ours["trace_id"] == format(otel.trace_id, "032x")
    assert ours["parent_span_id"] == format(otel.span_id, "016x")
    assert (inner["trace_id"], inner["parent_span_id"]) == (ours["trace_id"], ours["span_id"])


def test_unsampled_opentelemetry_parent_means_unsampled(records):
    tracer = TracerProvider(sampler=ALWAYS_OFF).get_tracer("test")
    with tracer.start_as_current_span("agents.app.run"), tracing.TraceSpan("bot.on_hi") as span:
        assert not span.sampled
    assert records == []


def test_without_an_opentelemetry_span_a_span_starts_a_trace(records):
    with tracing.TraceSpan("bot.on_hi"):
        pass
    assert records[0]["parent_span_id"] is None


def test_a_broken_opentelemetry_never_breaks_the_span(records, monkeypatch):
    def get_current_span():
        raise RuntimeError("broken")

    monkeypatch.setitem(
        sys.modules, "opentelemetry.trace", types.SimpleNamespace(get_current_span=get_current_span)
    )
    with tracing.TraceSpan("bot.on_hi"):
        pass
    assert records[0]["parent_span_id"] is None
