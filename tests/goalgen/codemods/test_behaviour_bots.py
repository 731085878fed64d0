"""botbuilder bots behave the same after ``goalgen instrument`` as before, seen by ``TestAdapter``.

The bots (tests/data/behaviour/bots/chatbots) are copied twice into tmp_path; one copy is
instrumented by the real CLI (decorator and block style). Both are driven through botbuilder's
``TestAdapter`` with the same activities — messages, welcome ``conversationUpdate``s, events,
reactions, typing, Teams channel events with real Teams ``channelData``, the OAuth sign-in
token and verifyState, Adaptive Card actions, installs, a skill implementing ``Bot.on_turn`` —
and every reply must be identical, as must the order in which the bot's methods ran and the
errors that escaped. On the instrumented side each turn is one trace whose spans nest the way
botbuilder and the handlers call each other.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("botbuilder.core")
from botbuilder.core.adapters import TestAdapter  # noqa: E402
from botbuilder.schema import Activity  # noqa: E402
from codemod_cases import (  # noqa: E402
    assert_check_then_remove_restores,
    assert_default_style_writes_decorator_style,
    instrumented_copies,
    package_from,
)

from frmk.utils import tracing  # noqa: E402
from frmk.utils.tracing.bot_context import conversation_hash  # noqa: E402

PROJECT = Path(__file__).resolve().parents[2] / "data" / "behaviour" / "bots"
PACKAGE = "chatbots"

BOT_SPANS = {
    "base.py": {
        f"bot.EchoBot.{hook}"
        for hook in (
            "on_turn",
            "on_members_added_activity",
            "on_members_removed_activity",
            "on_message_activity",
            "on_event_activity",
            "on_event",
            "on_message_reaction_activity",
            "on_reactions_added",
            "on_typing_activity",
            "on_unrecognized_activity_type",
        )
    },
    "derived.py": {
        "bot.FancyBot.on_message_activity",
        "bot.FancyBot.on_end_of_conversation_activity",
    },
    "teams.py": {
        *(
            f"bot.TeamsBot.{hook}"
            for hook in (
                "on_conversation_update_activity",
                "on_teams_members_added",
                "on_teams_members_removed",
                "on_teams_channel_created",
                "on_teams_channel_renamed",
                "on_teams_task_module_fetch",
                "on_teams_signin_verify_state",
                "on_teams_messaging_extension_query",
                "on_message_activity",
            )
        ),
        "bot.ModuleBot.on_message_activity",
        "bot.ModuleBot.on_members_added_activity",
    },
    "signin.py": {
        "bot.SignInBot.on_turn",
        "bot.SignInBot.on_token_response_event",
        "bot.SignInBot.on_sign_in_invoke",
    },
    "auth.py": {
        *(
            f"bot.AuthBot.{hook}"
            for hook in (
                "on_message_activity",
                "on_event_activity",
                "on_event",
                "on_adaptive_card_invoke",
                "on_reactions_added",
                "on_reactions_removed",
                "on_installation_update_add",
                "on_installation_update_remove",
                "on_unrecognized_activity_type",
            )
        ),
        "bot.SkillBot.on_turn",  # a Bot implementation: its on_event is a plain helper
    },
}
UNTOUCHED = ("__init__.py", "helpers.py")


# -- what the user / Teams sends -------------------------------------------------------------

USER = {"id": "User1", "name": "user"}
BOT = {"id": "bot", "name": "Bot"}
TEAM = {"id": "19:team@thread.skype", "name": "Team One"}


def message(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "text": text, **extra}


ECHO_SCRIPT: list[dict[str, Any]] = [
    {"type": "conversationUpdate", "membersAdded": [USER, BOT]},
    message("hi"),
    message("  again "),
    message("help"),
    message("welcome me"),
    {"type": "event", "name": "ping"},
    {"type": "event", "name": "settings", "value": {"theme": "dark"}},
    {"type": "messageReaction", "reactionsAdded": [{"type": "like"}, {"type": "heart"}]},
    {"type": "typing"},
    {"type": "conversationUpdate", "membersRemoved": [{"id": "u2", "name": "Zed"}]},
    message("fail"),
    {"type": "weird"},
    message("shout hey"),
    {"type": "endOfConversation"},
    message("last"),
]


def teams(channel_data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "type": "conversationUpdate",
        "channelId": "msteams",
        "channelData": channel_data,
        **fields,
    }


def invoke(name: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "invoke", "name": name, "channelId": "msteams", "value": value}


# Members carry extra Teams properties (as Teams sends them), so botbuilder does not call the
# Teams REST API to look them up.
ANN = {"id": "29:ann", "name": "Ann", "aadObjectId": "aad-ann", "email": "ann@example.com"}
BOB = {"id": "29:bob", "name": "Bob", "userPrincipalName": "bob@example.com"}

TEAMS_SCRIPT: list[dict[str, Any]] = [
    teams({"eventType": "teamMemberAdded", "team": TEAM}, membersAdded=[ANN, BOB, BOT]),
    teams(
        {"eventType": "channelCreated", "team": TEAM, "channel": {"id": "19:c1", "name": "General"}}
    ),
    teams(
        {"eventType": "channelRenamed", "team": TEAM, "channel": {"id": "19:c1", "name": "Renamed"}}
    ),
    teams({"eventType": "teamMemberRemoved", "team": TEAM}, membersRemoved=[BOB]),
    message(
        "<at>Bot</at> hello there",
        channelId="msteams",
        entities=[{"type": "mention", "mentioned": BOT, "text": "<at>Bot</at>"}],
    ),
    message("welcome team", channelId="msteams"),
    teams({"eventType": "teamArchived", "team": TEAM}),
    invoke("task/fetch", {"data": {"title": "Form"}}),
    invoke(
        "composeExtension/query",
        {"commandId": "search", "parameters": [{"name": "q", "value": "cats"}]},
    ),
    invoke("composeExtension/query", {"commandId": "nope"}),
    invoke("task/submit", {"data": {}}),
    invoke("signin/verifyState", {"state": "4711"}),
]


def card_action(verb: str) -> dict[str, Any]:
    return invoke("adaptiveCard/action", {"action": {"type": "Action.Execute", "verb": verb}})


# What an OAuth bot sees (BotBuilder-Samples' auth bots): the token after sign-in, the
# verifyState invoke, Adaptive Card actions, reactions, installs, other events and types.
AUTH_SCRIPT: list[dict[str, Any]] = [
    message("help"),
    {"type": "event", "name": "tokens/response", "value": {"token": "t-1", "connectionName": "c"}},
    invoke("signin/verifyState", {"state": "0042"}),
    card_action("approve"),
    card_action("fail"),
    {"type": "event", "name": "refresh"},
    {
        "type": "messageReaction",
        "reactionsAdded": [{"type": "like"}],
        "reactionsRemoved": [{"type": "heart"}, {"type": "sad"}],
    },
    {"type": "installationUpdate", "action": "add-upgrade"},
    {"type": "installationUpdate", "action": "remove"},
    {"type": "handoff"},
]

SKILL_SCRIPT: list[dict[str, Any]] = [message("run"), {"type": "event", "name": "go"}]

MODULE_SCRIPT: list[dict[str, Any]] = [
    message("x"),
    {"type": "conversationUpdate", "membersAdded": [USER, BOT]},
]


# -- copies of the project -------------------------------------------------------------------


@pytest.fixture(scope="module", params=["decorator", "block"])
def copies(request, tmp_path_factory) -> tuple[Path, Path, str]:
    """(plain root, instrumented root, style); the instrumented one made by the real CLI."""
    base = tmp_path_factory.mktemp(f"bots-{request.param}")
    return (*instrumented_copies(PROJECT, base, request.param), request.param)


def imported(root: Path):
    """``load("base")`` imports ``chatbots.base`` from the copy at ``root``; forgotten after."""
    return package_from(root, PACKAGE)


@pytest.fixture
def sink() -> Iterator[tracing.MemorySink]:
    memory = tracing.MemorySink()
    tracing.configure(output=memory, enabled=True, sample_rate=1.0)
    try:
        yield memory
    finally:
        tracing.configure(output="none")


# -- one conversation ------------------------------------------------------------------------


def _reply(activity: Activity) -> dict[str, Any]:
    data = activity.serialize()
    data.pop("timestamp", None)
    data.pop("localTimestamp", None)
    return data


REPLY_SPANS = ("bot.send_activity", "bot.send_activities", "bot.update_activity")


def handler_spans(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spans of the handlers (not the client spans of their replies)."""
    return [r for r in records if r["name"] not in REPLY_SPANS]


