"""Bot handler codemod: before/after cases, aliases, cross-module bases, round trips."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.codemods.kinds import bot_handlers

BOT = ("bot",)

REWRITES = [
    pytest.param(
        """
        from botbuilder.core import ActivityHandler, TurnContext


        class EchoBot(ActivityHandler):
            async def on_message_activity(self, turn_context: TurnContext):
                await turn_context.send_activity(turn_context.activity.text)

            async def helper(self):
                return 1
        """,
        """
        from botbuilder.core import ActivityHandler, TurnContext
        from frmk.utils.tracing import TraceSpan, trace_span


        class EchoBot(ActivityHandler):
            @trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context: TurnContext):
                with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                    await turn_context.send_activity(turn_context.activity.text)

            async def helper(self):
                return 1
        """,
        id="plain-import",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler as AH


        class EchoBot(AH):
            async def on_turn(self, turn_context):
                await super().on_turn(turn_context)
        """,
        """
        from botbuilder.core import ActivityHandler as AH
        from frmk.utils.tracing import trace_span


        class EchoBot(AH):
            @trace_span("bot.EchoBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context):
                await super().on_turn(turn_context)
        """,
        id="aliased-class",
    ),
    pytest.param(
        """
        import botbuilder.core as bc


        class B(bc.ActivityHandler):
            async def on_members_added_activity(self, members, turn_context):
                pass
        """,
        """
        import botbuilder.core as bc
        from frmk.utils.tracing import trace_span


        class B(bc.ActivityHandler):
            @trace_span("bot.B.on_members_added_activity")  # goalgen: instrument
            async def on_members_added_activity(self, members, turn_context):
                pass
        """,
        id="aliased-module",
    ),
    pytest.param(
        """
        import botbuilder.core


        class B(botbuilder.core.ActivityHandler):
            async def on_message_activity(self, turn_context):
                pass
        """,
        """
        import botbuilder.core
        from frmk.utils.tracing import trace_span


        class B(botbuilder.core.ActivityHandler):
            @trace_span("bot.B.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                pass
        """,
        id="module-attribute",
    ),
    pytest.param(
        '''
        """Teams bot."""
        from botbuilder.core.teams import TeamsActivityHandler


        class TeamsBot(TeamsActivityHandler):
            # Greets new members.
            @staticmethod
            async def on_teams_members_added(members, team_info, turn_context):
                """Say hello."""
                return None
        ''',
        '''
        """Teams bot."""
        from botbuilder.core.teams import TeamsActivityHandler
        from frmk.utils.tracing import trace_span


        class TeamsBot(TeamsActivityHandler):
            # Greets new members.
            @staticmethod
            @trace_span("bot.TeamsBot.on_teams_members_added")  # goalgen: instrument
            async def on_teams_members_added(members, team_info, turn_context):
                """Say hello."""
                return None
        ''',
        id="teams-under-staticmethod",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler

        type Reply = str | None


        class MyBot[T](ActivityHandler):
            async def on_message_activity[C](self, turn_context: C) -> Reply:
                await turn_context.send_activity(f"{turn_context.activity.text!r}")
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import TraceSpan, trace_span

        type Reply = str | None


        class MyBot[T](ActivityHandler):
            @trace_span("bot.MyBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity[C](self, turn_context: C) -> Reply:
                with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                    await turn_context.send_activity(f"{turn_context.activity.text!r}")
        """,
        id="python-312-generic-bot",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler, TurnContext


        class AuthBot(ActivityHandler):
            async def on_token_response_event(self, turn_context: TurnContext):
                pass

            async def on_sign_in_invoke(self, turn_context):
                pass

            async def on_adaptive_card_invoke(self, turn_context, invoke_value):
                pass

            async def on_reactions_added(self, message_reactions, turn_context):
                pass

            async def on_installation_update_add(self, turn_context):
                pass

            async def on_event(self, turn_context):
                pass

            async def on_unrecognized_activity_type(self, turn_context):
                pass
        """,
        """
        from botbuilder.core import ActivityHandler, TurnContext
        from frmk.utils.tracing import trace_span


        class AuthBot(ActivityHandler):
            @trace_span("bot.AuthBot.on_token_response_event")  # goalgen: instrument
            async def on_token_response_event(self, turn_context: TurnContext):
                pass

            @trace_span("bot.AuthBot.on_sign_in_invoke")  # goalgen: instrument
            async def on_sign_in_invoke(self, turn_context):
                pass

            @trace_span("bot.AuthBot.on_adaptive_card_invoke")  # goalgen: instrument
            async def on_adaptive_card_invoke(self, turn_context, invoke_value):
                pass

            @trace_span("bot.AuthBot.on_reactions_added")  # goalgen: instrument
            async def on_reactions_added(self, message_reactions, turn_context):
                pass

            @trace_span("bot.AuthBot.on_installation_update_add")  # goalgen: instrument
            async def on_installation_update_add(self, turn_context):
                pass

            @trace_span("bot.AuthBot.on_event")  # goalgen: instrument
            async def on_event(self, turn_context):
                pass

            @trace_span("bot.AuthBot.on_unrecognized_activity_type")  # goalgen: instrument
            async def on_unrecognized_activity_type(self, turn_context):
                pass
        """,
        id="activity-handler-hooks-beyond-on-x-activity",
    ),
    pytest.param(
        """
        from botbuilder.core import Bot as BotBase, TurnContext


        class SkillBot(BotBase):
            async def on_turn(self, turn_context: TurnContext):
                await self.on_event(turn_context)

            async def on_event(self, turn_context):
                pass
        """,
        """
        from botbuilder.core import Bot as BotBase, TurnContext
        from frmk.utils.tracing import trace_span


        class SkillBot(BotBase):
            @trace_span("bot.SkillBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context: TurnContext):
                await self.on_event(turn_context)

            async def on_event(self, turn_context):
                pass
        """,
        id="bot-implementation-only-on-turn",
    ),
    pytest.param(
        """
        import botbuilder.core.bot


        class SkillBot(botbuilder.core.bot.Bot):
            async def on_turn(self, turn_context):
                pass
        """,
        """
        import botbuilder.core.bot
        from frmk.utils.tracing import trace_span


        class SkillBot(botbuilder.core.bot.Bot):
            @trace_span("bot.SkillBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context):
                pass
        """,
        id="bot-from-its-defining-module",
    ),
    pytest.param(
        """
        import botbuilder.core.teams as teams


        class TeamsBot(teams.TeamsActivityHandler):
            async def on_teams_signin_verify_state(self, turn_context):
                pass

            async def on_teams_meeting_start_event(self, meeting, turn_context):
                pass

            async def on_installation_update_remove(self, turn_context):
                pass
        """,
        """
        import botbuilder.core.teams as teams
        from frmk.utils.tracing import trace_span


        class TeamsBot(teams.TeamsActivityHandler):
            @trace_span("bot.TeamsBot.on_teams_signin_verify_state")  # goalgen: instrument
            async def on_teams_signin_verify_state(self, turn_context):
                pass

            @trace_span("bot.TeamsBot.on_teams_meeting_start_event")  # goalgen: instrument
            async def on_teams_meeting_start_event(self, meeting, turn_context):
                pass

            @trace_span("bot.TeamsBot.on_installation_update_remove")  # goalgen: instrument
            async def on_installation_update_remove(self, turn_context):
                pass
        """,
        id="teams-hooks-through-a-module-alias",
    ),
    pytest.param(
        """
        import functools

        from botbuilder.core import ActivityHandler


        def logged(fn):
            @functools.wraps(fn)
            async def wrapper(*args):
                return await fn(*args)

            return wrapper


        class EchoBot(ActivityHandler):
            @logged
            async def on_message_activity(self, turn_context):
                pass


        class OtherBot(ActivityHandler):
            @logged
            async def on_message_activity(self, turn_context):
                pass
        """,
        """
        import functools

        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span


        def logged(fn):
            @functools.wraps(fn)
            async def wrapper(*args):
                return await fn(*args)

            return wrapper


        class EchoBot(ActivityHandler):
            @logged
            @trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                pass


        class OtherBot(ActivityHandler):
            @logged
            @trace_span("bot.OtherBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                pass
        """,
        id="two-bots-told-apart-under-another-decorator",
    ),
]


