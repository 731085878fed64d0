"""TRACING_OUTPUT=otlp over the wire: the real OTLP/HTTP exporter sending to a real receiver on
loopback; kinds, status, OpenInference attributes, the project, retries, a full queue, and a
server process stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

pytest.importorskip("opentelemetry.exporter.otlp.proto.http")
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402

from frmk.utils import tracing  # noqa: E402
from frmk.utils.tracing import TraceSpan  # noqa: E402
from frmk.utils.tracing import otlp as otlp_module  # noqa: E402
from frmk.utils.tracing.otlp import OtlpSink  # noqa: E402

from .otlp_receiver import OtlpReceiver  # noqa: E402

SERVER, CLIENT, INTERNAL = 2, 3, 1  # OTLP SpanKind numbers
UNSET, ERROR = 0, 2


@pytest.fixture
def receiver():
    server = OtlpReceiver()
    yield server
    server.close()


def sink_for(url: str, **kwargs) -> OtlpSink:
    return OtlpSink(OTLPSpanExporter(endpoint=f"{url}/v1/traces", timeout=2), **kwargs)


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_spans_arrive_with_kind_status_openinference_and_project(receiver):
    tracing.configure(output=sink_for(receiver.url, project="travel"), service="orchestrator")
    try:
        with TraceSpan("api.POST /chat", kind="server") as root:
            with TraceSpan("chat gpt-4o", kind="client", component="llm") as llm:
                llm.add_metadata(**{
                    "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12,
                    "gen_ai.usage.output_tokens": 5,
                })  # fmt: skip
            try:
                with TraceSpan("execute_tool search", component="tool", **{"gen_ai.tool.name": "search"}):
                    raise RuntimeError("down")
            except RuntimeError:
                pass
        tracing.flush()
    finally:
        tracing.configure(output="none")
    spans = {s["name"]: s for s in receiver.spans}
    api, chat, tool = spans["api.POST /chat"], spans["chat gpt-4o"], spans["execute_tool search"]
    assert (api["kind"], chat["kind"], tool["kind"]) == (SERVER, CLIENT, INTERNAL)
    assert (api["status"], chat["status"], tool["status"]) == (UNSET, UNSET, ERROR)
    assert chat["parent_span_id"] == api["span_id"] == root.span_id
    assert api["trace_id"] == root.trace_id
    assert api["resource"]["service.name"] == "orchestrator"
    assert api["resource"]["openinference.project.name"] == "travel"
    assert api["attributes"]["openinference.span.kind"] == "CHAIN"
    assert chat["attributes"]["openinference.span.kind"] == "LLM"
    assert chat["attributes"]["llm.model_name"] == "gpt-4o"
    assert chat["attributes"]["llm.token_count.prompt"] == 12
    assert chat["attributes"]["llm.token_count.total"] == 17
    assert chat["attributes"]["gen_ai.usage.input_tokens"] == 12  # the GenAI names stay too
    assert tool["attributes"]["openinference.span.kind"] == "TOOL"
    assert tool["attributes"]["tool.name"] == "search"


def test_a_refused_batch_is_sent_again_when_the_receiver_is_back(receiver, monkeypatch):
    monkeypatch.setattr(otlp_module, "EXPORT_INTERVAL_S", 0.1)
    receiver.status = 503
    sink = sink_for(receiver.url)
    tracing.configure(output=sink, service="bot")
    try:
        with TraceSpan("bot.on_message"):
            pass
        assert wait_for(lambda: receiver.requests >= 1)
        assert receiver.spans == []
        receiver.status = 200
        assert wait_for(lambda: len(receiver.spans) == 1), "the span was not sent again"
    finally:
        tracing.configure(output="none")
    assert receiver.spans[0]["name"] == "bot.on_message"
    assert sink.dropped == 0 and sink.exported == 1


def test_a_full_queue_drops_new_spans_and_counts_them(receiver, monkeypatch):
    monkeypatch.setattr(otlp_module, "MAX_QUEUE", 10)
    sink = sink_for(receiver.url)
    tracing.configure(output=sink, service="bot")
    try:
        for i in range(30):
            with TraceSpan(f"s{i}"):
                pass
        counted = tracing.stats()
        tracing.flush()
    finally:
        tracing.configure(output="none")
    assert counted["written"] + counted["dropped"] == 30
    assert counted["dropped"] >= 10
    assert len(receiver.spans) == counted["written"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_uvicorn_server_stopped_by_sigterm_sends_its_spans(receiver, tmp_path):
    """uvicorn re-raises SIGTERM after its shutdown, so atexit never runs: the lifespan flush
    of TraceContextMiddleware must send the spans."""
    pytest.importorskip("uvicorn")
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent("""
        from fastapi import FastAPI
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.asgi import TraceContextMiddleware

        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)

        @app.get("/hi")
        @trace_span("api.GET /hi")
        async def hi():
            return {"ok": True}
    """))
    port = free_port()
    env = dict(os.environ, TRACING_OUTPUT="otlp", TRACING_SERVICE_NAME="orchestrator",
               OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url, PYTHONPATH=os.pathsep.join(
                   [str(tmp_path), os.getcwd(), os.environ.get("PYTHONPATH", "")]))  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path, env=env,
    )
    try:
        import httpx

        assert wait_for(lambda: _get(httpx, f"http://127.0.0.1:{port}/hi")), "server did not start"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    names = {s["name"] for s in receiver.spans}
    assert "api.GET /hi" in names


def _get(httpx, url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
