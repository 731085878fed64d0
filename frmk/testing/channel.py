"""A local stand-in for the Bot Framework channel connector, as the Emulator runs one.

A bot replies to an activity by POSTing to its ``serviceUrl``:
``/v3/conversations/{conversationId}/activities/{activityId}`` (a reply) or
``/v3/conversations/{conversationId}/activities`` (a new message). This aiohttp server listens on
a loopback port, answers those calls like the real connector (``{"id": ...}``), records every
activity it receives, and lets a test wait for the replies to one activity (``replyToId``).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp import web

from frmk.testing.activities import new_id


class ChannelStandIn:
    """Records activities a bot sends to the channel; ``url`` is what goes in ``serviceUrl``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.activities: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.deleted: list[str] = []
        self.members: list[dict[str, Any]] = []  # what GET .../members answers (set by the client)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the channel stand-in is not started")
        return f"http://{self.host}:{self.port}"

    async def start(self) -> ChannelStandIn:
        """Bind the server (port 0 picks a free port) and start serving."""
        app = web.Application()
        base = "/v3/conversations/{conversation_id}"
        app.router.add_post(base + "/activities", self._on_send)
        app.router.add_post(base + "/activities/{activity_id}", self._on_send)
        app.router.add_put(base + "/activities/{activity_id}", self._on_update)
        app.router.add_delete(base + "/activities/{activity_id}", self._on_delete)
        app.router.add_get(base + "/members", self._on_members)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ChannelStandIn:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def replies_to(self, activity_id: str, since: int = 0) -> list[dict[str, Any]]:
        """Activities that answer ``activity_id``, in arrival order: those whose ``replyToId`` is
        it, plus those with no ``replyToId`` received at index ``since`` or later (botbuilder
        answers a ``conversationUpdate`` with plain sends to the conversation)."""
        return [
            a
            for i, a in enumerate(self.activities)
            if a.get("replyToId") == activity_id or (i >= since and not a.get("replyToId"))
        ]

    async def wait_for_replies(
        self,
        activity_id: str,
        *,
        count: int = 1,
        timeout: float = 10.0,
        settle: float = 0.1,
        since: int = 0,
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` replies to ``activity_id`` arrived, then ``settle`` seconds more
        with nothing new; returns whatever arrived (fewer than ``count`` means it timed out).
        ``since`` is ``len(activities)`` just before the activity was sent."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while len(self.replies_to(activity_id, since)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return self.replies_to(activity_id, since)
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except asyncio.TimeoutError:
                    return self.replies_to(activity_id, since)
            while settle > 0:
                seen = len(self.activities)
                try:
                    await asyncio.wait_for(self._changed.wait(), settle)
                except asyncio.TimeoutError:
                    break
                if len(self.activities) == seen:
                    break
        return self.replies_to(activity_id, since)

    async def _record(self, activity: dict[str, Any]) -> None:
        async with self._changed:
            self.activities.append(activity)
            self._changed.notify_all()

    async def _read_activity(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body is not JSON") from None
        if not isinstance(body, dict) or not body.get("type"):
            raise web.HTTPBadRequest(text="body is not an activity")
        return body

    async def _on_send(self, request: web.Request) -> web.Response:
        activity = await self._read_activity(request)
        activity.setdefault("id", new_id())
        reply_to = request.match_info.get("activity_id")
        if reply_to and not activity.get("replyToId"):
            activity["replyToId"] = reply_to
        activity.setdefault("conversation", {"id": request.match_info["conversation_id"]})
        await self._record(activity)
        return web.json_response({"id": activity["id"]}, status=200)

    async def _on_update(self, request: web.Request) -> web.Response:
        activity = await self._read_activity(request)
        activity["id"] = request.match_info["activity_id"]
        async with self._changed:
            self.updates.append(activity)
            self._changed.notify_all()
        return web.json_response({"id": activity["id"]})

    async def _on_delete(self, request: web.Request) -> web.Response:
        self.deleted.append(request.match_info["activity_id"])
        return web.Response(status=200)

    async def _on_members(self, request: web.Request) -> web.Response:
        return web.json_response(self.members)
