"""The ASGI middleware with a real FastAPI app and OTLP export through the real OpenTelemetry
SDK (outgoing requests: test_http*.py)."""

import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan, trace_span

TID = "4bf92f3577b34da6a3ce929d0e0e4736"
SID = "00f067aa0ba902b7"


def make_app():
    from fastapi import FastAPI

    from frmk.utils.tracing.asgi import TraceContextMiddleware

    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)

    @app.get("/items/{item_id}")
    @trace_span("api.GET /items/{item_id}")
    async def item(item_id: int, q: str | None = None):
        return {"item_id": item_id, "q": q}

    @app.get("/sync")
    @trace_span("api.GET /sync")
    def sync_route():
        return {"trace": tracing.get_trace_id()}

    return app


def test_asgi_middleware_continues_incoming_trace(spans):
    from fastapi.testclient import TestClient

    with TestClient(make_app()) as client:
        resp = client.get("/items/3?q=a", headers={"traceparent": f"00-{TID}-{SID}-01"})
        assert resp.json() == {"item_id": 3, "q": "a"}
        assert client.get("/sync", headers={"traceparent": f"00-{TID}-{SID}-01"}).json() == {
            "trace": TID
        }
        client.get("/items/4")  # no header: a new trace
        assert client.get("/items/x").status_code == 422
    servers = [r for r in spans if r["kind"] == "server"]
    routes = [r for r in spans if r["kind"] == "internal"]
    assert [r["name"] for r in servers] == [
        "GET /items/{item_id}", "GET /sync", "GET /items/{item_id}", "GET /items/{item_id}"
    ]
    assert [r["name"] for r in routes] == [
        "api.GET /items/{item_id}", "api.GET /sync", "api.GET /items/{item_id}"
    ]
    first, second, third, invalid = servers
    assert first["trace_id"] == TID and first["parent_span_id"] == SID
    assert second["trace_id"] == TID
    assert third["trace_id"] != TID and third["parent_span_id"] is None
    assert [r["parent_span_id"] for r in routes] == [s["span_id"] for s in servers[:3]]
    assert invalid["metadata"]["http.response.status_code"] == 422 and invalid["status"] == "ok"


def test_openapi_schema_unchanged_by_decorator():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    plain = FastAPI()

    @plain.get("/items/{item_id}")
    async def item(item_id: int, q: str | None = None):
        return {"item_id": item_id}

    traced = FastAPI()

    @traced.get("/items/{item_id}")
    @trace_span("api.GET /items/{item_id}")
    async def item2(item_id: int, q: str | None = None):
        return {"item_id": item_id}

    a = TestClient(plain).get("/openapi.json").json()["paths"]
    b = TestClient(traced).get("/openapi.json").json()["paths"]
    a_op, b_op = a["/items/{item_id}"]["get"], b["/items/{item_id}"]["get"]
    assert a_op["parameters"] == b_op["parameters"]


def test_otlp_sink_keeps_ids_parents_and_status():
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from frmk.utils.tracing.otlp import OtlpSink

    exporter = InMemorySpanExporter()
    tracing.configure(output=OtlpSink(exporter), service="orchestrator")
    try:
        with TraceSpan("api.POST /api/v1/message", kind="server", user="u") as root:
            try:
                with TraceSpan("agent.A.invoke"):
                    raise ValueError("nope")
            except ValueError:
                pass
        tracing.flush()
    finally:
        tracing.configure(output="none")
    exported = {s.name: s for s in exporter.get_finished_spans()}
    child, parent = exported["agent.A.invoke"], exported["api.POST /api/v1/message"]
    assert format(parent.context.trace_id, "032x") == root.trace_id
    assert format(parent.context.span_id, "016x") == root.span_id
    assert child.parent.span_id == parent.context.span_id
    from opentelemetry.trace import SpanKind, StatusCode

    assert child.status.status_code is StatusCode.ERROR
    assert parent.status.status_code is StatusCode.UNSET  # not OK: OpenTelemetry's default
    assert (parent.kind, child.kind) == (SpanKind.SERVER, SpanKind.INTERNAL)
    assert parent.resource.attributes["service.name"] == "orchestrator"
    assert parent.attributes["user"] == "u"
