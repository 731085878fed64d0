"""The channel stand-in answers like the connector and records what a bot sends it."""

from __future__ import annotations

import asyncio

import aiohttp

from frmk.testing import ChannelStandIn, EmulatorSession


async def test_reply_is_recorded_and_answered_with_an_id():
    async with ChannelStandIn() as channel, aiohttp.ClientSession() as http:
        url = f"{channel.url}/v3/conversations/c%7Clivechat/activities/a1"
        async with http.post(url, json={"type": "message", "text": "hi"}) as response:
            assert response.status == 200
            answer = await response.json()
        assert answer["id"]
        assert channel.activities == [
            {
                "type": "message",
                "text": "hi",
                "id": answer["id"],
                "replyToId": "a1",
                "conversation": {"id": "c|livechat"},
            }
        ]
        assert channel.replies_to("a1") == channel.activities


async def test_body_that_is_not_an_activity_gets_400_and_is_not_recorded():
    async with ChannelStandIn() as channel, aiohttp.ClientSession() as http:
        url = f"{channel.url}/v3/conversations/c/activities"
        async with http.post(url, data="nope", headers={"Content-Type": "application/json"}) as r:
            assert r.status == 400
        async with http.post(url, json={"text": "no type"}) as r:
            assert r.status == 400
        assert channel.activities == []


async def test_wait_for_replies_returns_late_replies_and_times_out_without_them():
    async with ChannelStandIn() as channel, aiohttp.ClientSession() as http:
        url = f"{channel.url}/v3/conversations/c/activities/a2"

        async def reply_later() -> None:
            await asyncio.sleep(0.2)
            async with http.post(url, json={"type": "message", "text": "late"}):
                pass

        task = asyncio.create_task(reply_later())
        got = await channel.wait_for_replies("a2", timeout=5)
        await task
        assert [a["text"] for a in got] == ["late"]
        assert await channel.wait_for_replies("other", timeout=0.2, since=1) == []


def test_emulator_activities_have_the_emulator_shape():
    session = EmulatorSession(service_url="http://127.0.0.1:1234", tenant_id="t1")
    message = session.message("hello")
    update = session.conversation_update()
    for activity in (message, update):
        assert activity["channelId"] == "emulator"
        assert activity["serviceUrl"] == "http://127.0.0.1:1234"
        assert activity["from"] == {"id": session.user_id, "name": "User", "role": "user"}
        assert activity["recipient"] == {"id": session.bot_id, "name": "Bot", "role": "bot"}
        assert activity["conversation"] == {
            "id": session.conversation_id,
            "conversationType": "personal",
            "tenantId": "t1",
        }
        assert activity["timestamp"].endswith("Z") and activity["localTimestamp"]
    assert message["type"] == "message" and message["text"] == "hello"
    assert message["textFormat"] == "plain" and message["locale"] == "en-US"
    assert update["type"] == "conversationUpdate"
    assert [m["id"] for m in update["membersAdded"]] == [session.bot_id, session.user_id]
    assert message["id"] != update["id"]
