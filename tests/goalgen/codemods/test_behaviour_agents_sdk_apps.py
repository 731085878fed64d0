"""Microsoft 365 Agents SDK apps behave the same after ``goalgen instrument``, turn by turn.

A sample app (the ``AgentApplication`` made in one module, its handlers registered in another,
bare and called decorators, a handler module function taking the app as a parameter) is copied
twice into tmp_path; one copy is instrumented by the real CLI. Both run real hosting-core turns
(``app.on_turn`` on a ``TurnContext`` over a channel adapter that keeps what the app sends:
hosting-core ships no test adapter) with the same activities; what the app sends and the order
its handlers ran in must be identical, and ``before_turn`` answering False stops the turn in
both. The instrumented side records one ``bot.<handler>`` span per handler call, with its route.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("microsoft_agents.hosting.core")
from codemod_cases import instrumented_copies, package_from  # noqa: E402
from microsoft_agents.activity import (  # noqa: E402
    Activity,
    ChannelAccount,
    ConversationAccount,
    ResourceResponse,
)
from microsoft_agents.hosting.core import ChannelAdapter, TurnContext  # noqa: E402

from frmk.utils.tracing.bot_context import conversation_hash  # noqa: E402

PACKAGE = "agentbot"
FILES = {
    "__init__.py": "",
    "setup.py": '''
"""The application, made once; handler modules import it."""
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ConnectionManager,
    MemoryStorage,
    TurnState,
)

CONNECTIONS = ConnectionManager(
    lambda config: AnonymousTokenProvider(),
    connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration()},
)
app = AgentApplication[TurnState](storage=MemoryStorage(), connection_manager=CONNECTIONS)
''',
    "handlers.py": '''
"""Handlers of the app, registered with its route decorators."""
import re

from microsoft_agents.hosting.core import AgentApplication as Agents
from microsoft_agents.hosting.core import TurnContext, TurnState

from .setup import app

RAN: list[str] = []  # the handlers that ran, in order


@app.before_turn
async def gate(context: TurnContext, state: TurnState) -> bool:
    RAN.append("gate")
    return context.activity.text != "stop"


@app.after_turn
async def done(context, state):
    RAN.append("done")
    return True


@app.message("hi")
async def on_hi(context: TurnContext, state: TurnState):
    RAN.append("on_hi")
    await context.send_activity("hello!")


@app.message(re.compile(r"echo .*"))
async def on_echo(context, state):
    RAN.append("on_echo")
    await context.send_activity(context.activity.text.removeprefix("echo "))


@app.message("boom")
async def on_boom(context, state):
    RAN.append("on_boom")
    raise ValueError("boom")


@app.error
async def on_error(context, error):
    RAN.append("on_error")
    await context.send_activity(f"sorry: {type(error).__name__}")


@app.conversation_update("membersAdded")
async def welcome(context, state):
    RAN.append("welcome")
    for member in context.activity.members_added:
        await context.send_activity(f"welcome {member.name}")


@app.event("ping")
async def on_ping(context, state):
    RAN.append("on_ping")
    await context.send_activity("pong")


@app.adaptive_card.action_submit("save")
async def on_save(context, state, data):
    RAN.append("on_save")
    await context.send_activity(f"saved {data['item']}")


@app.handoff
async def on_handoff(context, state, continuation):
    RAN.append("on_handoff")
    await context.send_activity(f"handoff {continuation}")


def register(agent: Agents[TurnState]) -> None:
    @agent.message("help")
    async def on_help(context, state):
        RAN.append("on_help")
        await context.send_activity("try hi")


register(app)
''',
}

USER = {"id": "user", "name": "Ada"}
CONVERSATION_ID = "a:raw-conversation-4711"
ACTIVITIES = [
    pytest.param({"type": "conversationUpdate", "members_added": [USER]}, id="members-added"),
    pytest.param({"type": "message", "text": "hi"}, id="hi"),
    pytest.param({"type": "message", "text": "echo ping"}, id="echo"),
    pytest.param({"type": "message", "text": "boom"}, id="error"),
    pytest.param({"type": "message", "text": "stop"}, id="before-turn-false"),
    pytest.param({"type": "event", "name": "ping"}, id="event"),
    pytest.param({"type": "message", "value": {"verb": "save", "item": "x"}}, id="card-submit"),
    pytest.param(
        {"type": "invoke", "name": "handoff/action", "value": {"continuation": "c1"}},
        id="handoff",
    ),
    pytest.param({"type": "message", "text": "help"}, id="registered-in-a-function"),
    pytest.param({"type": "message", "text": "nothing matches"}, id="no-route"),
]

# (span names with their routes, status of each) per activity id, on the instrumented side.
SPANS = {
    "members-added": [("bot.gate", "before_turn"), ("bot.welcome", "conversation_update:membersAdded"), ("bot.done", "after_turn")],
    "hi": [("bot.gate", "before_turn"), ("bot.on_hi", "message:hi"), ("bot.done", "after_turn")],
    "echo": [("bot.gate", "before_turn"), ("bot.on_echo", "message:/echo .*/"), ("bot.done", "after_turn")],
    "error": [("bot.gate", "before_turn"), ("bot.on_boom", "message:boom"), ("bot.on_error", "error")],
    "before-turn-false": [("bot.gate", "before_turn")],
    "event": [("bot.gate", "before_turn"), ("bot.on_ping", "event:ping"), ("bot.done", "after_turn")],
    "card-submit": [("bot.gate", "before_turn"), ("bot.on_save", "adaptive_card.action_submit:save"), ("bot.done", "after_turn")],
    "handoff": [("bot.gate", "before_turn"), ("bot.on_handoff", "handoff"), ("bot.done", "after_turn")],
    "registered-in-a-function": [("bot.gate", "before_turn"), ("bot.on_help", "message:help"), ("bot.done", "after_turn")],
    "no-route": [("bot.gate", "before_turn"), ("bot.done", "after_turn")],
}  # fmt: skip


class KeepingAdapter(ChannelAdapter):
    """A channel that keeps every activity the app sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Activity] = []

    async def send_activities(self, context, activities):
        self.sent.extend(activities)
        return [ResourceResponse(id=str(n)) for n in range(len(activities))]

    async def update_activity(self, context, activity):
        raise NotImplementedError

    async def delete_activity(self, context, reference):
        raise NotImplementedError


