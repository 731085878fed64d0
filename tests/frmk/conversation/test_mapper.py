"""Every frmk mapper notes the conversation and thread on the span around its call, so a trace
says which conversation it belongs to."""

import pytest

from frmk.conversation import ConversationContext, DatabaseMapper, HashMapper
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.bot_context import conversation_hash


def hash_mapper(tmp_path):
    return HashMapper()


def database_mapper(tmp_path):
    return DatabaseMapper(tmp_path / "conversations.db")


@pytest.mark.parametrize("make", [hash_mapper, database_mapper], ids=["hash", "database"])
async def test_the_current_span_gets_the_conversation_and_thread(tmp_path, make):
    mapper = make(tmp_path)
    context = ConversationContext("emulator", "conv-7|livechat", "user-1")

    with TraceSpan("mapper.get_thread_id") as span:
        result = await mapper.get_thread_id(context)
    await mapper.close()

    assert span.metadata == {
        "bot.conversation.hash": conversation_hash("conv-7|livechat"),
        "thread_id": result.thread_id,
        "is_new": True,
        "strategy": result.strategy,
    }


async def test_a_mapping_outside_any_span_is_the_same():
    context = ConversationContext("emulator", "conv-7|livechat", "user-1")

    with TraceSpan("mapper.get_thread_id"):
        traced = await HashMapper().get_thread_id(context)
    untraced = await HashMapper().get_thread_id(context)

    assert traced == untraced
