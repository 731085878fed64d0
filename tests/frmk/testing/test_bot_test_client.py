"""BotTestClient against a real botbuilder bot: replies arrive, errors are clear."""

from __future__ import annotations

import socket

import pytest

from frmk.testing import (
    BotRejectedError,
    BotTestClient,
    BotUnreachableError,
    NoReplyError,
    reply_texts,
)


async def test_message_gets_the_echo_reply(echo_bot_url):
    async with BotTestClient(echo_bot_url) as client:
        replies = await client.send("hello there")
    assert reply_texts(replies) == ["echo: hello there"]
    reply = replies[0]
    assert reply["replyToId"]
    assert reply["from"]["id"] == client.session.bot_id
    assert reply["recipient"]["id"] == client.session.user_id
    assert reply["conversation"]["id"] == client.session.conversation_id


async def test_conversation_update_gets_the_welcome(echo_bot_url):
    async with BotTestClient(echo_bot_url, user_name="Ada") as client:
        replies = await client.conversation_update()
        again = await client.send("next")
    assert reply_texts(replies) == ["Welcome, Ada!"]
    assert reply_texts(again) == ["echo: next"]
    assert len(client.received) == 2


async def test_several_replies_to_one_message_are_all_collected(echo_bot_url):
    async with BotTestClient(echo_bot_url) as client:
        replies = await client.send("twice")
    assert reply_texts(replies) == ["echo: twice", "and again"]


async def test_bot_that_stays_silent_raises_no_reply(echo_bot_url):
    async with BotTestClient(echo_bot_url, timeout=0.5) as client:
        with pytest.raises(NoReplyError, match="0 of 1 expected reply"):
            await client.send("silent")


async def test_malformed_activity_is_rejected_with_its_status(echo_bot_url):
    async with BotTestClient(echo_bot_url) as client:
        result = await client.post({"text": "no type"})
        assert result.status >= 400 and not result.ok
        with pytest.raises(BotRejectedError) as info:
            await client.send_activity({"id": "x", "text": "no type"})
        assert info.value.status >= 400
        assert await client.health()


async def test_health_is_true_for_a_running_bot(echo_bot_url):
    async with BotTestClient(echo_bot_url + "/api/messages") as client:
        assert await client.health()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_bot_gives_a_clear_error():
    url = f"http://127.0.0.1:{_closed_port()}"
    async with BotTestClient(url, timeout=2) as client:
        assert not await client.health()
        with pytest.raises(
            BotUnreachableError, match=f"cannot reach the bot at {url}/api/messages"
        ):
            await client.send("anyone?")
