"""OTLP JSON lines (the Collector's file exporter) read beside our span lines, from spans made by
the real OpenTelemetry SDK and encoded by its real OTLP encoder."""

from __future__ import annotations

import base64
import json

import pytest

from goalgen.traces import build_traces, read_spans

pytest.importorskip("opentelemetry.sdk")
from google.protobuf.json_format import MessageToDict  # noqa: E402
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
from opentelemetry.trace import (  # noqa: E402
    NonRecordingSpan,
    SpanContext,
    SpanKind,
    TraceFlags,
    set_span_in_context,  # noqa: E402
)

from frmk.utils import tracing  # noqa: E402
from frmk.utils.tracing import TraceSpan  # noqa: E402


def sdk_spans(parent: tuple[str, str] | None = None):
    """A server span with a failing client child, from the SDK, under ``parent`` if given."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "payments"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    context = None
    if parent is not None:
        remote = SpanContext(int(parent[0], 16), int(parent[1], 16), True, TraceFlags(1))
        context = set_span_in_context(NonRecordingSpan(remote))
    with tracer.start_as_current_span("POST /pay", kind=SpanKind.SERVER, context=context) as s:
        s.set_attribute("http.response.status_code", 502)
        try:
            with tracer.start_as_current_span("GET", kind=SpanKind.CLIENT):
                raise ConnectionError("bank down")
        except ConnectionError:
            pass
    return exporter.get_finished_spans()


def proto_json(spans) -> dict:
    """Generic protobuf JSON (ids in base64), as MessageToJson writes it."""
    return MessageToDict(encode_spans(spans))


def collector_json(spans) -> dict:
    """The Collector's OTLP/JSON: the same, ids in hex (OTLP's JSON encoding rule)."""
    data = proto_json(spans)
    for resource in data["resourceSpans"]:
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if span.get(key):
                        span[key] = base64.b64decode(span[key]).hex()
    return data


@pytest.mark.parametrize("encode", [collector_json, proto_json], ids=["hex-ids", "base64-ids"])
def test_otlp_lines_give_spans_with_parents_kinds_and_errors(tmp_path, encode):
    path = tmp_path / "otlp.jsonl"
    path.write_text(json.dumps(encode(sdk_spans())) + "\n", encoding="utf-8")
    result = read_spans([str(path)])
    assert result.skipped == 0
    spans = {s.name: s for s in result.spans}
    server, client = spans["POST /pay"], spans["GET"]
    assert client.parent_span_id == server.span_id and client.trace_id == server.trace_id
    assert (server.kind, client.kind) == ("server", "client")
    assert server.service == "payments"
    assert server.metadata["http.response.status_code"] == 502
    assert client.status == "error" and client.error["type"] == "ConnectionError"
    assert client.error["message"] == "bank down"
    assert server.status == "ok"
    assert server.duration_ms >= client.duration_ms > 0


def test_otlp_spans_join_our_trace(tmp_path):
    ours = tmp_path / "bot.jsonl"
    tracing.configure(output=str(ours), service="bot")
    try:
        with TraceSpan("bot.on_message") as root:
            pass
    finally:
        tracing.configure(output="none")
    other = tmp_path / "payments.jsonl"
    other.write_text(
        json.dumps(collector_json(sdk_spans((root.trace_id, root.span_id)))) + "\n",
        encoding="utf-8",
    )
    (trace,) = build_traces(read_spans([str(ours), str(other)]).spans)
    assert set(trace.services) == {"bot", "payments"}
    by_name = {s.name: s for s in read_spans([str(other)]).spans}
    assert by_name["POST /pay"].parent_span_id == root.span_id


@pytest.mark.parametrize(
    "span, reason",
    [
        ({"name": "x", "traceId": "zz", "spanId": "00f067aa0ba902b7",
          "startTimeUnixNano": "1", "endTimeUnixNano": "2"}, "traceId is not 32 hex"),
        ({"name": "x", "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7",
          "startTimeUnixNano": "soon", "endTimeUnixNano": "2"}, "startTimeUnixNano is not a number"),
        ({"traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}, "has no name"),
    ],
    ids=["bad-trace-id", "bad-time", "no-name"],
)  # fmt: skip
def test_a_bad_otlp_span_is_skipped_with_its_reason_and_the_others_kept(tmp_path, span, reason):
    good = collector_json(sdk_spans())
    good["resourceSpans"][0]["scopeSpans"][0]["spans"].append(span)
    path = tmp_path / "otlp.jsonl"
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    result = read_spans([str(path)])
    assert len(result.spans) == 2
    assert result.skipped == 1 and reason in result.bad_lines[0].reason