def reply_spans(records: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    """``(name, parent name, kind)`` per reply span of one turn, in order."""
    names = {r["span_id"]: r["name"] for r in records}
    return [
        (r["name"], names.get(r["parent_span_id"]), r["kind"])
        for r in sorted(records, key=lambda r: r["start_time"])
        if r["name"] in REPLY_SPANS
    ]


def span_tree(records: list[dict[str, Any]]) -> list[tuple[str, str | None, str]]:
    """``(name, parent name, status)`` per handler span of one turn, parents first."""
    records = handler_spans(records)
    by_id = {r["span_id"]: r for r in records}

    def depth(record: dict[str, Any]) -> int:
        parent = by_id.get(record["parent_span_id"])
        return 0 if parent is None else 1 + depth(parent)

    names = {r["span_id"]: r["name"] for r in records}
    ordered = sorted(records, key=lambda r: (depth(r), r["start_time"]))
    return [(r["name"], names.get(r["parent_span_id"]), r["status"]) for r in ordered]


async def converse(
    bot: Any, script: list[dict[str, Any]], sink: tracing.MemorySink | None = None
) -> list[dict[str, Any]]:
    """Send each activity in its own turn; keep the replies, the bot's call log and the spans."""
    adapter = TestAdapter(bot.on_turn)

    async def on_error(turn_context, error: Exception) -> None:
        await turn_context.send_activity(f"Sorry: {type(error).__name__}: {error}")

    adapter.on_turn_error = on_error
    steps = []
    for payload in script:
        if sink is not None:
            sink.records.clear()
        await adapter.receive_activity(Activity().deserialize(dict(payload)))
        steps.append(
            {
                "sent": payload,
                "replies": [_reply(a) for a in adapter.activity_buffer],
                "calls": list(getattr(bot, "calls", [])),
                "spans": span_tree(sink.records) if sink is not None else None,
                "replies_traced": reply_spans(sink.records) if sink is not None else None,
                "traces": {r["trace_id"] for r in sink.records} if sink is not None else None,
            }
        )
        adapter.activity_buffer.clear()
    return steps


def _run_script(root: Path, module: str, cls: str, script, sink=None) -> list[dict[str, Any]]:
    with imported(root) as load:
        bot = getattr(load(module), cls)()
        return asyncio.run(converse(bot, script, sink))


def _compare(plain: list[dict[str, Any]], traced: list[dict[str, Any]]) -> None:
    for want, got in zip(plain, traced, strict=True):
        for key in ("replies", "calls"):
            assert got[key] == want[key], (key, want["sent"])


def _texts(step: dict[str, Any]) -> list[str | None]:
    return [r.get("text") for r in step["replies"]]


# -- the tests -------------------------------------------------------------------------------


def test_every_handler_is_instrumented_and_nothing_else(copies):
    plain, traced, style = copies
    for name, spans in BOT_SPANS.items():
        text = (traced / PACKAGE / name).read_text()
        found = re.findall(r'(?:trace_span|TraceSpan)\("(bot\.\w+\.\w+)"\)', text)
        assert sorted(found) == sorted(spans), name  # each once: the plain helpers get none
        bodies = re.findall(r'with TraceSpan\("bot\.\w+\.\w+"\)', text)  # not the replies
        if style == "block":
            assert bodies and "@trace_span(" not in text
        else:
            assert "@trace_span(" in text and not bodies
    # The project's decorator stays above the tool's, closest to the def.
    auth = (traced / PACKAGE / "auth.py").read_text()
    assert ("    @logged\n    @trace_span(" in auth) is (style == "decorator")
    for name in UNTOUCHED:
        assert (traced / PACKAGE / name).read_bytes() == (plain / PACKAGE / name).read_bytes()


@pytest.mark.parametrize(
    ("module", "cls"), [("base", "EchoBot"), ("derived", "FancyBot")], ids=["EchoBot", "FancyBot"]
)
def test_echo_bots_reply_the_same(copies, sink, module, cls):
    plain_root, traced_root, _ = copies
    plain = _run_script(plain_root, module, cls, ECHO_SCRIPT, sink)
    assert all(step["spans"] == [] for step in plain), "the plain copy must not be traced"
    traced = _run_script(traced_root, module, cls, ECHO_SCRIPT, sink)
    _compare(plain, traced)

    # The conversation really went through every branch (so the comparison can fail).
    texts = [_texts(step) for step in plain]
    assert texts[0] == ["Welcome, user!"]
    assert texts[1] == ["echo #1: hi"] and texts[2] == ["echo #2: again"]
    assert texts[3] == ["I echo what you say.", None, "Try:"]
    assert plain[3]["replies"][1]["attachments"][0]["content"]["title"] == "Help"
    assert texts[4] == ["Welcome, user!"]
    assert texts[5] == ["pong"]
    assert texts[6] == ["event settings: {'theme': 'dark'}"]
    assert texts[7] == ["you reacted like", "you reacted heart", "reactions handled"]
    assert [r["type"] for r in plain[8]["replies"]] == ["typing"]
    assert texts[9] == ["Bye Zed"]
    assert texts[10] == ["Sorry: ValueError: cannot handle 'fail'"]
    assert texts[11] == ["unknown type weird"]
    if cls == "FancyBot":
        assert texts[12] == ["HEY!"] and texts[13] == ["goodbye"] and texts[14] == ["echo #3: last"]
    else:
        assert (
            texts[12] == ["echo #3: shout hey"]
            and texts[13] == []
            and texts[14] == ["echo #4: last"]
        )
    assert plain[-1]["calls"][-3:] == ["on_turn:message", "message", "on_turn:saved"]


def echo(hook: str, parent: str | None = "on_turn", status: str = "ok"):
    """``(span, parent span, status)`` of an EchoBot hook."""
    return (f"bot.EchoBot.{hook}", parent and f"bot.EchoBot.{parent}", status)


def test_echo_bot_spans_nest_like_the_calls(copies, sink):
    _, traced_root, _ = copies
    steps = _run_script(traced_root, "base", "EchoBot", ECHO_SCRIPT, sink)
    turn, msg = echo("on_turn", None), echo("on_message_activity")
    by_text = {step["sent"].get("text", step["sent"]["type"]): step["spans"] for step in steps}
    assert steps[0]["spans"] == [turn, echo("on_members_added_activity")]
    assert steps[9]["spans"] == [turn, echo("on_members_removed_activity")]
    assert by_text["hi"] == [turn, msg]
    # Each reply is a client span under the handler that sent it.
    replies = {step["sent"].get("text", step["sent"]["type"]): step["replies_traced"] for step in steps}
    assert replies["hi"] == [("bot.send_activity", "bot.EchoBot.on_message_activity", "client")]
    assert len(replies["messageReaction"]) == 3
    assert by_text["help"] == [turn, msg]  # on_help is a plain method: no span of its own
    # A handler that calls another handler: the welcome span is the message span's child.
    assert by_text["welcome me"] == [
        turn,
        msg,
        echo("on_members_added_activity", "on_message_activity"),
    ]
    assert steps[5]["spans"] == [turn, echo("on_event_activity")]  # "ping": answered there
    # botbuilder's on_event_activity dispatches the other events to on_event.
    assert steps[6]["spans"] == [
        turn,
        echo("on_event_activity"),
        echo("on_event", "on_event_activity"),
    ]
    assert by_text["messageReaction"] == [
        turn,
        echo("on_message_reaction_activity"),
        echo("on_reactions_added", "on_message_reaction_activity"),
    ]
    assert by_text["typing"] == [turn, echo("on_typing_activity")]
    assert by_text["weird"] == [turn, echo("on_unrecognized_activity_type")]
    # The error escapes both spans (and is recorded on both), then the adapter's handler replies.
    assert by_text["fail"] == [
        echo("on_turn", None, "error"),
        echo("on_message_activity", status="error"),
    ]
    assert {r["component"] for r in sink.records} == {"bot"}
    # Each turn is its own trace; a turn's spans share one trace.
    assert all(len(step["traces"]) == 1 for step in steps)
    assert len({next(iter(step["traces"])) for step in steps}) == len(steps)


def test_error_span_records_the_exception(copies, sink):
    _, traced_root, _ = copies
    _run_script(traced_root, "base", "EchoBot", [message("fail")], sink)
    by_name = {r["name"]: r for r in sink.records}
    for name in ("bot.EchoBot.on_turn", "bot.EchoBot.on_message_activity"):
        assert by_name[name]["error"] == {"type": "ValueError", "message": "cannot handle 'fail'"}


CONVERSATION = {"id": "a:raw-conversation-4711"}
PRIVATE = "my-private-words-0815"


@pytest.mark.parametrize("record_content", [False, True], ids=["content-off", "content-on"])
def test_bot_spans_say_what_they_handled(copies, sink, record_content):
    """Each span names the activity type, channel, running class and a hash of the
    conversation; the raw conversation id and the user's text are in no span record."""
    _, traced_root, _ = copies
    tracing.configure(output=sink, enabled=True, sample_rate=1.0, record_content=record_content)
    script = [
        message(PRIVATE, conversation=CONVERSATION),
        {"type": "event", "name": "ping", "conversation": CONVERSATION, "channelId": "emulator"},
        message("fail", conversation=CONVERSATION),
    ]
    by_step: list[list[dict[str, Any]]] = []
    for payload in script:
        (step,) = _run_script(traced_root, "derived", "FancyBot", [payload], sink)
        by_step.append(list(sink.records))
    assert _texts(step)[0] == "Sorry: ValueError: cannot handle 'fail'"  # reached the bot
    wanted = {"bot.conversation.hash": conversation_hash(CONVERSATION["id"]),
              "bot.sdk": "botbuilder", "bot.class": "FancyBot"}  # fmt: skip
    for records, activity_type, channel in zip(
        by_step, ["message", "event", "message"], ["test", "emulator", "test"], strict=True
    ):
        assert records, activity_type
        for record in records:
            expected = {**wanted, "bot.activity.type": activity_type, "bot.channel_id": channel}
            if record["name"] in REPLY_SPANS:  # the turn's attributes, not the handler's class
                del expected["bot.class"]
            assert record["metadata"] == expected, record["name"]
            assert CONVERSATION["id"] not in json.dumps(record)
            assert PRIVATE not in json.dumps(record)
    failed = {r["name"]: r for r in by_step[2]}
    assert failed["bot.EchoBot.on_turn"]["error"] == {
        "type": "ValueError", "message": "cannot handle 'fail'"
    }
    assert failed["bot.EchoBot.on_turn"]["status"] == "error"


def test_teams_bot_spans_name_the_teams_channel(copies, sink):
    _, traced_root, _ = copies
    _run_script(traced_root, "teams", "TeamsBot", [TEAMS_SCRIPT[7]], sink)
    assert [(r["name"], r["metadata"]["bot.activity.type"], r["metadata"]["bot.channel_id"],
             r["metadata"]["bot.class"]) for r in sink.records] == [
        ("bot.TeamsBot.on_teams_task_module_fetch", "invoke", "msteams", "TeamsBot"),
    ]  # fmt: skip


def test_unhandled_error_escapes_unchanged(copies, sink):
    """Without ``on_turn_error`` the handler's exception reaches the caller as it was raised."""
    plain_root, traced_root, _ = copies
    raised = []
    for root in (plain_root, traced_root):
        with imported(root) as load:
            bot = load("base").EchoBot()
            adapter = TestAdapter(bot.on_turn)
            with pytest.raises(ValueError) as info:
                asyncio.run(adapter.receive_activity(Activity(type="message", text="fail")))
            raised.append(info.value)
            assert bot.calls == ["on_turn:message", "message"]  # save_changes never ran
            assert adapter.activity_buffer == []
    plain_exc, traced_exc = raised
    assert (type(traced_exc), traced_exc.args) == (type(plain_exc), plain_exc.args)
    assert traced_exc.__cause__ is None and traced_exc.__context__ is None
    assert [(r["name"], r["status"]) for r in sink.records] == [
        ("bot.EchoBot.on_message_activity", "error"),
        ("bot.EchoBot.on_turn", "error"),
    ]


def test_subclass_in_another_module_nests_through_super(copies, sink):
    _, traced_root, _ = copies
    steps = _run_script(
        traced_root,
        "derived",
        "FancyBot",
        [message("hi"), message("shout yo"), {"type": "endOfConversation"}],
        sink,
    )
    turn = ("bot.EchoBot.on_turn", None, "ok")
    fancy = ("bot.FancyBot.on_message_activity", "bot.EchoBot.on_turn", "ok")
    assert steps[0]["spans"] == [
        turn,
        fancy,
        ("bot.EchoBot.on_message_activity", "bot.FancyBot.on_message_activity", "ok"),
    ]
    assert steps[1]["spans"] == [turn, fancy]
    assert steps[2]["spans"] == [
        turn,
        ("bot.FancyBot.on_end_of_conversation_activity", "bot.EchoBot.on_turn", "ok"),
    ]


def test_teams_bot_replies_the_same(copies, sink):
    plain_root, traced_root, _ = copies
    plain = _run_script(plain_root, "teams", "TeamsBot", TEAMS_SCRIPT)
    traced = _run_script(traced_root, "teams", "TeamsBot", TEAMS_SCRIPT, sink)
    _compare(plain, traced)

    texts = [_texts(step) for step in plain]
    assert texts[0] == ["Welcome to Team One, Ann!", "Welcome to Team One, Bob!"]
    assert texts[1] == ["Channel General created in Team One"]
    assert texts[2] == ["Channel renamed to Renamed"]
    assert texts[3] == ["1 left Team One"]
    assert texts[4] == ["teams echo: hello there"]
    assert texts[5] == ["Welcome to Team One, Nine!"]
    assert texts[6] == []
    invoke_values = [[r.get("value") for r in step["replies"]] for step in plain[7:]]
    assert invoke_values[0] == [
        {"status": 200, "body": {"task": {"type": "message", "value": "fetched Form"}}}
    ]
    assert invoke_values[1][0]["body"]["composeExtension"]["attachments"][0]["content"] == {
        "title": "Result for cats"
    }
    assert texts[9] == ["Sorry: ValueError: unknown command nope"]
    assert invoke_values[3] == [{"status": 501}]  # not implemented by the bot: botbuilder's answer
    assert plain[-1]["calls"] == ["conversation_update"] * 5

    update = ("bot.TeamsBot.on_conversation_update_activity", None, "ok")

    def child(name: str, parent: str = "bot.TeamsBot.on_conversation_update_activity"):
        return (name, parent, "ok")

    spans = [step["spans"] for step in traced]
    assert spans[0] == [update, child("bot.TeamsBot.on_teams_members_added")]
    assert spans[1] == [update, child("bot.TeamsBot.on_teams_channel_created")]
    assert spans[2] == [update, child("bot.TeamsBot.on_teams_channel_renamed")]
    assert spans[3] == [update, child("bot.TeamsBot.on_teams_members_removed")]
    assert spans[4] == [("bot.TeamsBot.on_message_activity", None, "ok")]
    assert spans[5] == [
        ("bot.TeamsBot.on_message_activity", None, "ok"),
        child("bot.TeamsBot.on_teams_members_added", "bot.TeamsBot.on_message_activity"),
    ]
    assert spans[6] == [update]
    assert spans[7] == [("bot.TeamsBot.on_teams_task_module_fetch", None, "ok")]
    assert spans[8] == [("bot.TeamsBot.on_teams_messaging_extension_query", None, "ok")]
    assert spans[9] == [("bot.TeamsBot.on_teams_messaging_extension_query", None, "error")]
    assert spans[10] == []
    # An invoke hook of TeamsActivityHandler's (OAuth in Teams): reached through botbuilder's
    # on_invoke_activity and on_sign_in_invoke, which the bot does not override.
    assert texts[11] == ["teams verified 4711", None]  # then the invoke response
    assert invoke_values[4] == [None, {"status": 200}]
    assert spans[11] == [("bot.TeamsBot.on_teams_signin_verify_state", None, "ok")]


def test_module_attribute_base_class_bot(copies, sink):
    plain_root, traced_root, _ = copies
    plain = _run_script(plain_root, "teams", "ModuleBot", MODULE_SCRIPT)
    traced = _run_script(traced_root, "teams", "ModuleBot", MODULE_SCRIPT, sink)
    _compare(plain, traced)
    assert [_texts(s) for s in plain] == [["module bot"], ["2 joined"]]
    assert [s["spans"] for s in traced] == [
        [("bot.ModuleBot.on_message_activity", None, "ok")],
        [("bot.ModuleBot.on_members_added_activity", None, "ok")],
    ]


def test_auth_bot_replies_the_same_and_its_hooks_nest(copies, sink):
    """Hooks beyond ``on_*_activity``, defined in a project base in another module, one under a
    project decorator: same replies, same calls, and spans as botbuilder dispatches."""
    plain_root, traced_root, _ = copies
    plain = _run_script(plain_root, "auth", "AuthBot", AUTH_SCRIPT)
    traced = _run_script(traced_root, "auth", "AuthBot", AUTH_SCRIPT, sink)
    _compare(plain, traced)

    texts = [_texts(step) for step in plain]
    assert texts[:3] == [["I sign you in."], ["signed in with t-1"], ["verified 0042", None]]
    assert plain[3]["replies"][0]["value"]["body"]["value"] == {"result": "did approve"}
    assert texts[4:] == [
        ["Sorry: ValueError: cannot fail"],
        ["event refresh"],
        ["+like", "-heart,sad"],
        ["installed (add-upgrade)"],
        [],
        ["unknown handoff"],
    ]
    assert "logged:on_adaptive_card_invoke" in plain[3]["calls"]
    assert plain[-1]["calls"][-2:] == ["uninstalled", "on_turn:handoff"]

    turn = ("bot.SignInBot.on_turn", None, "ok")

    def hook(name: str, parent: str = "bot.SignInBot.on_turn", status: str = "ok"):
        return (name, parent, status)

    event = hook("bot.AuthBot.on_event_activity")
    assert [step["spans"] for step in traced] == [
        [turn, hook("bot.AuthBot.on_message_activity")],  # on_help: a plain method
        [turn, event, hook("bot.SignInBot.on_token_response_event", event[0])],
        [turn, hook("bot.SignInBot.on_sign_in_invoke")],
        [turn, hook("bot.AuthBot.on_adaptive_card_invoke")],
        [
            ("bot.SignInBot.on_turn", None, "error"),
            hook("bot.AuthBot.on_adaptive_card_invoke", status="error"),
        ],
        [turn, event, hook("bot.AuthBot.on_event", event[0])],
        [turn, hook("bot.AuthBot.on_reactions_added"), hook("bot.AuthBot.on_reactions_removed")],
        [turn, hook("bot.AuthBot.on_installation_update_add")],
        [turn, hook("bot.AuthBot.on_installation_update_remove")],
        [turn, hook("bot.AuthBot.on_unrecognized_activity_type")],
    ]
    assert all(len(step["traces"]) == 1 for step in traced)


def test_bot_implementation_traces_its_on_turn_only(copies, sink):
    """``class SkillBot(botbuilder.core.Bot)``: on_turn is its hook, its on_event a helper."""
    plain_root, traced_root, _ = copies
    plain = _run_script(plain_root, "auth", "SkillBot", SKILL_SCRIPT)
    traced = _run_script(traced_root, "auth", "SkillBot", SKILL_SCRIPT, sink)
    _compare(plain, traced)
    assert [_texts(s) for s in plain] == [["skill: run"], ["skill event"]]
    assert plain[-1]["calls"] == ["skill event go"]
    assert [s["spans"] for s in traced] == [[("bot.SkillBot.on_turn", None, "ok")]] * 2


@pytest.mark.parametrize("side", ["plain", "traced"])
async def test_test_flow_api(copies, sink, side):
    """botbuilder's own TestFlow assertions pass on both copies, with the same expectations."""
    plain_root, traced_root, _ = copies
    with imported(plain_root if side == "plain" else traced_root) as load:
        bot = load("derived").FancyBot()
        adapter = TestAdapter(bot.on_turn)
        flow = await adapter.test("hi", "echo #1: hi")
        flow = await flow.test("shout ok", "OK!")
        flow = await flow.send("help")
        flow = await flow.assert_reply("I echo what you say.")
        flow = await flow.assert_reply(lambda activity, description: activity.attachments[0])
        flow = await flow.assert_reply("Try:")
        await flow.test("again", "echo #2: again")
    names = [r["name"] for r in sink.records]
    if side == "plain":
        assert names == []
    else:
        assert names.count("bot.EchoBot.on_turn") == 4


async def test_concurrent_conversations_keep_their_own_traces(copies, sink):
    """Turns of different conversations running at once never adopt each other's spans."""
    _, traced_root, _ = copies
    with imported(traced_root) as load:
        bot_class = load("base").EchoBot

        async def chat(n: int) -> list[str]:
            bot = bot_class()
            adapter = TestAdapter(bot.on_turn)
            texts = []
            for i in range(3):
                await adapter.receive_activity(Activity(type="message", text=f"c{n}-{i}"))
                await asyncio.sleep(0)
                texts.extend(a.text for a in adapter.activity_buffer)
                adapter.activity_buffer.clear()
            return texts

        results = await asyncio.gather(*(chat(n) for n in range(4)))
    assert results == [[f"echo #{i + 1}: c{n}-{i}" for i in range(3)] for n in range(4)]
    by_id = {r["span_id"]: r for r in sink.records}
    turns = [r for r in sink.records if r["name"] == "bot.EchoBot.on_turn"]
    messages = [r for r in sink.records if r["name"] == "bot.EchoBot.on_message_activity"]
    assert len(turns) == len(messages) == 12
    assert len({r["trace_id"] for r in turns}) == 12
    for record in messages:
        parent = by_id[record["parent_span_id"]]
        assert parent["name"] == "bot.EchoBot.on_turn" and parent["trace_id"] == record["trace_id"]
    assert all(r["parent_span_id"] is None for r in turns)


@pytest.mark.parametrize(
    "settings", [{"enabled": False}, {"sample_rate": 0.0}], ids=["disabled", "sampled-out"]
)
def test_tracing_off_changes_nothing(copies, sink, settings):
    plain_root, traced_root, _ = copies
    tracing.configure(output=sink, **settings)
    plain = _run_script(plain_root, "derived", "FancyBot", ECHO_SCRIPT)
    traced = _run_script(traced_root, "derived", "FancyBot", ECHO_SCRIPT)
    _compare(plain, traced)
    assert sink.records == []


def test_remove_gives_back_the_original_bots(copies, tmp_path):
    _, traced, style = copies
    assert_check_then_remove_restores(PROJECT, traced, style, tmp_path / "again")


def test_default_style_writes_what_decorator_style_writes(copies, tmp_path):
    _, traced, style = copies
    if style != "decorator":
        pytest.skip("compared against the decorator-style copy")
    assert_default_style_writes_decorator_style(PROJECT, traced, tmp_path / "default")


SMOKE_TEST = """
import asyncio

from botbuilder.core.adapters import TestAdapter

from chatbots.derived import FancyBot


def test_fancy_bot():
    async def talk():
        adapter = TestAdapter(FancyBot().on_turn)
        flow = await adapter.test("hi", "echo #1: hi")
        await flow.test("shout hey", "HEY!")

    asyncio.run(talk())
"""


def _pytest_run(root: Path) -> tuple[int, str, str]:
    (root / "test_smoke.py").write_text(SMOKE_TEST, encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TRACING_", "TRACE_", "PYTEST_"))
    }
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # a bare pytest: faster, no plugin warnings
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_smoke.py"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, re.sub(r" in [0-9.]+s", "", proc.stdout), proc.stderr


def test_project_test_suite_output_is_unchanged(copies, tmp_path):
    """The instrumented project's own pytest run prints what the plain one prints.

    (The plain project's run, not repeated here to save a second, prints exactly this: a
    passing test, nothing on stderr.)
    """
    _, traced_root, style = copies
    if style != "decorator":
        pytest.skip("the runtime is the same for both styles")
    traced_copy = tmp_path / "traced"
    shutil.copytree(traced_root, traced_copy, ignore=shutil.ignore_patterns("__pycache__"))
    code, out, err = _pytest_run(traced_copy)
    assert (code, out.splitlines()[-1]) == (0, "1 passed")
    assert err == ""
