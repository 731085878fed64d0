"""A real botbuilder echo bot (CloudAdapter, no app id) served by aiohttp on a loopback port."""

from __future__ import annotations

import pytest
from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


class EchoBot(ActivityHandler):
    """Welcomes new members; echoes messages; "twice" gets two replies; "silent" gets none."""

    async def on_members_added_activity(self, members_added, turn_context: TurnContext):
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity(f"Welcome, {member.name}!")

    async def on_message_activity(self, turn_context: TurnContext):
        text = turn_context.activity.text or ""
        if text == "silent":
            return
        await turn_context.send_activity(MessageFactory.text(f"echo: {text}"))
        if text == "twice":
            await turn_context.send_activity(MessageFactory.text("and again"))


class _Config:
    APP_ID = ""
    APP_PASSWORD = ""


def build_app() -> web.Application:
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/health", health)
    return app


@pytest.fixture
async def echo_bot_url():
    """URL of a running echo bot; stopped after the test."""
    runner = web.AppRunner(build_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
