"""`goalgen bot`: talk to a running Bot Framework bot the way the Bot Framework Emulator does.

Uses frmk.testing (a local channel stand-in receives the bot's replies), so it works against
any bot that accepts unauthenticated local traffic (no app id / password).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from goalgen.cli.terminal import Terminal, pass_terminal

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:3978"

_url_option = click.option(
    "--url",
    "--bot-url",
    "url",
    envvar="BOT_URL",
    default=DEFAULT_URL,
    show_default=True,
    show_envvar=True,
    help="The bot's base URL (or its /api/messages endpoint).",
)
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each reply.",
)
_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints the reply activities as the bot sent them.",
)


@click.group("bot")
def bot() -> None:
    """Send emulator-style activities to a bot and show its replies."""


def _run(terminal: Terminal, make: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine; a failure talking to the bot becomes one clear error line."""
    from frmk.testing import BotTestError

    try:
        return asyncio.run(make())
    except BotTestError as exc:
        terminal.abort(str(exc), 1)


def _print_replies(terminal: Terminal, replies: list[dict[str, Any]], prefix: str = "") -> None:
    for reply in replies:
        if reply.get("type") == "message":
            terminal.write(f"{prefix}{reply.get('text') or ''}\n")
        else:
            terminal.write(f"{prefix}<{reply.get('type')}>\n")


@bot.command("send")
@_url_option
@_timeout_option
@_format_option
@click.argument("message")
@pass_terminal
def send(terminal: Terminal, url: str, timeout: float, output_format: str, message: str) -> None:
    """Send MESSAGE as a user and print the bot's replies (exit 1 if none arrive)."""
    from frmk.testing import BotTestClient

    async def conversation() -> list[dict[str, Any]]:
        async with BotTestClient(url, timeout=timeout) as client:
            return await client.send(message)

    replies = _run(terminal, conversation)
    if output_format == "json":
        terminal.write(json.dumps(replies, indent=2) + "\n")
    else:
        _print_replies(terminal, replies)


@bot.command("health")
@_url_option
@click.option("--timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True)
@pass_terminal
def health(terminal: Terminal, url: str, timeout: float) -> None:
    """Exit 0 when GET <url>/health answers 2xx, else 1."""
    from frmk.testing.client import base_url
    from frmk.testing.services import is_healthy

    target = base_url(url)
    if is_healthy(target, timeout=timeout):
        terminal.write(f"ok: {target}/health\n")
        return
    terminal.abort(f"the bot at {target} is not healthy (GET {target}/health failed)", 1)


@bot.command("e2e")
@_url_option
@_timeout_option
@_format_option
@click.option(
    "--message",
    "-m",
    "messages",
    multiple=True,
    help="A user message to send (repeatable, sent in order). Default: 'Hello'.",
)
@click.option("--user-name", default="User", show_default=True)
@pass_terminal
def e2e(
    terminal: Terminal,
    url: str,
    timeout: float,
    output_format: str,
    messages: tuple[str, ...],
    user_name: str,
) -> None:
    """Hold a short conversation: conversationUpdate (the Emulator's connect), then each
    --message; print the transcript. Exit 1 if the bot is unreachable or a message gets no
    reply in time."""
    from frmk.testing import BotTestClient

    texts = list(messages) or ["Hello"]
    turns: list[dict[str, Any]] = []

    async def conversation() -> None:
        async with BotTestClient(url, timeout=timeout, user_name=user_name) as client:
            welcome = await client.conversation_update()
            turns.append({"sent": None, "type": "conversationUpdate", "replies": welcome})
            if output_format == "text":
                _print_replies(terminal, welcome, "bot: ")
            for text in texts:
                if output_format == "text":
                    terminal.write(f"you: {text}\n")
                replies = await client.send(text)
                turns.append({"sent": text, "type": "message", "replies": replies})
                if output_format == "text":
                    _print_replies(terminal, replies, "bot: ")

    _run(terminal, conversation)
    if output_format == "json":
        terminal.write(json.dumps({"bot_url": url, "turns": turns}, indent=2) + "\n")
    else:
        terminal.info(f"{len(texts)} message(s) answered by {url}")