async def run_turn(app, fields: dict) -> list[tuple[str, str | None, object]]:
    """One real turn of ``app``; what it sent, as (type, text, value)."""
    adapter = KeepingAdapter()
    activity = Activity(
        channel_id="test",
        service_url="http://127.0.0.1",
        conversation=ConversationAccount(id=CONVERSATION_ID),
        from_property=ChannelAccount(**USER),
        recipient=ChannelAccount(id="bot", name="Bot"),
        **{k: [ChannelAccount(**m) for m in v] if k == "members_added" else v
           for k, v in fields.items()},
    )  # fmt: skip
    await app.on_turn(TurnContext(adapter, activity))
    return [(a.type, a.text, a.value) for a in adapter.sent]


REPLY = "bot.send_activity"


def write_project(root: Path) -> Path:
    package = root / PACKAGE
    package.mkdir(parents=True)
    for name, text in FILES.items():
        (package / name).write_text(text.lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    base = tmp_path_factory.mktemp("agents")
    return instrumented_copies(write_project(base / "src"), base, "decorator")


def test_the_handlers_module_is_instrumented_under_the_route_decorators(copies) -> None:
    _, traced = copies
    text = (traced / PACKAGE / "handlers.py").read_text(encoding="utf-8")
    assert text.count("# goalgen: instrument") == 11 + 8
    assert text.count('with TraceSpan("bot.send_activity", kind="client"):') == 8  # the replies
    assert (
        '@app.message("hi")\n'
        '@trace_span("bot.on_hi", route="message:hi")  # goalgen: instrument\n'
        "async def on_hi("
    ) in text
    assert (traced / PACKAGE / "setup.py").read_text() == FILES["setup.py"].lstrip("\n")


@pytest.mark.parametrize("fields", ACTIVITIES)
async def test_same_replies_and_handlers_before_and_after(fields, copies, spans, request) -> None:
    plain, traced = copies
    outcomes = []
    for root in (plain, traced):
        spans.clear()
        with package_from(root, PACKAGE) as load:
            handlers = load("handlers")
            sent = await run_turn(handlers.app, fields)
            outcomes.append((sent, list(handlers.RAN)))
    assert outcomes[0] == outcomes[1]
    case = request.node.callspec.id
    handlers = [s for s in spans if s["name"] != REPLY]
    assert [(s["name"], s["metadata"]["route"]) for s in handlers] == SPANS[case]
    # One client span per reply, each the child of the handler that sent it.
    by_id = {s["span_id"]: s["name"] for s in handlers}
    replies = [s for s in spans if s["name"] == REPLY]
    assert len(replies) == len([a for a in outcomes[1][0] if a[0] == "message"])
    assert all(s["kind"] == "client" and s["parent_span_id"] in by_id for s in replies)
    assert {s["name"] for s in spans if s["status"] == "error"} == (
        {"bot.on_boom"} if case == "error" else set()
    )
    if case == "before-turn-false":
        assert outcomes[1] == ([], ["gate"])  # the turn stopped: no handler, no after_turn


@pytest.mark.parametrize("record_content", [False, True], ids=["content-off", "content-on"])
async def test_spans_say_what_they_handled(copies, spans, record_content) -> None:
    """Activity type, channel, SDK and conversation hash on every handler span; the raw
    conversation id and the user's text in none; a handler's error on its span."""
    from frmk.utils.tracing import MemorySink, configure

    sink = MemorySink()
    configure(output=sink, enabled=True, sample_rate=1.0, record_content=record_content)
    _, traced = copies
    with package_from(traced, PACKAGE) as load:
        app = load("handlers").app
        assert await run_turn(app, {"type": "message", "text": "echo my-private-words"}) == [
            ("message", "my-private-words", None)
        ]
        await run_turn(app, {"type": "message", "text": "boom"})
    records = [r for r in sink.records if r["name"] != REPLY]
    names = [r["name"] for r in records]
    assert names == ["bot.gate", "bot.on_echo", "bot.done", "bot.gate", "bot.on_boom", "bot.on_error"]
    for record in sink.records:
        assert {k: v for k, v in record["metadata"].items() if k != "route"} == {
            "bot.activity.type": "message",
            "bot.channel_id": "test",
            "bot.conversation.hash": conversation_hash(CONVERSATION_ID),
            "bot.sdk": "microsoft_agents",
        }, record["name"]
        assert CONVERSATION_ID not in json.dumps(record)
        assert "my-private-words" not in json.dumps(record)
    boom = records[4]
    assert (boom["status"], boom["error"]) == ("error", {"type": "ValueError", "message": "boom"})


def test_hosting_core_opentelemetry_spans_and_ours_are_one_trace(copies, tmp_path) -> None:
    """With an OpenTelemetry SDK configured, hosting-core emits its own spans through
    opentelemetry-api; each of our handler spans is a child of the hosting-core span current
    when the handler runs, in its trace. In a subprocess: the global tracer provider can be set
    once per process."""
    pytest.importorskip("opentelemetry.sdk")
    _, traced = copies
    script = tmp_path / "probe.py"
    script.write_text(PROBE.format(package=PACKAGE), encoding="utf-8")
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(traced), str(here), os.getcwd()])}
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
    ).stdout
    found = json.loads(out.splitlines()[-1])
    otel = {span_id: (name, trace_id) for name, span_id, trace_id in found["otel"]}
    assert {"agents.app.run", "agents.app.before_turn", "agents.app.route_handler"} <= {
        name for name, _ in otel.values()
    }
    (trace,) = {trace_id for _, trace_id in otel.values()}
    assert [(name, otel[parent][0], trace_id) for name, parent, trace_id in found["ours"]] == [
        ("bot.gate", "agents.app.before_turn", trace),
        ("bot.on_hi", "agents.app.route_handler", trace),
        ("bot.done", "agents.app.after_turn", trace),
    ]


PROBE = """
import asyncio, json
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)

from frmk.utils.tracing import MemorySink, configure
sink = MemorySink()
configure(output=sink, enabled=True, sample_rate=1.0)

from test_behaviour_agents_sdk_apps import run_turn
from {package}.handlers import app

asyncio.run(run_turn(app, {{"type": "message", "text": "hi"}}))
otel = exporter.get_finished_spans()
print(json.dumps({{
    "otel": [(s.name, format(s.context.span_id, "016x"), format(s.context.trace_id, "032x"))
             for s in otel],
    "ours": [(r["name"], r["parent_span_id"], r["trace_id"]) for r in sink.records
             if r["name"] != "bot.send_activity"],
}}))
"""
