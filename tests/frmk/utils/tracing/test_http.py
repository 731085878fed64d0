"""The parts of ``frmk.utils.tracing.http`` not tied to one library: ``httpx_event_hooks`` (kept
for code instrumented before ``trace_client``), which sends the current span without a span of
its own, and the OTLP view of a failed client span."""

import asyncio

import httpx
import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.http import httpx_event_hooks, trace_client


def test_httpx_event_hooks_send_the_current_span(spans, http_server):
    url = f"{http_server.url}/status/200"

    async def main():
        with TraceSpan("bot.turn") as outer:
            async with httpx.AsyncClient(event_hooks=httpx_event_hooks()) as client:
                seen = [(await client.get(url)).headers["x-seen-traceparent"]]
            with httpx.Client(event_hooks=httpx_event_hooks()) as client:
                seen.append(client.get(url).headers["x-seen-traceparent"])
        async with httpx.AsyncClient(event_hooks=httpx_event_hooks()) as client:
            seen.append((await client.get(url)).headers["x-seen-traceparent"])  # no span
        return outer, seen

    outer, seen = asyncio.run(main())
    want = f"00-{outer.trace_id}-{outer.span_id}-01"
    assert seen == [want, want, ""]
    assert [s["name"] for s in spans] == ["bot.turn"]


def test_httpx_event_hooks_keep_extra_hooks():
    def log(response):
        return None

    hooks = httpx_event_hooks(response=[log], request=[log])
    assert hooks["response"] == [log] and hooks["request"][1:] == [log]


def test_failed_client_span_exports_as_an_otlp_error(http_server):
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind, StatusCode

    from frmk.utils.tracing.otlp import OtlpSink

    exporter = InMemorySpanExporter()
    tracing.configure(output=OtlpSink(exporter), service="bot", enabled=True, sample_rate=1.0)
    try:
        with trace_client(httpx.Client)() as client:
            client.post(f"{http_server.url}/status/503")
        tracing.flush()
    finally:
        tracing.configure(output="none")
    (span,) = exporter.get_finished_spans()
    assert (span.name, span.kind) == ("POST", SpanKind.CLIENT)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["http.response.status_code"] == 503
    assert span.attributes["error.type"] == "503"
    assert span.attributes["component"] == "http"