REPLIES = [
    pytest.param(
        """
        from botbuilder.core import ActivityHandler, TurnContext


        class B(ActivityHandler):
            async def on_members_added_activity(self, members, tc: TurnContext):
                for member in members:
                    # greet
                    sent = await tc.send_activities([hello(member)])
                await tc.update_activity(sent)

            async def on_message_activity(self, turn_context):
                await turn_context.send_activity(await self.answer(turn_context))
                if await turn_context.send_activity("x"): pass
                if self.loud: await turn_context.send_activity("b")

                async def later():
                    await turn_context.send_activity("not the handler's own statement")

            async def answer(self, turn_context):
                await turn_context.send_activity("helper: not a handler")
        """,
        """
        from botbuilder.core import ActivityHandler, TurnContext
        from frmk.utils.tracing import TraceSpan, trace_span


        class B(ActivityHandler):
            @trace_span("bot.B.on_members_added_activity")  # goalgen: instrument
            async def on_members_added_activity(self, members, tc: TurnContext):
                for member in members:
                    # greet
                    with TraceSpan("bot.send_activities", kind="client"):  # goalgen: instrument
                        sent = await tc.send_activities([hello(member)])
                with TraceSpan("bot.update_activity", kind="client"):  # goalgen: instrument
                    await tc.update_activity(sent)

            @trace_span("bot.B.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                await turn_context.send_activity(await self.answer(turn_context))
                if await turn_context.send_activity("x"): pass
                if self.loud: await turn_context.send_activity("b")

                async def later():
                    await turn_context.send_activity("not the handler's own statement")

            async def answer(self, turn_context):
                await turn_context.send_activity("helper: not a handler")
        """,
        id="replies-of-handlers-only",
    ),
]


