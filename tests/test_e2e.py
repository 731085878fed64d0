"""End to end across processes: generate the sample spec, instrument it, run the bot and the
orchestrator from their scripts on loopback ports, talk to the bot like the Emulator, and find
one trace that spans both processes. Once with the bot on botbuilder (the sample spec), once
on the Microsoft 365 Agents SDK (the sample with ``ux.teams.sdk = "agents"``, written to tmp).

Everything is real: the goalgen CLI in subprocesses, botbuilder's or the Agents SDK's
CloudAdapter, FastAPI, LangGraph, the local LLM, and the span files each process writes.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from frmk.testing import BotTestClient, reply_texts
from frmk.testing.services import ProjectServices, is_healthy, stop_service
from goalgen.traces import Trace, build_traces, read_spans

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
travel_sample = importlib.import_module("travel_sample")
travel_apis = importlib.import_module("travel_apis")
MESSAGES = [
    "I need a flight from Seattle to Paris on 2026-12-20 for 2 people",
    "Find me a hotel in Paris",
]
COMPONENTS = {"bot", "api", "node", "agent", "mapper", "tool", "llm", "http"}


def goalgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goalgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module", params=travel_sample.SDKS)
def project(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp(f"e2e-{request.param}")
    out = root / "travel"
    spec = travel_sample.sample_spec(request.param, root)
    generated = goalgen("generate", "--spec", str(spec), "--out", str(out), cwd=root)
    assert generated.returncode == 0, generated.stderr
    instrumented = goalgen("instrument", str(out), cwd=root)
    assert instrumented.returncode == 0, instrumented.stderr
    return out


@pytest.fixture(scope="module")
def services(project):
    """The project's services, its tools calling the stand-in flight and hotel APIs."""
    with travel_apis.TravelApis() as apis:
        run = ProjectServices(
            project,
            project.parent / "run",
            env={
                "LLM_PROVIDER": "local",
                "CHECKPOINT_DB": str(project.parent / "run" / "checkpoints.sqlite"),
                "CONVERSATION_DB_PATH": str(project.parent / "run" / "conversations.sqlite"),
                **apis.env(),
            },
            health_timeout=60,
        )
        run.start()
        try:
            yield run
        finally:
            run.stop()


def wait_for_trace(files: list[Path], timeout: float = 10.0) -> tuple[Trace | None, list[Trace]]:
    """Poll the span files (flushed twice a second) for a trace with every component."""
    deadline = time.monotonic() + timeout
    while True:
        traces = build_traces(read_spans([str(f) for f in files]).spans)
        for trace in traces:
            if COMPONENTS <= {s.component for s in trace.spans}:
                return trace, traces
        if time.monotonic() > deadline:
            return None, traces
        time.sleep(0.25)


def post_json(url: str, body: object) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


