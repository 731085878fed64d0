"""``# goalgen: ignore`` opts a def, a class, a call's line or a whole file out, for every kind;
what it covers is reported as skipped, ``--check`` passes, ``--remove`` still removes ours."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.cli import main as goalgen_main
from goalgen.codemods.ignore import REASON, find_ignores


def skipped(result) -> list[tuple[str, str]]:
    return [(t.kind, t.name) for t in result.targets if t.reason == REASON]


NOOPS = [
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):  # goalgen: ignore
                return 1
        """,
        [("bot", "EchoBot.on_turn")],
        id="def-line",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class EchoBot(ActivityHandler):
            # goalgen: ignore
            async def on_turn(self, turn_context):
                return 1
        """,
        [("bot", "EchoBot.on_turn")],
        id="own-line-above-the-def",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class EchoBot(ActivityHandler):  # goalgen: ignore
            async def on_turn(self, turn_context):
                return 1

            async def on_message_activity(self, turn_context):
                return 2
        """,
        [("bot", "EchoBot.on_turn"), ("bot", "EchoBot.on_message_activity")],
        id="class-line-covers-every-method",
    ),
    pytest.param(
        """
        from frmk.agents import BaseAgent


        # goalgen: ignore  (legacy, traced elsewhere)
        @dataclass
        class FlightAgent(BaseAgent):
            async def invoke(self, state):
                return state
        """,
        [("agent", "FlightAgent.invoke")],
        id="own-line-above-the-first-decorator-with-a-reason",
    ),
    pytest.param(
        """
        from langgraph.graph import StateGraph


        def build():  # goalgen: ignore
            def plan(state):
                return state

            builder = StateGraph(dict)
            builder.add_node("plan", plan)
            return builder
        """,
        [("node", "build.<locals>.plan")],
        id="nested-def-in-an-ignored-def",
    ),
    pytest.param(
        """
        import httpx


        async def fetch(url):
            async with httpx.AsyncClient(timeout=1) as client:  # goalgen: ignore
                return await client.get(url)
        """,
        [("http", "httpx.AsyncClient")],
        id="client-call-line",
    ),
    pytest.param(
        """
        import httpx


        async def fetch(url):
            # goalgen: ignore
            async with httpx.AsyncClient(
                timeout=1,
            ) as client:
                return await client.get(url)
        """,
        [("http", "httpx.AsyncClient")],
        id="own-line-above-a-multi-line-client-call",
    ),
    pytest.param(
        """
        import httpx


        class Api:  # goalgen: ignore
            client = httpx.Client()

            def fetch(self):
                return httpx.Client(timeout=1)
        """,
        [("http", "httpx.Client"), ("http", "httpx.Client")],
        id="client-calls-in-an-ignored-class",
    ),
    pytest.param(
        """
        from frmk.conversation import create_mapper

        mapper = create_mapper()


        async def handle(ctx):
            thread = await mapper.get_thread_id(ctx)  # goalgen: ignore
            return thread
        """,
        [("mapper", "mapper.get_thread_id")],
        id="mapper-call-line",
    ),
    pytest.param(
        """
        from fastapi import FastAPI

        app = FastAPI()  # goalgen: ignore
        """,
        [("api", "app")],
        id="app-line",
    ),
]


@pytest.mark.parametrize(("code", "expected"), NOOPS)
def test_ignored_targets_are_skipped(code: str, expected: list[tuple[str, str]]) -> None:
    assert skipped(check_noop(code)) == expected


def test_only_the_ignored_method_is_skipped() -> None:
    result = check(
        """
        from botbuilder.core import ActivityHandler


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):  # goalgen: ignore
                return 1

            async def on_message_activity(self, turn_context):
                return 2
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):  # goalgen: ignore
                return 1

            @trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                return 2
        """,
    )
    assert actions(result) == [
        ("bot", "bot.EchoBot.on_turn", "skipped"), ("bot", "bot.EchoBot.on_message_activity", "added")
    ]  # fmt: skip


def test_ignored_route_keeps_the_app_middleware() -> None:
    result = check(
        """
        from fastapi import FastAPI

        app = FastAPI()


        @app.get("/")  # goalgen: ignore
        async def root():
            return {}
        """,
        """
        from fastapi import FastAPI
        from frmk.utils.tracing.asgi import TraceContextMiddleware

        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)  # goalgen: instrument


        @app.get("/")  # goalgen: ignore
        async def root():
            return {}
        """,
    )
    assert skipped(result) == [("api", "root")]


WHOLE_FILE = """
    #!/usr/bin/env python
    # goalgen: ignore
    \"\"\"A bot nobody may touch.\"\"\"

    import httpx
    from botbuilder.core import ActivityHandler


    class EchoBot(ActivityHandler):
        async def on_turn(self, turn_context):
            return httpx.Client()
"""


def test_whole_file_has_nothing_to_do() -> None:
    result = check_noop(WHOLE_FILE)
    assert result.targets == []


def test_remove_still_takes_our_edits_out_of_an_ignored_file() -> None:
    plain = dedent(WHOLE_FILE).replace("# goalgen: ignore\n", "")
    traced = run(plain).code
    assert traced.count("# goalgen: instrument") == 2
    opted_out = traced.replace(
        "#!/usr/bin/env python\n", "#!/usr/bin/env python\n# goalgen: ignore\n"
    )
    assert run(opted_out).code == opted_out
    assert remove(opted_out).code == dedent(WHOLE_FILE)


NOT_IGNORED = [
    pytest.param(
        '"""Doc."""\n# goalgen: ignore\nimport httpx\n\nc = httpx.Client()\n',
        id="after-the-docstring",
    ),
    pytest.param(
        'import httpx\n\nDOC = """\n# goalgen: ignore\n"""\nc = httpx.Client()\n', id="in-a-string"
    ),
    pytest.param("import httpx\n\nc = httpx.Client()  # goalgen: ignored\n", id="another-word"),
    pytest.param(
        "import httpx\n\n# goalgen: ignore\n\nc = httpx.Client()\n", id="not-directly-above"
    ),
]


@pytest.mark.parametrize("code", NOT_IGNORED)
def test_comments_that_do_not_opt_out(code: str) -> None:
    result = run(code)
    assert "trace_client(httpx.Client)()" in result.code
    assert skipped(result) == []


@pytest.mark.parametrize(
    ("code", "lines", "file"),
    [
        pytest.param("# goalgen: ignore\nx = 1\n", {1}, True, id="top"),
        pytest.param("# goalgen: ignore\n", {1}, True, id="only-comments"),
        pytest.param("x = 1  # noqa  # goalgen: ignore\n", {1}, False, id="after-another-comment"),
        pytest.param("x = 1\n#goalgen:ignore\n", {2}, False, id="no-spaces"),
        pytest.param("x = '# goalgen: ignore'\n", set(), False, id="string"),
    ],
)
def test_find_ignores(code: str, lines: set[int], file: bool) -> None:
    found = find_ignores(code, ast.parse(code))
    assert (found.lines, found.file) == (lines, file)


def test_check_passes_when_the_only_targets_left_are_ignored(tmp_path: Path) -> None:
    bot = tmp_path / "bot.py"
    bot.write_text(
        dedent(
            """
            from botbuilder.core import ActivityHandler


            class EchoBot(ActivityHandler):
                async def on_turn(self, turn_context):
                    return 1
            """
        )
    )
    args = ["instrument", str(tmp_path), "--check", "--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(args) == 1
    bot.write_text(bot.read_text().replace("context):", "context):  # goalgen: ignore"))
    assert goalgen_main(args) == 0
