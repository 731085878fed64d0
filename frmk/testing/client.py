"""An emulator-like client for testing a Bot Framework bot over HTTP.

It does what the Bot Framework Emulator does: runs a local channel stand-in for the bot's replies,
POSTs emulator-shaped activities to ``<bot>/api/messages`` with ``serviceUrl`` pointing at the
stand-in, and waits for the replies that answer each activity. Works with any bot that accepts
unauthenticated local traffic (no app id / password), whatever language it is written in.

    async with BotTestClient("http://127.0.0.1:3978") as client:
        await client.conversation_update()
        replies = await client.send("hi")
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from typing import Any

import aiohttp

from frmk.testing.activities import EmulatorSession
from frmk.testing.channel import ChannelStandIn
from frmk.testing.errors import BotRejectedError, BotUnreachableError, NoReplyError


@dataclass
class PostResult:
    """The bot's HTTP answer to one POST to its messages endpoint."""

    status: int
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def messages_url(bot_url: str) -> str:
    """``http://host:port`` or ``.../api/messages`` -> the messages endpoint URL."""
    url = bot_url.rstrip("/")
    return url if url.endswith("/api/messages") else url + "/api/messages"


def base_url(bot_url: str) -> str:
    """The bot's root URL (where ``/health`` lives), with or without ``/api/messages`` given."""
    url = bot_url.rstrip("/")
    return url[: -len("/api/messages")] if url.endswith("/api/messages") else url


def reply_texts(replies: list[dict[str, Any]]) -> list[str]:
    """Texts of the ``message`` replies, in order (typing indicators and events are skipped)."""
    return [r.get("text") or "" for r in replies if r.get("type") == "message"]


class BotTestClient:
    """Talks to one bot as one emulated user in one conversation.

    ``timeout`` bounds each wait for a reply; ``settle`` is how long to keep listening after the
    expected replies arrived, to catch a bot that answers with several messages.
    """

    def __init__(
        self,
        bot_url: str,
        *,
        timeout: float = 10.0,
        settle: float = 0.1,
        user_name: str = "User",
        bot_name: str = "Bot",
        conversation_id: str | None = None,
        tenant_id: str | None = None,
        locale: str = "en-US",
        headers: dict[str, str] | None = None,
        channel_host: str = "127.0.0.1",
    ) -> None:
        self.bot_url = base_url(bot_url)
        self.timeout = timeout
        self.settle = settle
        self.headers = dict(headers or {})
        self.channel = ChannelStandIn(host=channel_host)
        self._session_args = {
            "user_name": user_name,
            "bot_name": bot_name,
            "tenant_id": tenant_id,
            "locale": locale,
        }
        if conversation_id:
            self._session_args["conversation_id"] = conversation_id
        self.session: EmulatorSession | None = None
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> BotTestClient:
        await self.channel.start()
        self.session = EmulatorSession(service_url=self.channel.url, **self._session_args)
        self.channel.members = [
            {"id": self.session.user_id, "name": self.session.user_name, "role": "user"},
            {"id": self.session.bot_id, "name": self.session.bot_name, "role": "bot"},
        ]
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
        await self.channel.stop()

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every activity the bot sent to the channel so far."""
        return self.channel.activities

    async def health(self) -> bool:
        """True when ``GET <bot>/health`` answers 2xx; False when it errors or is unreachable."""
        try:
            async with self._client().get(self.bot_url + "/health") as response:
                return 200 <= response.status < 300
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def post(
        self, body: dict[str, Any] | str | bytes, *, content_type: str = "application/json"
    ) -> PostResult:
        """POST ``body`` as is (a dict is JSON-encoded) to the messages endpoint; no checks."""
        data = json.dumps(body) if isinstance(body, dict) else body
        headers = {"Content-Type": content_type, **self.headers}
        url = messages_url(self.bot_url)
        try:
            async with self._client().post(url, data=data, headers=headers) as response:
                return PostResult(response.status, await response.text())
        except aiohttp.ClientConnectionError as exc:
            raise BotUnreachableError(f"cannot reach the bot at {url}: {_reason(exc)}") from exc
        except asyncio.TimeoutError as exc:
            raise BotUnreachableError(
                f"the bot at {url} did not answer within {self.timeout:g}s"
            ) from exc

    async def send_activity(
        self, activity: dict[str, Any], *, replies: int = 1, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """POST ``activity`` and return the replies to it; at least ``replies`` are expected."""
        since = len(self.channel.activities)
        result = await self.post(activity)
        if not result.ok:
            detail = result.text.strip().splitlines()[0][:200] if result.text.strip() else ""
            raise BotRejectedError(
                f"the bot answered HTTP {result.status} to a {activity.get('type')} activity"
                + (f": {detail}" if detail else ""),
                result.status,
                result.text,
            )
        wait = self.timeout if timeout is None else timeout
        got = await self.channel.wait_for_replies(
            activity["id"], count=replies, timeout=wait, settle=self.settle, since=since
        )
        if len(got) < replies:
            raise NoReplyError(
                f"the bot accepted the {activity.get('type')} activity but sent "
                f"{len(got)} of {replies} expected repl{'y' if replies == 1 else 'ies'} "
                f"within {wait:g}s"
            )
        return got

    async def send(
        self, text: str, *, replies: int = 1, timeout: float | None = None, **extra: Any
    ) -> list[dict[str, Any]]:
        """Send a message as the user; returns the bot's reply activities (dicts)."""
        return await self.send_activity(
            self._session().message(text, **extra), replies=replies, timeout=timeout
        )

    async def conversation_update(
        self, *, replies: int = 0, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        """Send the Emulator's connect ``conversationUpdate``; returns any welcome replies."""
        return await self.send_activity(
            self._session().conversation_update(), replies=replies, timeout=timeout
        )

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None:
            raise RuntimeError("use BotTestClient as `async with BotTestClient(url) as client:`")
        return self._http

    def _session(self) -> EmulatorSession:
        if self.session is None:
            raise RuntimeError("use BotTestClient as `async with BotTestClient(url) as client:`")
        return self.session


def _reason(exc: BaseException) -> str:
    """A short description of a connection failure ("connection refused", ...)."""
    cause = getattr(exc, "os_error", None) or exc.__cause__ or exc
    number = getattr(cause, "errno", None)
    if isinstance(number, int) and number > 0:
        return os.strerror(number).lower()
    return getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
