"""Bot handler codemod: before/after cases, aliases, cross-module bases, round trips."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

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
        from frmk.utils.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("bot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context: TurnContext):
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
            @trace_span("bot.on_turn")  # goalgen: instrument
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
            @trace_span("bot.on_members_added_activity")  # goalgen: instrument
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
            @trace_span("bot.on_message_activity")  # goalgen: instrument
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
            @trace_span("bot.on_teams_members_added")  # goalgen: instrument
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
        from frmk.utils.tracing import trace_span

        type Reply = str | None


        class MyBot[T](ActivityHandler):
            @trace_span("bot.on_message_activity")  # goalgen: instrument
            async def on_message_activity[C](self, turn_context: C) -> Reply:
                await turn_context.send_activity(f"{turn_context.activity.text!r}")
        """,
        id="python-312-generic-bot",
    ),
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
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=BOT)


def test_hand_traced_is_reported_present() -> None:
    result = check_noop(NOOPS[2].values[0], kinds=BOT)
    assert actions(result) == [("bot", "bot.on_message_activity", "present")]


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
        @trace_span("bot.on_message_activity")  # goalgen: instrument
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
    assert actions(result) == [("bot", "bot.on_message_activity", "added")]


def test_base_module_itself_is_traced() -> None:
    result = run(dedent(BASE), module="app.bots.base", kinds=BOT)
    assert actions(result) == [("bot", "bot.on_turn", "added")]


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
            with TraceSpan("bot.on_message_activity"):  # goalgen: instrument
                # say it back
                text = turn_context.activity.text

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
        ("bot", "bot.on_turn", "present"),
        ("bot", "bot.on_message_activity", "added"),
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
    assert set(by_name) == {"bot.on_turn", "bot.on_message_activity"}
    turn, message = by_name["bot.on_turn"], by_name["bot.on_message_activity"]
    assert message["parent_span_id"] == turn["span_id"]
    assert message["trace_id"] == turn["trace_id"]
