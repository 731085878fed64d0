"""Teams SDK apps behave the same after ``goalgen instrument``, driven offline.

A sample ``microsoft_teams.apps.App`` (handlers typed ``ActivityContext[MessageActivity]``,
which the SDK checks through the signature, a chain where ``on_activity`` passes on with
``ctx.next()``, an app event handler) is copied twice into tmp_path; one copy is instrumented
by the real CLI. Each copy's app is initialised (no credentials, unauthenticated requests
allowed), activities are POSTed to its own FastAPI messaging endpoint in-process, and its
replies go to a loopback channel server: the status codes, the replies and the handlers that ran
must be identical; the instrumented side records ``bot.<handler>`` spans with their routes.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pytest.importorskip("microsoft_teams.apps")
import httpx  # noqa: E402
from aiohttp import web  # noqa: E402
from codemod_cases import instrumented_copies, package_from  # noqa: E402

from frmk.utils.tracing.bot_context import conversation_hash  # noqa: E402

PACKAGE = "teamsbot"
CONVERSATION_ID = "a:raw-conversation-4711"
BOT_PY = '''
"""A Teams app: every activity is logged, then greetings, echoes and failures."""
import re

from microsoft_teams.api import Activity, MessageActivity
from microsoft_teams.apps import ActivityContext, App, ErrorEvent

RAN: list[str] = []  # the handlers that ran, in order

app = App(dangerously_allow_unauthenticated_requests=True)


@app.on_activity
async def log_activity(ctx: ActivityContext[Activity]) -> None:
    RAN.append("log_activity")
    await ctx.next()


@app.on_message_pattern(re.compile("hi|hello"))
async def on_greeting(ctx: ActivityContext[MessageActivity]) -> None:
    RAN.append("on_greeting")
    await ctx.send("hello!")


@app.on_message_pattern("boom")
async def on_boom(ctx: ActivityContext[MessageActivity]) -> None:
    RAN.append("on_boom")
    raise ValueError("boom")


@app.on_message
async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
    RAN.append("on_message")
    await ctx.send(f"echo: {ctx.activity.text}")


@app.event("error")
def on_error(event: ErrorEvent) -> None:  # sync: the SDK does not wait for async event handlers
    RAN.append(f"on_error:{type(event.error).__name__}")
'''

# message -> (status, replies, handlers that ran), the same on both sides.
MESSAGES = [
    pytest.param("hi", (200, ["hello!"], ["log_activity", "on_greeting"]), id="pattern"),
    pytest.param("what?", (200, ["echo: what?"], ["log_activity", "on_message"]), id="echo"),
    pytest.param("boom", (500, [], ["log_activity", "on_boom", "on_error:ValueError"]), id="error"),
]
# (span, route) in the order the spans end: the handler ``log_activity`` passed the turn on to
# ends after it.
SPANS = {
    "pattern": [("bot.on_greeting", "message_pattern:/hi|hello/"), ("bot.log_activity", "activity")],
    "echo": [("bot.on_message", "message"), ("bot.log_activity", "activity")],
    "error": [("bot.on_boom", "message_pattern:boom"), ("bot.log_activity", "activity"), ("bot.on_error", "event:error")],
}  # fmt: skip


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    base = tmp_path_factory.mktemp("teams")
    package = base / "src" / PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "bot.py").write_text(BOT_PY.lstrip("\n"), encoding="utf-8")
    return instrumented_copies(base / "src", base, "decorator")


async def _channel() -> tuple[web.AppRunner, str, list[dict]]:
    """A loopback stand-in for the Bot Framework channel: keeps what the app sends."""
    received: list[dict] = []

    async def keep(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"id": str(len(received))})

    server = web.Application()
    server.router.add_route("POST", "/{tail:.*}", keep)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}", received


async def post_message(root: Path, text: str) -> tuple[int, list[str | None], list[str]]:
    """(status, reply texts, handlers that ran) for one message to the app under ``root``."""
    runner, url, received = await _channel()
    try:
        with package_from(root, PACKAGE) as load, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the SDK's experimental-feature warnings
            bot = load("bot")
            await bot.app.initialize()
            activity = {
                "type": "message", "id": "a1", "text": text, "channelId": "msteams",
                "serviceUrl": url, "from": {"id": "u1", "name": "Ada"},
                "recipient": {"id": "b1", "name": "Bot"},
                "conversation": {"id": CONVERSATION_ID, "conversationType": "personal"},
            }  # fmt: skip
            transport = httpx.ASGITransport(app=bot.app.server.adapter.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://teams") as client:
                response = await client.post("/api/messages", json=activity)
            return response.status_code, [a.get("text") for a in received], list(bot.RAN)
    finally:
        await runner.cleanup()


def test_handlers_are_instrumented_under_the_decorators(copies) -> None:
    _, traced = copies
    text = (traced / PACKAGE / "bot.py").read_text(encoding="utf-8")
    assert text.count("# goalgen: instrument") == 5
    assert (
        "@app.on_message\n"
        '@trace_span("bot.on_message", route="message")  # goalgen: instrument\n'
        "async def on_message(ctx: ActivityContext[MessageActivity]) -> None:"
    ) in text


@pytest.mark.parametrize(("text", "outcome"), MESSAGES)
async def test_same_answers_before_and_after(text, outcome, copies, spans, request) -> None:
    plain, traced = copies
    outcomes = []
    for root in (plain, traced):
        spans.clear()
        outcomes.append(await post_message(root, text))
    assert outcomes == [outcome, outcome]
    case = request.node.callspec.id
    assert [(s["name"], s["metadata"]["route"]) for s in spans] == SPANS[case]
    assert [s["name"] for s in spans if s["status"] == "error"] == (
        ["bot.on_boom", "bot.log_activity"] if case == "error" else []
    )
    handler, outer = spans[0], spans[1]
    assert handler["parent_span_id"] == outer["span_id"]  # ctx.next() runs inside the span
    assert outer["parent_span_id"] is None


@pytest.mark.parametrize("record_content", [False, True], ids=["content-off", "content-on"])
async def test_spans_say_what_they_handled(copies, spans, record_content) -> None:
    """Activity type, channel, SDK and conversation hash on the handler spans (the error event's
    too: it carries the activity); the raw conversation id and the user's text in none."""
    from frmk.utils.tracing import MemorySink, configure

    sink = MemorySink()
    configure(output=sink, enabled=True, sample_rate=1.0, record_content=record_content)
    _, traced = copies
    assert await post_message(traced, "my-private-words") == (
        200, ["echo: my-private-words"], ["log_activity", "on_message"]
    )  # fmt: skip
    await post_message(traced, "boom")
    assert [r["name"] for r in sink.records] == [
        "bot.on_message", "bot.log_activity", "bot.on_boom", "bot.log_activity", "bot.on_error"
    ]  # fmt: skip
    for record in sink.records:
        assert {k: v for k, v in record["metadata"].items() if k != "route"} == {
            "bot.activity.type": "message",
            "bot.channel_id": "msteams",
            "bot.conversation.hash": conversation_hash(CONVERSATION_ID),
            "bot.sdk": "microsoft_teams",
        }, record["name"]
        assert CONVERSATION_ID not in json.dumps(record)
        assert "my-private-words" not in json.dumps(record)
    boom = sink.records[2]
    assert (boom["status"], boom["error"]) == ("error", {"type": "ValueError", "message": "boom"})