@pytest.mark.parametrize(("before", "after"), REPLIES)
def test_replies(before: str, after: str) -> None:
    result = check(before, after, kinds=BOT, style="decorator")
    skipped = [(t.line, t.reason) for t in result.targets if t.action == "skipped"]
    assert skipped == [
        (12, "an argument awaits other work (the reply span would time it)"),
        (13, "call in a compound statement header"),
        (14, "statement shares its line (one-line suite or `;`)"),
    ]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=BOT)


NOOPS = [
    pytest.param(
        """
        class NotABot:
            async def on_message_activity(self, turn_context):
                pass
        """,
        id="not-a-bot",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class B(ActivityHandler):
            async def send_welcome(self, turn_context):
                pass
        """,
        id="not-a-handler",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as ts


        class B(ActivityHandler):
            @ts("bot.custom", team="x")
            async def on_message_activity(self, turn_context):
                pass
        """,
        id="hand-traced-decorator-alias",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        import frmk.utils.tracing as tracing


        class B(ActivityHandler):
            async def on_message_activity(self, turn_context):
                \"\"\"Doc.\"\"\"
                with tracing.TraceSpan("bot.mine"):
                    pass
        """,
        id="hand-traced-block",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class B(ActivityHandler):
            async def on_teams_members_added(self, members, team_info, turn_context):
                pass

            async def on_healthcheck(self, turn_context):
                pass
        """,
        id="teams-names-and-other-sdks-hooks-on-a-plain-activity-handler",
    ),
    pytest.param(
        """
        from telegram import Bot


        class MyBot(Bot):
            async def on_turn(self, update):
                pass
        """,
        id="a-bot-class-from-another-package",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=BOT)


def test_hand_traced_is_reported_present() -> None:
    result = check_noop(NOOPS[2].values[0], kinds=BOT)
    assert actions(result) == [("bot", "bot.B.on_message_activity", "present")]


BASE = """
from botbuilder.core import ActivityHandler


class BaseBot(ActivityHandler):
    async def on_turn(self, turn_context):
        await super().on_turn(turn_context)
"""
PKG_INIT = "from .base import BaseBot\n"


def test_subclass_of_project_base_in_another_module() -> None:
    before = """
    from app.bots.base import BaseBot


    class EchoBot(BaseBot):
        async def on_message_activity(self, turn_context):
            pass
    """
    after = """
    from frmk.utils.tracing import trace_span

    from app.bots.base import BaseBot


    class EchoBot(BaseBot):
        @trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
        async def on_message_activity(self, turn_context):
            pass
    """
    check(before, after, kinds=BOT, module="app.echo", others={"app.bots.base": BASE})


def test_subclass_through_package_reexport_and_relative_import() -> None:
    before = """
    from .bots import BaseBot as Base


    class EchoBot(Base):
        async def on_message_activity(self, turn_context):
            pass
    """
    others = {"app.bots": PKG_INIT, "app.bots.base": BASE, "app": ""}
    result = run(dedent(before), module="app.echo", others=others, kinds=BOT)
    assert actions(result) == [("bot", "bot.EchoBot.on_message_activity", "added")]


def test_base_module_itself_is_traced() -> None:
    result = run(dedent(BASE), module="app.bots.base", kinds=BOT)
    assert actions(result) == [("bot", "bot.BaseBot.on_turn", "added")]


# -- the hook names against the installed botbuilder ----------------------------------------

SDK_CLASSES = [
    pytest.param("botbuilder.core", "Bot", id="Bot"),
    pytest.param("botbuilder.core", "ActivityHandler", id="ActivityHandler"),
    pytest.param("botbuilder.core.teams", "TeamsActivityHandler", id="TeamsActivityHandler"),
    pytest.param("microsoft_agents.hosting.core", "Agent", id="agents-Agent"),
    pytest.param("microsoft_agents.hosting.core", "ActivityHandler", id="agents-ActivityHandler"),
    pytest.param(
        "microsoft_agents.hosting.teams", "TeamsActivityHandler", id="agents-TeamsActivityHandler"
    ),
]


def installed_hooks(module: str, name: str) -> frozenset[str]:
    """The ``on_*`` methods the installed class has, its own and inherited (``_`` helpers are
    private: ``_create_invoke_response``, ``_get_adaptive_card_invoke_value``)."""
    cls = getattr(importlib.import_module(module), name)
    return frozenset(n for n in dir(cls) if n.startswith("on_") and callable(getattr(cls, n)))


@pytest.mark.parametrize(("module", "name"), SDK_CLASSES)
def test_every_hook_of_the_installed_sdk_class_is_traced(module: str, name: str) -> None:
    """A subclass defining every ``on_*`` method the installed class has gets each traced, and
    a helper of its own (``on_help``) does not. A botbuilder release adding a hook fails here."""
    pytest.importorskip(
        module,
        reason=f"{module} is not installed (microsoft-agents-hosting-teams 1.x needs Python 3.12+)",
    )
    hooks = installed_hooks(module, name)
    methods = "".join(
        f"    async def {hook}(self, *args):\n        pass\n\n" for hook in sorted(hooks)
    )
    code = f"from {module} import {name}\n\n\nclass MyBot({name}):\n{methods}"
    code += "    async def on_help(self, turn_context):\n        pass\n"
    result = run(code, kinds=BOT)
    traced = {t.span.rpartition(".")[2] for t in result.targets if t.action == "added"}
    assert sorted(hooks - traced) == [], "hooks the kind does not trace"
    assert traced == hooks
    listed = dict(bot_handlers.SDKS)[module.partition(".")[0]]
    assert listed[name] == hooks, "hooks listed that the SDK does not have"


def test_every_public_bot_class_of_the_installed_sdk_is_a_base() -> None:
    """Every public class in botbuilder deriving from ``Bot`` has its hooks listed."""
    botbuilder = pytest.importorskip("botbuilder.core")
    import botbuilder as package

    for info in pkgutil.walk_packages(package.__path__, "botbuilder."):
        importlib.import_module(info.name)
    found, todo = set(), [botbuilder.Bot]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("botbuilder.") and not cls.__name__.startswith("_"):
            found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert found == set(bot_handlers.HOOKS)


def test_every_public_bot_class_of_the_agents_sdk_is_a_base() -> None:
    """Every public class in the Agents SDK's hosting-core deriving from ``Agent`` (its
    ``Bot``) has its hooks listed; ``AgentApplication`` routes are ``bot_routes``' job."""
    core = pytest.importorskip("microsoft_agents.hosting.core")
    found, todo = set(), [core.Agent]
    while todo:
        cls = todo.pop()
        if cls.__module__.startswith("microsoft_agents.") and not cls.__name__.startswith("_"):
            found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert found - {"AgentApplication"} == set(bot_handlers.AGENTS_HOOKS) - {"TeamsActivityHandler"}


# -- project bases --------------------------------------------------------------------------

PROJECT_BASES = [
    pytest.param(
        "from botbuilder.core import Bot\n\n\nclass Base(Bot):\n    pass\n",
        ["on_turn"],
        id="bot",
    ),
    pytest.param(
        "from botbuilder.core import ActivityHandler\n\n\nclass Base(ActivityHandler):\n    pass\n",
        ["on_turn", "on_token_response_event"],
        id="activity-handler",
    ),
    pytest.param(
        "from botbuilder.core.teams import TeamsActivityHandler as T\n\n\nclass Base(T):\n    pass\n",
        ["on_turn", "on_token_response_event", "on_teams_members_added"],
        id="teams-activity-handler",
    ),
    pytest.param(
        "from botbuilder.core import Bot\nfrom botbuilder.core.teams import TeamsActivityHandler\n\n\n"
        "class Skill(Bot):\n    pass\n\n\nclass Base(Skill, TeamsActivityHandler):\n    pass\n",
        ["on_turn", "on_token_response_event", "on_teams_members_added"],
        id="several-sdk-bases",
    ),
]


@pytest.mark.parametrize(("base", "hooks"), PROJECT_BASES)
def test_hooks_follow_the_sdk_class_of_a_project_base(base: str, hooks: list[str]) -> None:
    """A bot deriving from a project base (another module, re-exported by its package) gets the
    hooks of the botbuilder classes that base derives from, and its own class name."""
    code = dedent(
        """
        from app.bots import Base


        class AuthBot(Base):
            async def on_turn(self, turn_context):
                pass

            async def on_token_response_event(self, turn_context):
                pass

            async def on_teams_members_added(self, members, team_info, turn_context):
                pass

            async def on_help(self, turn_context):
                pass
        """
    )
    others = {"app": "", "app.bots": "from .base import Base\n", "app.bots.base": base}
    result = run(code, module="app.auth", others=others, kinds=BOT)
    assert actions(result) == [("bot", f"bot.AuthBot.{hook}", "added") for hook in hooks]


def test_classes_deriving_from_each_other_are_no_bots() -> None:
    code = dedent(
        """
        class A(B):
            async def on_turn(self, turn_context):
                pass


        class B(A):
            async def on_message_activity(self, turn_context):
                pass
        """
    )
    assert run(code, kinds=BOT).targets == []


def test_block_style_keeps_docstring_first_and_round_trips() -> None:
    before = '''
    from botbuilder.core import ActivityHandler


    class B(ActivityHandler):
        async def on_message_activity(self, turn_context):
            """Echo."""
            # say it back
            text = turn_context.activity.text

            await turn_context.send_activity(text)
    '''
    after = '''
    from botbuilder.core import ActivityHandler
    from frmk.utils.tracing import TraceSpan


    class B(ActivityHandler):
        async def on_message_activity(self, turn_context):
            """Echo."""
            with TraceSpan("bot.B.on_message_activity"):  # goalgen: instrument
                # say it back
                text = turn_context.activity.text

                with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                    await turn_context.send_activity(text)
    '''
    check(before, after, kinds=BOT, style="block")


def test_hand_written_tracing_survives_remove() -> None:
    code = dedent(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span


        class B(ActivityHandler):
            @trace_span("bot.on_turn")
            async def on_turn(self, turn_context):
                pass

            async def on_message_activity(self, turn_context):
                pass
        """
    )
    traced = run(code, kinds=BOT)
    assert actions(traced) == [
        ("bot", "bot.B.on_turn", "present"),
        ("bot", "bot.B.on_message_activity", "added"),
    ]
    assert traced.code.count("@trace_span(") == 2
    back = remove(traced.code)
    assert back.code == code
    assert [t.action for t in back.targets] == ["removed"]


ECHO = '''
from botbuilder.core import ActivityHandler, MessageFactory


class EchoBot(ActivityHandler):
    async def on_turn(self, turn_context):
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context):
        """Echo the text back."""
        await turn_context.send_activity(MessageFactory.text(f"echo: {turn_context.activity.text}"))
'''


@pytest.mark.parametrize("style", ["auto", "decorator", "block"])
async def test_traced_bot_still_answers_under_the_real_botbuilder(style, load, spans) -> None:
    from botbuilder.core.adapters import TestAdapter

    code = run(dedent(ECHO), module="tracedbot.bot", kinds=BOT, style=style).code
    module = load({"tracedbot.bot": code}, "tracedbot.bot")
    assert module.EchoBot.on_message_activity.__doc__ == "Echo the text back."
    adapter = TestAdapter(module.EchoBot().on_turn)
    await adapter.test("hello", "echo: hello")
    by_name = {s["name"]: s for s in spans}
    assert set(by_name) == {
        "bot.EchoBot.on_turn", "bot.EchoBot.on_message_activity", "bot.send_activity"
    }
    turn, message = by_name["bot.EchoBot.on_turn"], by_name["bot.EchoBot.on_message_activity"]
    assert message["parent_span_id"] == turn["span_id"]
    assert message["trace_id"] == turn["trace_id"]
    reply = by_name["bot.send_activity"]
    assert (reply["parent_span_id"], reply["kind"]) == (message["span_id"], "client")
    assert message["start_time"] <= reply["start_time"] <= reply["end_time"] <= message["end_time"]


def test_the_agents_sdk_teams_handler_hooks_are_traced_without_the_package() -> None:
    """The codemods never import an SDK: the Agents SDK's Teams handler is recognised by name
    on Python 3.11, where its package cannot be installed."""
    code = dedent(
        """
        from microsoft_agents.hosting.teams import TeamsActivityHandler


        class MeetingBot(TeamsActivityHandler):
            async def on_teams_read_receipt(self, read_receipt, turn_context):
                pass

            async def on_teams_meeting_start(self, meeting, turn_context):
                pass

            async def on_helper(self):
                pass
        """
    )
    assert [t.span for t in run(code, kinds=BOT).targets if t.action == "added"] == [
        "bot.MeetingBot.on_teams_read_receipt",
        "bot.MeetingBot.on_teams_meeting_start",
    ]
