"""Bot handlers: the hooks botbuilder's bot classes dispatch a turn to.

A class is a bot when it derives from one of botbuilder's bot classes — ``Bot``
(``botbuilder.core.Bot``, a bot that implements ``on_turn`` itself, e.g. a skill),
``ActivityHandler`` or ``TeamsActivityHandler`` — imported under any alias, used as a module
attribute (``botbuilder.core.ActivityHandler``) or through a project subclass in any module.
These three are every public class in botbuilder 4.17 (core, integration, schema and
botframework) that derives from ``Bot``.

The rule: a method of a bot class is traced when its name is a hook of one of the botbuilder
classes the bot derives from — ``on_turn`` for ``Bot``; :data:`ACTIVITY_HANDLER_HOOKS` (the
22 ``on_*`` methods ``ActivityHandler`` defines, ``on_turn`` included) for ``ActivityHandler``;
those and :data:`TEAMS_HOOKS` (the 48 ``on_*`` methods ``TeamsActivityHandler`` adds) for
``TeamsActivityHandler``. Any other method is a plain helper: ``on_help``, ``on_healthcheck``
(Python's botbuilder has none), ``on_event`` of a ``Bot`` that is no ``ActivityHandler``,
``on_teams_*`` of an ``ActivityHandler`` that is no ``TeamsActivityHandler``.
The Microsoft 365 Agents SDK keeps botbuilder's shape in ``microsoft_agents.hosting.core``:
``Agent`` (``on_turn``) and its own ``ActivityHandler`` with the same 22 hooks; they are bots
here too (handlers registered on an ``AgentApplication`` are ``bot_routes``).
The names are written out here (codemods never import botbuilder);
tests/goalgen/codemods/kinds/test_bot_handlers.py checks them against the installed botbuilder, so a
release that adds a hook fails the suite until it is listed.

Each hook gets a span named ``bot.<Class>.<method>``, the class that defines the method (as
agents' spans are), so two bots of one project are told apart and ``goalgen traces --stats``
counts them apart; an inherited hook is named after the class that defines it. The class goes
into the name, not into metadata (``bot_class="EchoBot"``), because the decorator line must stay
short: with the metadata keyword a typical handler of the generated project's bot passes its
100-column ``ruff check`` no more, and formatters split it at 88::

    class EchoBot(ActivityHandler):                 class EchoBot(ActivityHandler):
        async def on_message_activity(self, tc):  ->    @trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
            await tc.send_activity("hi")                async def on_message_activity(self, tc):
                                                            await tc.send_activity("hi")

Replies: in every handler the bot kind finds (here and in ``bot_routes``), a statement calling
``send_activity`` / ``send_activities`` / ``update_activity`` on the turn context — a parameter
annotated with botbuilder's or the Agents SDK's ``TurnContext``, or named ``turn_context`` or
``context`` — is wrapped in ``with TraceSpan("bot.<method>", kind="client"):`` (a client span:
the reply is a request to the channel), so the handler's time shows where it went. Only a
statement on its own line whose arguments await nothing (else the span would time that work
too: ``send_activity(await self.answer(...))``); the others are reported as skipped::

    await turn_context.send_activity(WELCOME)  ->  with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                                                       await turn_context.send_activity(WELCOME)
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import FuncInfo

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex

PACKAGE = "botbuilder"

ACTIVITY_HANDLER_HOOKS = frozenset(
    {
        "on_turn",
        "on_message_activity",
        "on_message_update_activity",
        "on_message_delete_activity",
        "on_conversation_update_activity",
        "on_members_added_activity",
        "on_members_removed_activity",
        "on_message_reaction_activity",
        "on_reactions_added",
        "on_reactions_removed",
        "on_event_activity",
        "on_token_response_event",
        "on_event",
        "on_end_of_conversation_activity",
        "on_typing_activity",
        "on_installation_update",
        "on_installation_update_add",
        "on_installation_update_remove",
        "on_unrecognized_activity_type",
        "on_invoke_activity",
        "on_sign_in_invoke",
        "on_adaptive_card_invoke",
    }
)

TEAMS_HOOKS = frozenset(
    {
        "on_teams_anonymous_app_based_link_query",
        "on_teams_app_based_link_query",
        "on_teams_card_action_invoke",
        "on_teams_channel_created",
        "on_teams_channel_deleted",
        "on_teams_channel_renamed",
        "on_teams_channel_restored",
        "on_teams_config_fetch",
        "on_teams_config_submit",
        "on_teams_file_consent",
        "on_teams_file_consent_accept",
        "on_teams_file_consent_decline",
        "on_teams_meeting_end_event",
        "on_teams_meeting_participants_join_event",
        "on_teams_meeting_participants_leave_event",
        "on_teams_meeting_start_event",
        "on_teams_members_added",
        "on_teams_members_added_dispatch",
        "on_teams_members_removed",
        "on_teams_members_removed_dispatch",
        "on_teams_message_edit",
        "on_teams_message_soft_delete",
        "on_teams_message_undelete",
        "on_teams_messaging_extension_bot_message_preview_edit",
        "on_teams_messaging_extension_bot_message_preview_send",
        "on_teams_messaging_extension_card_button_clicked",
        "on_teams_messaging_extension_configuration_query_settings_url",
        "on_teams_messaging_extension_configuration_setting",
        "on_teams_messaging_extension_fetch_task",
        "on_teams_messaging_extension_query",
        "on_teams_messaging_extension_select_item",
        "on_teams_messaging_extension_submit_action",
        "on_teams_messaging_extension_submit_action_dispatch",
        "on_teams_o365_connector_card_action",
        "on_teams_read_receipt_event",
        "on_teams_signin_token_exchange",
        "on_teams_signin_verify_state",
        "on_teams_tab_fetch",
        "on_teams_tab_submit",
        "on_teams_task_module_fetch",
        "on_teams_task_module_submit",
        "on_teams_team_archived",
        "on_teams_team_deleted",
        "on_teams_team_hard_deleted",
        "on_teams_team_renamed",
        "on_teams_team_renamed_activity",
        "on_teams_team_restored",
        "on_teams_team_unarchived",
    }
)

# botbuilder bot class -> the methods of a subclass that are traced.
HOOKS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "Bot": frozenset({"on_turn"}),
        "ActivityHandler": ACTIVITY_HANDLER_HOOKS,
        "TeamsActivityHandler": ACTIVITY_HANDLER_HOOKS | TEAMS_HOOKS,
    }
)
AGENTS_PACKAGE = "microsoft_agents"
# The Agents SDK's bot classes (hosting-core 1.9) -> the methods of a subclass that are traced.
# The Agents SDK's Teams handler (``microsoft_agents.hosting.teams``, a package that needs Python
# 3.12+ from 1.0 on): the ``on_teams_*`` names of 0.9.1, the last release that installs on 3.11,
# as botbuilder's less the ones it renamed or dropped, plus its own; its test compares them with
# the installed package where there is one.
AGENTS_TEAMS_HOOKS = (
    TEAMS_HOOKS
    - {
        "on_teams_meeting_end_event",
        "on_teams_meeting_participants_join_event",
        "on_teams_meeting_participants_leave_event",
        "on_teams_meeting_start_event",
        "on_teams_messaging_extension_bot_message_preview_edit",
        "on_teams_messaging_extension_bot_message_preview_send",
        "on_teams_messaging_extension_configuration_query_settings_url",
        "on_teams_o365_connector_card_action",
        "on_teams_read_receipt_event",
        "on_teams_team_renamed_activity",
    }
) | {
    "on_teams_meeting_end",
    "on_teams_meeting_participants_join",
    "on_teams_meeting_participants_leave",
    "on_teams_meeting_start",
    "on_teams_messaging_extension_configuration_query_setting_url",
    "on_teams_messaging_extension_message_preview_edit",
    "on_teams_messaging_extension_message_preview_send",
    "on_teams_read_receipt",
}
AGENTS_HOOKS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "Agent": frozenset({"on_turn"}),
        "ActivityHandler": ACTIVITY_HANDLER_HOOKS,
        "TeamsActivityHandler": ACTIVITY_HANDLER_HOOKS | AGENTS_TEAMS_HOOKS,
    }
)
SDKS: tuple[tuple[str, Mapping[str, frozenset[str]]], ...] = (
    (PACKAGE, HOOKS),
    (AGENTS_PACKAGE, AGENTS_HOOKS),
)


def hooks_of(index: ProjectIndex, qualified: str) -> frozenset[str]:
    """The hook names of every botbuilder bot class ``qualified`` derives from, through project
    subclasses and re-exports in any module (empty for a class that is not a bot)."""
    found: set[str] = set()
    seen: set[str] = set()
    todo = [qualified]
    while todo:
        resolved = index.resolve(todo.pop())
        if resolved in seen:
            continue
        seen.add(resolved)
        head, _, last = resolved.rpartition(".")
        sdk = next(
            (hooks for package, hooks in SDKS
             if last in hooks and (head == package or head.startswith(package + "."))),
            None,
        )  # fmt: skip
        if sdk is not None:
            found |= sdk[last]
            continue
        hit = index.split(resolved)
        if hit is not None:
            module, rest = hit
            todo.extend(index.modules[module].classes.get(rest, ()))
    return frozenset(found)


REPLY_METHODS = frozenset({"send_activity", "send_activities", "update_activity"})
CONTEXT_NAMES = frozenset({"turn_context", "context"})


def _turn_contexts(func: FuncInfo, ctx: Context) -> set[str]:
    """Names in ``func`` that hold the turn context: parameters annotated ``TurnContext`` (of
    botbuilder or the Agents SDK), and ``turn_context`` / ``context``."""
    found = set(CONTEXT_NAMES)
    args = func.node.args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        text = dotted_name(arg.annotation) if arg.annotation is not None else None
        head, _, last = ctx.scan.imports.resolve(text).rpartition(".") if text else ("", "", "")
        if last == "TurnContext" and head.startswith((PACKAGE, AGENTS_PACKAGE)):
            found.add(arg.arg)
    return found


def _awaits(call: ast.Call) -> bool:
    values = [*call.args, *(kw.value for kw in call.keywords)]
    return any(isinstance(node, ast.Await) for value in values for node in ast.walk(value))


def trace_replies(ctx: Context, func: FuncInfo) -> None:
    """Plan a client span around each statement of handler ``func`` that replies."""
    contexts = None
    for call in ctx.scan.calls:
        receiver, _, method = call.callee.rpartition(".")
        if call.func_key != func.key or method not in REPLY_METHODS:
            continue
        contexts = _turn_contexts(func, ctx) if contexts is None else contexts
        if receiver not in contexts:
            continue
        span = f"bot.{method}"
        if ctx.wrapped(call):
            ctx.present("bot", call.callee, call.line, span)
        elif call.in_header:
            ctx.skip("bot", call.callee, call.line, "call in a compound statement header", span)
        elif call.in_suite:
            reason = "statement shares its line (one-line suite or `;`)"
            ctx.skip("bot", call.callee, call.line, reason, span)
        elif _awaits(call.node):
            reason = "an argument awaits other work (the reply span would time it)"
            ctx.skip("bot", call.callee, call.line, reason, span)
        else:
            edit = CallEdit("wrap", span=span, metadata=(("kind", "client"),))
            ctx.edit_call(call, "bot", call.callee, edit)


def trace_bot_handlers(ctx: Context) -> None:
    hooks: dict[str, frozenset[str]] = {}  # class key -> its hook names
    for func in ctx.scan.funcs.values():
        key = func.class_key
        if key is None or not func.name.startswith("on_") or "bot" not in ctx.class_kinds(key):
            continue
        owner = ctx.scan.classes[key]
        if key not in hooks:
            hooks[key] = hooks_of(ctx.index, f"{ctx.module}.{owner.qualname}")
        if func.name in hooks[key]:
            ctx.trace_function(func, "bot", f"bot.{owner.name}.{func.name}")
            trace_replies(ctx, func)


KIND = Kind(
    name="bot",
    order=0,
    plan=trace_bot_handlers,
    span_prefix="bot.",
    words=("ActivityHandler", PACKAGE, AGENTS_PACKAGE),
    call_names=REPLY_METHODS,
    bases=tuple((package, frozenset(hooks)) for package, hooks in SDKS),
)