async def test_conversation_is_one_trace_across_bot_and_orchestrator(services):
    async with BotTestClient(services.bot.url, timeout=30) as client:
        await client.conversation_update()
        answers = [reply_texts(await client.send(text)) for text in MESSAGES]
    assert all(answer and all(answer) for answer in answers), answers

    trace, traces = wait_for_trace(services.trace_files)
    found = {t.trace_id: sorted({(s.service, s.component) for s in t.spans}) for t in traces}
    assert trace is not None, f"no trace with all of {sorted(COMPONENTS)}: {found}"
    assert set(trace.services) == {"bot", "orchestrator"}
    assert [s.name for s in trace.spans if s.failed] == []

    by_id = {s.span_id: s for s in trace.spans}
    crossing = [
        s
        for s in trace.spans
        if s.service == "orchestrator"
        and s.parent_span_id in by_id
        and by_id[s.parent_span_id].service == "bot"
    ]
    assert crossing, "no orchestrator span has a bot span as parent (traceparent not carried)"
    (server,) = crossing  # the orchestrator's server span, child of the bot's client span
    assert (server.kind, server.component, server.name) == ("server", "api", "POST /api/v1/message")
    assert server.metadata["http.response.status_code"] == 200
    assert server.metadata["http.route"] == "/api/v1/message"
    client = by_id[server.parent_span_id]
    assert (client.kind, client.component, client.name) == ("client", "http", "POST")
    assert client.metadata["http.response.status_code"] == 200
    assert client.metadata["url.full"] == services.orchestrator.url + "/api/v1/message"
    (root,) = trace.roots  # one tree: nothing orphaned across the process boundary
    assert root.span.service == "bot" and not root.orphan
    assert by_id[client.parent_span_id] is root.span
    mapper = next(s for s in trace.spans if s.component == "mapper")
    assert by_id[mapper.parent_span_id] is root.span  # the bot span holds the mapper and the call
    replies = [s for s in trace.spans if s.name == "bot.send_activity"]
    assert replies and all(by_id[s.parent_span_id] is root.span for s in replies)

    llm = [s for s in trace.spans if s.component == "llm"]
    assert llm and all(s.kind == "client" and s.name.startswith("chat ") for s in llm)
    for span in llm:
        assert span.metadata["gen_ai.usage.input_tokens"] > 0, span.metadata
        assert span.metadata["gen_ai.usage.output_tokens"] > 0, span.metadata
        assert by_id[span.parent_span_id].component == "agent"
    tools = [s for s in trace.spans if s.component == "tool"]
    assert tools and all(s.name.startswith("execute_tool ") for s in tools)
    for tool in tools:  # each tool's own request to the stand-in API, a client span under it
        (call,) = [s for s in trace.spans if s.parent_span_id == tool.span_id]
        assert (call.kind, call.component) == ("client", "http")
        assert call.metadata["http.response.status_code"] == 200
    agents = [s for s in trace.spans if s.component == "agent"]
    assert all(s.metadata["gen_ai.operation.name"] == "invoke_agent" for s in agents)


async def test_malformed_activities_get_4xx_and_the_bot_keeps_serving(services):
    async with BotTestClient(services.bot.url, timeout=30) as client:
        missing_type = await client.post({"text": "no type", "id": "1"})
        not_json = await client.post("{not json")
        not_object = await client.post("[1, 2, 3]")
        foreign = client.session.message("hello", serviceUrl="http://203.0.113.7:9/")
        foreign_result = await client.post(foreign)
        for result in (missing_type, not_json, not_object, foreign_result):
            assert 400 <= result.status < 500, result
        assert client.channel.replies_to(foreign["id"]) == []
        assert await client.health()
        assert reply_texts(await client.send("Find me a hotel in Paris"))


def test_orchestrator_rejects_an_invalid_body_with_422(services):
    url = services.orchestrator.url + "/api/v1/message"
    status, body = post_json(url, {"text": "message is missing"})
    assert status == 422, body
    status, body = post_json(url, {"message": "Find me a hotel in Paris"})
    assert status == 200 and body["response"] and body["thread_id"]
    assert is_healthy(services.orchestrator.url)


async def test_a_reply_lost_to_a_stopped_orchestrator_shows_as_a_failed_client_span(services):
    """Runs last in the module: it stops the orchestrator. The bot apologises (its handler
    recovers, so its span is ok) and the trace shows the call that failed, with its error."""
    stop_service(services.orchestrator)
    async with BotTestClient(services.bot.url, timeout=30) as client:
        await client.conversation_update()
        apology = reply_texts(await client.send("Find me a hotel in Paris"))
    assert apology, "the bot did not answer while the orchestrator was down"
    deadline = time.monotonic() + 10
    while True:
        spans = read_spans([str(f) for f in services.trace_files]).spans
        failed = [s for s in spans if s.component == "http" and s.failed]
        if failed or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert failed, "no failed client span for the call to the stopped orchestrator"
    (call,) = failed
    assert call.service == "bot" and call.kind == "client"
    assert call.error["type"] == "ConnectError" and call.metadata["error.type"] == "ConnectError"
    handler = next(s for s in spans if s.span_id == call.parent_span_id)
    assert handler.name.startswith("bot.") and not handler.failed
