"""`goalgen bot send|health|e2e` against a real botbuilder bot running on a loopback port."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from click.testing import CliRunner

from goalgen.cli import cli


class GreeterBot(ActivityHandler):
    async def on_members_added_activity(self, members_added, turn_context: TurnContext):
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity("Hi! I plan trips.")

    async def on_message_activity(self, turn_context: TurnContext):
        if turn_context.activity.text != "ignore me":
            await turn_context.send_activity(f"You said: {turn_context.activity.text}")


class _Config:
    APP_ID = ""
    APP_PASSWORD = ""


@pytest.fixture(scope="module")
def bot_url():
    """A GreeterBot served from its own event loop in a thread (the CLI runs asyncio.run)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state = {}

    async def serve():
        adapter, bot = (
            CloudAdapter(ConfigurationBotFrameworkAuthentication(_Config())),
            GreeterBot(),
        )

        async def messages(request):
            return await adapter.process(request, bot)

        async def health(request):
            return web.json_response({"status": "ok"})

        app = web.Application()
        app.router.add_post("/api/messages", messages)
        app.router.add_get("/health", health)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        state["runner"] = runner
        state["url"] = f"http://127.0.0.1:{runner.addresses[0][1]}"
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(serve()), loop.run_forever()))
    thread.start()
    assert started.wait(10)
    yield state["url"]
    asyncio.run_coroutine_threadsafe(state["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture
def dead_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def run(*args):
    return CliRunner().invoke(cli, ["bot", *args])


def test_send_prints_the_reply(bot_url):
    result = run("send", "--url", bot_url, "I need a flight")
    assert result.exit_code == 0, result.output
    assert result.stdout == "You said: I need a flight\n"


def test_send_json_prints_reply_activities(bot_url):
    result = run("send", "--url", bot_url + "/api/messages", "--format", "json", "hey")
    (reply,) = json.loads(result.stdout)
    assert reply["type"] == "message" and reply["text"] == "You said: hey"
    assert reply["replyToId"]


def test_send_without_reply_exits_1_with_a_clear_message(bot_url):
    result = run("send", "--url", bot_url, "--timeout", "0.5", "ignore me")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: the bot accepted the message activity but sent 0 of 1 expected reply within 0.5s"
    )


def test_health_exit_codes(bot_url, dead_url):
    ok = run("health", "--url", bot_url)
    assert ok.exit_code == 0 and ok.stdout == f"ok: {bot_url}/health\n"
    bad = run("health", "--url", dead_url, "--timeout", "1")
    assert bad.exit_code == 1
    assert (
        bad.stderr.strip()
        == f"error: the bot at {dead_url} is not healthy (GET {dead_url}/health failed)"
    )


def test_e2e_holds_a_conversation_and_prints_the_transcript(bot_url):
    result = run("e2e", "--bot-url", bot_url, "--message", "one", "-m", "two")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "bot: Hi! I plan trips.",
        "you: one",
        "bot: You said: one",
        "you: two",
        "bot: You said: two",
    ]
    assert "2 message(s) answered" in result.stderr


def test_e2e_json_lists_every_turn(bot_url):
    result = run("e2e", "--bot-url", bot_url, "--format", "json")
    turns = json.loads(result.stdout)["turns"]
    assert [t["type"] for t in turns] == ["conversationUpdate", "message"]
    assert turns[1]["sent"] == "Hello"
    assert turns[1]["replies"][0]["text"] == "You said: Hello"


@pytest.mark.parametrize("command", ["send", "e2e"])
def test_unreachable_bot_exits_1_without_traceback(command, dead_url):
    args = [command, "--url", dead_url] + (["hi"] if command == "send" else [])
    result = run(*args)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: cannot reach the bot at {dead_url}/api/messages: connection refused"
    )
    assert "Traceback" not in result.output
