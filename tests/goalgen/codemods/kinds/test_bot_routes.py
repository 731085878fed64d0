"""Bot route codemod: Agents SDK and Teams SDK route decorators, aliases, apps from other
modules, selectors as route metadata, round trips; every decorator of the installed SDKs."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.codemods.kinds.bot_routes import app_sdk, route_name

BOT = ("bot",)

REWRITES = [
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication, TurnState

        app = AgentApplication[TurnState](storage=storage)


        @app.message("hi")
        async def on_hi(context, state):
            await context.send_activity("hello")


        @app.error
        async def on_error(context, error):
            pass
        """,
        """
        from frmk.utils.tracing import TraceSpan, trace_span
        from microsoft_agents.hosting.core import AgentApplication, TurnState

        app = AgentApplication[TurnState](storage=storage)


        @app.message("hi")
        @trace_span("bot.on_hi", route="message:hi")  # goalgen: instrument
        async def on_hi(context, state):
            with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                await context.send_activity("hello")


        @app.error
        @trace_span("bot.on_error", route="error")  # goalgen: instrument
        async def on_error(context, error):
            pass
        """,
        id="called-and-bare",
    ),
    pytest.param(
        """
        import re

        import microsoft_agents.hosting.core as hosting
        from microsoft_agents.activity import ActivityTypes

        GREETING = "hello"
        agent = hosting.AgentApplication(storage=storage)


        @agent.message(re.compile(r"^hi\\b"), rank=1)
        @agent.message(GREETING, auth_handlers=["graph"])
        async def greet(context, state):
            pass


        @agent.activity(ActivityTypes.invoke)
        async def invoked(context, state):
            pass


        @agent.conversation_update(type="membersAdded")
        async def welcome(context, state):
            pass


        @agent.activity([ActivityTypes.typing, "event"])
        def typing(context, state):
            pass


        @agent.invoke(select=None)
        @agent.members_added()
        async def anything(context, state):
            pass
        """,
        """
        import re

        import microsoft_agents.hosting.core as hosting
        from frmk.utils.tracing import trace_span
        from microsoft_agents.activity import ActivityTypes

        GREETING = "hello"
        agent = hosting.AgentApplication(storage=storage)


        @agent.message(re.compile(r"^hi\\b"), rank=1)
        @agent.message(GREETING, auth_handlers=["graph"])
        @trace_span("bot.greet", route="message:/^hi\\\\b/ | message:hello")  # goalgen: instrument
        async def greet(context, state):
            pass


        @agent.activity(ActivityTypes.invoke)
        @trace_span("bot.invoked", route="activity:ActivityTypes.invoke")  # goalgen: instrument
        async def invoked(context, state):
            pass


        @agent.conversation_update(type="membersAdded")
        @trace_span("bot.welcome", route="conversation_update:membersAdded")  # goalgen: instrument
        async def welcome(context, state):
            pass


        @agent.activity([ActivityTypes.typing, "event"])
        @trace_span("bot.typing", route="activity:ActivityTypes.typing,event")  # goalgen: instrument
        def typing(context, state):
            pass


        @agent.invoke(select=None)
        @agent.members_added()
        @trace_span("bot.anything", route="invoke | members_added")  # goalgen: instrument
        async def anything(context, state):
            pass
        """,
        id="module-alias-selectors",
    ),
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication as AA, TurnState

        if production:
            app = AA[TurnState](storage=blob)
        else:
            app = AA[TurnState](storage=memory)


        @app.before_turn
        async def gate(context, state):
            return True


        @log_calls
        @app.adaptive_card.action_execute("approve")
        @retry(3)
        async def approve(context, state, data):
            return None


        @app.handoff
        async def handoff(context, state, continuation):
            pass


        @app.on_sign_in_success
        async def signed_in(context, state, connection_id):
            pass
        """,
        """
        from frmk.utils.tracing import trace_span
        from microsoft_agents.hosting.core import AgentApplication as AA, TurnState

        if production:
            app = AA[TurnState](storage=blob)
        else:
            app = AA[TurnState](storage=memory)


        @app.before_turn
        @trace_span("bot.gate", route="before_turn")  # goalgen: instrument
        async def gate(context, state):
            return True


        @log_calls
        @app.adaptive_card.action_execute("approve")
        @retry(3)
        @trace_span("bot.approve", route="adaptive_card.action_execute:approve")  # goalgen: instrument
        async def approve(context, state, data):
            return None


        @app.handoff
        @trace_span("bot.handoff", route="handoff")  # goalgen: instrument
        async def handoff(context, state, continuation):
            pass


        @app.on_sign_in_success
        @trace_span("bot.signed_in", route="sign_in_success")  # goalgen: instrument
        async def signed_in(context, state, connection_id):
            pass
        """,
        id="alias-assigned-twice-extra-decorators",
    ),
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication, TurnState


        def create_app(storage):
            app = AgentApplication[TurnState](storage=storage)

            @app.message(select="help")
            async def helper(context, state):
                pass

            return app


        def register(agent: AgentApplication[TurnState], other):
            @agent.invoke("composeExtension/query")
            async def query(context, state):
                pass

            @other.message("x")
            async def unknown(context, state):
                pass
        """,
        """
        from frmk.utils.tracing import trace_span
        from microsoft_agents.hosting.core import AgentApplication, TurnState


        def create_app(storage):
            app = AgentApplication[TurnState](storage=storage)

            @app.message(select="help")
            @trace_span("bot.helper", route="message:help")  # goalgen: instrument
            async def helper(context, state):
                pass

            return app


        def register(agent: AgentApplication[TurnState], other):
            @agent.invoke("composeExtension/query")
            @trace_span("bot.query", route="invoke:composeExtension/query")  # goalgen: instrument
            async def query(context, state):
                pass

            @other.message("x")
            async def unknown(context, state):
                pass
        """,
        id="factory-and-annotated-parameter",
    ),
    pytest.param(
        """
        import re

        from microsoft_teams.api import MessageActivity
        from microsoft_teams.apps import ActivityContext, App

        app = App()


        @app.on_message
        async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
            await ctx.send("hi")


        @app.on_message_pattern(re.compile("hello|hi"))
        async def on_greeting(ctx):
            pass


        @app.on_dialog_open("signup")
        async def open_signup(ctx):
            return None


        @app.event("error")
        async def on_error(event):
            pass


        @app.func
        async def post_to_chat(ctx):
            pass
        """,
        """
        import re

        from frmk.utils.tracing import trace_span
        from microsoft_teams.api import MessageActivity
        from microsoft_teams.apps import ActivityContext, App

        app = App()


        @app.on_message
        @trace_span("bot.on_message", route="message")  # goalgen: instrument
        async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
            await ctx.send("hi")


        @app.on_message_pattern(re.compile("hello|hi"))
        @trace_span("bot.on_greeting", route="message_pattern:/hello|hi/")  # goalgen: instrument
        async def on_greeting(ctx):
            pass


        @app.on_dialog_open("signup")
        @trace_span("bot.open_signup", route="dialog_open:signup")  # goalgen: instrument
        async def open_signup(ctx):
            return None


        @app.event("error")
        @trace_span("bot.on_error", route="event:error")  # goalgen: instrument
        async def on_error(event):
            pass


        @app.func
        @trace_span("bot.post_to_chat", route="func")  # goalgen: instrument
        async def post_to_chat(ctx):
            pass
        """,
        id="teams-app",
    ),
    pytest.param(
        """
        from microsoft.teams.apps import App as TeamsApp

        bot = TeamsApp(client_id=CLIENT_ID)


        @bot.on_conversation_update
        async def updated(ctx):
            pass
        """,
        """
        from frmk.utils.tracing import trace_span
        from microsoft.teams.apps import App as TeamsApp

        bot = TeamsApp(client_id=CLIENT_ID)


        @bot.on_conversation_update
        @trace_span("bot.updated", route="conversation_update")  # goalgen: instrument
        async def updated(ctx):
            pass
        """,
        id="teams-preview-namespace-alias",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=BOT)


