"""``bot.*`` spans name what they handled, found in the traced call's arguments (duck-typed).

The real SDKs are driven in tests/goalgen/codemods/test_behaviour_*; here plain objects with the same
shape show the rules: which spans look, what they record, and that nothing breaks them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from frmk.utils import tracing
from frmk.utils.tracing.bot_context import conversation_hash


def turn(conversation_id: str = "raw-conversation-17", **activity: object) -> SimpleNamespace:
    fields = {"type": "message", "channel_id": "emulator", "text": "my secret words", **activity}
    return SimpleNamespace(
        activity=SimpleNamespace(conversation=SimpleNamespace(id=conversation_id), **fields)
    )


@pytest.fixture
def records():
    sink = tracing.MemorySink()
    tracing.configure(output=sink, enabled=True, sample_rate=1.0)
    try:
        yield sink.records
    finally:
        tracing.configure(output="none")


class Bot:
    @tracing.trace_span("bot.Bot.on_message_activity")
    def on_message_activity(self, turn_context):
        return "ok"

    def on_turn(self, turn_context):
        with tracing.TraceSpan("bot.Bot.on_turn"):
            return "ok"


class Tuned(Bot):
    pass


EXPECTED = {
    "bot.activity.type": "message",
    "bot.channel_id": "emulator",
    "bot.conversation.hash": conversation_hash("raw-conversation-17"),
    "bot.sdk": "types",
    "bot.class": "Tuned",
}


@pytest.mark.parametrize("method", ["on_message_activity", "on_turn"], ids=["decorator", "block"])
def test_hook_span_names_the_turn_and_the_running_class(records, method):
    getattr(Tuned(), method)(turn())
    (record,) = records
    assert record["metadata"] == EXPECTED
    assert "raw-conversation-17" not in json.dumps(record)
    assert "secret words" not in json.dumps(record)


def test_route_span_has_no_class_and_keyword_context_is_found(records):
    @tracing.trace_span("bot.on_hi", route="message:hi")
    async def on_hi(context, state):
        return None

    asyncio.run(on_hi(state=None, context=turn(type="event", channel_id=None)))
    (record,) = records
    assert record["metadata"] == {
        "route": "message:hi",
        "bot.activity.type": "event",
        "bot.conversation.hash": conversation_hash("raw-conversation-17"),
        "bot.sdk": "types",
    }


class Exploding:
    @property
    def activity(self):
        raise RuntimeError("no activity here")


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param(Exploding(), id="activity-raises"),
        pytest.param(SimpleNamespace(activity=None), id="activity-none"),
        pytest.param(SimpleNamespace(activity=SimpleNamespace(type="x")), id="no-conversation"),
        pytest.param(turn(conversation_id=12), id="id-not-a-string"),
    ],
)
def test_odd_arguments_never_break_the_call(records, argument):
    @tracing.trace_span("bot.handler")
    def handler(ctx):
        return "ran"

    assert handler(argument) == "ran"
    assert records[0]["status"] == "ok"
    assert "bot.conversation.hash" not in records[0]["metadata"]


def test_other_spans_are_not_looked_at(records):
    @tracing.trace_span("api.handler")
    def handler(ctx):
        return "ran"

    handler(turn())
    assert records[0]["metadata"] == {}


def test_hash_is_the_same_in_another_process():
    here = conversation_hash("19:abc@thread.v2")
    code = "from frmk.utils.tracing.bot_context import conversation_hash as h; print(h('19:abc@thread.v2'))"
    there = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert here == there and len(here) == 16 and int(here, 16) >= 0
    assert conversation_hash("19:abd@thread.v2") != here