NOOPS = [
    pytest.param(
        """
        from myframework import App

        app = App()


        @app.on_message
        async def on_message(ctx):
            pass
        """,
        id="app-of-another-package",
    ),
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication

        app = AgentApplication(storage=storage)


        @app.set_turn_state_factory
        def make_state():
            return None


        @app.on_message
        async def not_an_agents_route(context, state):
            pass


        async def registered_by_call(context, state):
            pass


        app.message("hi")(registered_by_call)
        app.add_route(lambda context: True, registered_by_call)
        """,
        id="not-a-route-decorator-and-calls",
    ),
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication


        def register(app):
            @app.message("hi")
            async def on_hi(context, state):
                pass
        """,
        id="parameter-without-annotation",
    ),
    pytest.param(
        """
        from microsoft_agents.hosting.core import AgentApplication
        from frmk.utils.tracing import trace_span as ts

        app = AgentApplication(storage=storage)


        @app.message("hi")
        @ts("bot.mine")
        async def on_hi(context, state):
            pass
        """,
        id="hand-traced",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=BOT)


def test_hand_traced_is_reported_present() -> None:
    result = check_noop(NOOPS[3].values[0], kinds=BOT)
    assert actions(result) == [("bot", "bot.on_hi", "present")]


APP_MODULE = """
from microsoft_agents.hosting.core import AgentApplication, TurnState

app = AgentApplication[TurnState](storage=storage)
"""


@pytest.mark.parametrize(
    ("imports", "owner"),
    [
        pytest.param("from bot.setup import app", "app", id="from-import"),
        pytest.param("from bot.setup import app as agent", "agent", id="from-import-alias"),
        pytest.param("import bot.setup as b", "b.app", id="module-alias"),
        pytest.param("from bot import app", "app", id="package-reexport"),
        pytest.param("from . import app", "app", id="relative-reexport"),
    ],
)
def test_app_imported_from_another_module(imports: str, owner: str) -> None:
    before = f"""
    {imports}


    @{owner}.message("hi")
    async def on_hi(context, state):
        pass
    """
    after = f"""
    from frmk.utils.tracing import trace_span

    {imports}


    @{owner}.message("hi")
    @trace_span("bot.on_hi", route="message:hi")  # goalgen: instrument
    async def on_hi(context, state):
        pass
    """
    others = {"bot": "from .setup import app\n", "bot.setup": APP_MODULE}
    check(before, after, kinds=BOT, module="bot.handlers", others=others)


def test_project_constant_from_another_module_names_the_route() -> None:
    code = dedent(
        """
        from bot.setup import app
        from bot.words import HELP


        @app.message(HELP)
        async def on_help(context, state):
            pass
        """
    )
    others = {"bot.setup": APP_MODULE, "bot.words": 'HELP = "help"\n'}
    traced = run(code, module="bot.handlers", others=others, kinds=BOT)
    assert '@trace_span("bot.on_help", route="message:help")' in traced.code


def test_block_style_carries_the_route_and_round_trips() -> None:
    before = '''
    from microsoft_agents.hosting.core import AgentApplication

    app = AgentApplication(storage=storage)


    @app.message("hi")
    async def on_hi(context, state):
        """Greet."""
        await context.send_activity("hello")
    '''
    after = '''
    from frmk.utils.tracing import TraceSpan
    from microsoft_agents.hosting.core import AgentApplication

    app = AgentApplication(storage=storage)


    @app.message("hi")
    async def on_hi(context, state):
        """Greet."""
        with TraceSpan("bot.on_hi", route="message:hi"):  # goalgen: instrument
            with TraceSpan("bot.send_activity", kind="client"):  # goalgen: instrument
                await context.send_activity("hello")
    '''
    check(before, after, kinds=BOT, style="block")


def test_selector_text_is_escaped_and_cut() -> None:
    pattern = 'say "a\\\\b"' + "x" * 100
    code = dedent(
        f"""
        from microsoft_agents.hosting.core import AgentApplication

        app = AgentApplication(storage=storage)


        @app.message({pattern!r})
        async def on_long(context, state):
            pass
        """
    )
    traced = run(code, kinds=BOT)
    decorator = next(line for line in traced.code.splitlines() if "trace_span(" in line)
    route = ast.literal_eval(decorator.partition("route=")[2].partition(")")[0])
    assert route == "message:" + pattern[:80] + "..."
    assert remove(traced.code).code == code


def test_not_selected_leaves_routes_alone() -> None:
    code = dedent(REWRITES[0].values[0])
    assert run(code, kinds=("api",)).code == code
    assert remove(run(code, kinds=BOT).code).code == code


# -- every route decorator of the installed SDKs is covered ----------------------------------


def _returns_its_function(method) -> bool:
    """Does ``method`` register a handler and hand it back (``@app.x``), or return a function
    that does (``@app.x(...)``)? Read from its source: a ``return`` of its first parameter, of
    a nested function returning that one's parameter, or of a call of another such method."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    func = tree.body[0]
    params = [a.arg for a in func.args.args[1:]]
    nested = {
        node.name: node.args.args[0].arg if node.args.args else None
        for node in func.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    for node in ast.walk(func):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = node.value
        if isinstance(value, ast.Name) and (value.id in params[:1] or value.id in nested):
            return True
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if isinstance(value.func.value, ast.Name) and value.func.value.id == "self":
                return True  # `return self.activity(...)`: delegates to a decorator
    annotation = inspect.signature(method).return_annotation
    return "_RouteDecorator" in str(annotation)


def _decorator_methods(cls) -> set[str]:
    found = set()
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_") and _returns_its_function(member):
            found.add(name)
    return found


# Decorator-shaped methods that register no handler of a turn.
NOT_ROUTES = {
    "agents": {"set_turn_state_factory"},  # makes the turn state; not a handler
    "teams": set(),
}


def test_every_agent_application_route_decorator_is_covered() -> None:
    pytest.importorskip("microsoft_agents.hosting.core")
    from microsoft_agents.hosting.core import AgentApplication
    from microsoft_agents.hosting.core.app.adaptive_card import AdaptiveCard

    on_app = _decorator_methods(AgentApplication)
    on_card = _decorator_methods(AdaptiveCard)
    assert {"message", "before_turn", "error", "handoff"} <= on_app  # the reading works
    assert on_card == {"action_execute", "action_submit", "search"}
    missed = [n for n in sorted(on_app - NOT_ROUTES["agents"]) if route_name("agents", n) is None]
    missed += [n for n in sorted(on_card) if route_name("agents", f"adaptive_card.{n}") is None]
    assert missed == []
    assert len(on_app - NOT_ROUTES["agents"]) == 19
    assert app_sdk(f"{AgentApplication.__module__}.AgentApplication") == "agents"
    assert route_name("agents", "add_route") is None


def test_every_teams_app_decorator_is_covered() -> None:
    pytest.importorskip("microsoft_teams.apps")
    from microsoft_teams.apps import App

    found = _decorator_methods(App)
    assert {"on_message", "on_activity", "on_invoke", "on_message_pattern", "event"} <= found
    missed = [n for n in sorted(found - NOT_ROUTES["teams"]) if route_name("teams", n) is None]
    assert missed == []
    assert app_sdk(f"{App.__module__}.App") == "teams"
    assert route_name("teams", "use") is None
