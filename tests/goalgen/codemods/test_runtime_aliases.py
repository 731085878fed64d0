"""A project's own ``trace_span`` (``TraceSpan``, ``TraceContextMiddleware``, hook functions)
never collides with frmk's: where the module binds the name, the tool inserts frmk's under its
``goalgen_`` alias, counts only frmk's as tracing, and ``--remove`` takes the alias back out."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.cli import main as goalgen_main
from goalgen.codemods.runtime_aliases import aliases_in, choose_aliases, is_alias

BOT_ALIASED = """

        class EchoBot(ActivityHandler):
            @goalgen_trace_span("bot.EchoBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context):
                return 1
"""
BOT_PLAIN = """

        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):
                return 1
"""
ALIAS_LINE = "from frmk.utils.tracing import trace_span as goalgen_trace_span\n"

REWRITES = [
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from mylib.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("mine")
            async def on_message_activity(self, turn_context):
                return 1
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as goalgen_trace_span
        from mylib.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("mine")
            @goalgen_trace_span("bot.EchoBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                return 1
        """,
        id="imported-from-elsewhere-and-decorating-the-handler",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        def trace_span(name):
            return lambda fn: fn
        """
        + BOT_PLAIN,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as goalgen_trace_span


        def trace_span(name):
            return lambda fn: fn
        """
        + BOT_ALIASED,
        id="def",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler

        trace_span = print
        """
        + BOT_PLAIN,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as goalgen_trace_span

        trace_span = print
        """
        + BOT_ALIASED,
        id="assignment",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        class EchoBot(ActivityHandler):
            trace_span = staticmethod(print)

            async def on_turn(self, turn_context):
                return 1
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as goalgen_trace_span


        class EchoBot(ActivityHandler):
            trace_span = staticmethod(print)

            @goalgen_trace_span("bot.EchoBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context):
                return 1
        """,
        id="class-attribute-before-the-method",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span


        class EchoBot(ActivityHandler):
            def trace_span(self):
                return 0

            async def on_turn(self, turn_context):
                return 1


        @trace_span("by.hand")
        def helper():
            return 2
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing import trace_span as goalgen_trace_span


        class EchoBot(ActivityHandler):
            def trace_span(self):
                return 0

            @goalgen_trace_span("bot.EchoBot.on_turn")  # goalgen: instrument
            async def on_turn(self, turn_context):
                return 1


        @trace_span("by.hand")
        def helper():
            return 2
        """,
        id="ours-imported-and-a-method-of-that-name",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler


        def make(trace_span):
            class EchoBot(ActivityHandler):
                async def on_turn(self, turn_context):
                    return trace_span

            return EchoBot
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as goalgen_trace_span


        def make(trace_span):
            class EchoBot(ActivityHandler):
                @goalgen_trace_span("bot.EchoBot.on_turn")  # goalgen: instrument
                async def on_turn(self, turn_context):
                    return trace_span

            return EchoBot
        """,
        id="parameter-of-an-enclosing-function",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import TraceSpan
        from mylib.tracing import goalgen_trace_span, trace_span


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):
                with TraceSpan("by.hand"):
                    return trace_span, goalgen_trace_span

            async def on_message_activity(self, turn_context):
                return 1
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import TraceSpan
        from frmk.utils.tracing import trace_span as goalgen_trace_span_2
        from mylib.tracing import goalgen_trace_span, trace_span


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):
                with TraceSpan("by.hand"):
                    return trace_span, goalgen_trace_span

            @goalgen_trace_span_2("bot.EchoBot.on_message_activity")  # goalgen: instrument
            async def on_message_activity(self, turn_context):
                return 1
        """,
        id="ours-and-theirs-imported-and-the-alias-taken-too",
    ),
    pytest.param(
        """
        import httpx


        def trace_client(cls):
            return cls


        def client():
            return httpx.Client(timeout=1)
        """,
        """
        import httpx
        from frmk.utils.tracing.http import trace_client as goalgen_trace_client


        def trace_client(cls):
            return cls


        def client():
            return goalgen_trace_client(httpx.Client)(timeout=1)  # goalgen: instrument
        """,
        id="http-wrapper-function",
    ),
    pytest.param(
        """
        import aiohttp
        from mylib.configs import aiohttp_trace_configs

        session = aiohttp.ClientSession(
            raise_for_status=True,
        )
        other = aiohttp.ClientSession(trace_configs=aiohttp_trace_configs())
        """,
        """
        import aiohttp
        from frmk.utils.tracing.http import (
            aiohttp_trace_configs as goalgen_aiohttp_trace_configs,
        )
        from mylib.configs import aiohttp_trace_configs

        session = aiohttp.ClientSession(
            raise_for_status=True,
            trace_configs=goalgen_aiohttp_trace_configs(),  # goalgen: instrument
        )
        other = aiohttp.ClientSession(trace_configs=aiohttp_trace_configs())
        """,
        id="http-configs-imported-one-argument-per-line",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        from mylib.asgi import TraceContextMiddleware

        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)
        """,
        """
        from fastapi import FastAPI
        from frmk.utils.tracing.asgi import (
            TraceContextMiddleware as goalgen_TraceContextMiddleware,
        )
        from mylib.asgi import TraceContextMiddleware

        app = FastAPI()
        app.add_middleware(goalgen_TraceContextMiddleware)  # goalgen: instrument
        app.add_middleware(TraceContextMiddleware)
        """,
        id="app-middleware-of-their-own",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after)


def test_block_style_with_their_trace_span_class() -> None:
    result = check(
        """
        from botbuilder.core import ActivityHandler
        from mylib import TraceSpan


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):
                with TraceSpan("mine"):
                    return 1
        """,
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import TraceSpan as goalgen_TraceSpan
        from mylib import TraceSpan


        class EchoBot(ActivityHandler):
            async def on_turn(self, turn_context):
                with goalgen_TraceSpan("bot.EchoBot.on_turn"):  # goalgen: instrument
                    with TraceSpan("mine"):
                        return 1
        """,
        style="block",
    )
    assert actions(result) == [("bot", "bot.EchoBot.on_turn", "added")]


def test_mapper_call_wrapped_under_the_alias() -> None:
    check(
        """
        from frmk.conversation import create_mapper

        TraceSpan = object
        mapper = create_mapper()


        async def handle(ctx):
            thread = await mapper.get_thread_id(ctx)
            return thread
        """,
        """
        from frmk.conversation import create_mapper
        from frmk.utils.tracing import TraceSpan as goalgen_TraceSpan

        TraceSpan = object
        mapper = create_mapper()


        async def handle(ctx):
            with goalgen_TraceSpan("mapper.get_thread_id"):  # goalgen: instrument
                thread = await mapper.get_thread_id(ctx)
            return thread
        """,
    )


NOOPS = [
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as ts


        class EchoBot(ActivityHandler):
            @ts("bot.on_turn")
            async def on_turn(self, turn_context):
                return 1
        """,
        id="frmk-under-a-hand-alias",
    ),
    pytest.param(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("bot.on_turn")
            async def on_turn(self, turn_context):
                return 1
        """,
        id="frmk-by-hand",
    ),
    pytest.param(
        """
        from fastapi import FastAPI
        from frmk.utils.tracing.asgi import TraceContextMiddleware as Propagate

        app = FastAPI()
        app.add_middleware(Propagate)
        """,
        id="frmk-middleware-by-hand",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    result = check_noop(code)
    assert {t.action for t in result.targets} == {"present"}


def test_frmk_re_exported_by_a_project_module_counts_as_tracing() -> None:
    code = dedent(
        """
        from botbuilder.core import ActivityHandler

        from app.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("bot.on_turn")
            async def on_turn(self, turn_context):
                return 1
        """
    )
    others = {"app.tracing": "from frmk.utils.tracing import trace_span\n"}
    result = run(code, others=others)
    assert result.code == code
    assert actions(result) == [("bot", "bot.EchoBot.on_turn", "present")]


def test_remove_keeps_a_hand_written_alias_import_and_removes_only_ours() -> None:
    before = dedent(
        """
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import trace_span as ts
        from mylib.tracing import trace_span


        class EchoBot(ActivityHandler):
            @ts("bot.on_turn")
            async def on_turn(self, turn_context):
                return trace_span

            async def on_message_activity(self, turn_context):
                return 1
        """
    )
    traced = run(before)
    assert ALIAS_LINE in traced.code
    assert actions(traced) == [
        ("bot", "bot.EchoBot.on_turn", "present"), ("bot", "bot.EchoBot.on_message_activity", "added")
    ]  # fmt: skip
    back = remove(traced.code)
    assert back.code == before
    assert actions(back) == [("bot", "bot.EchoBot.on_message_activity", "removed")]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param("x = 1\n", {}, id="nothing-bound"),
        pytest.param("from frmk.utils.tracing import trace_span\n", {}, id="ours"),
        pytest.param(
            "from frmk.utils.tracing import TraceSpan as trace_span\n",
            {"trace_span": "goalgen_trace_span"},
            id="frmk-but-another-object",
        ),
        pytest.param("import trace_span\n", {"trace_span": "goalgen_trace_span"}, id="a-module"),
        pytest.param(
            "for TraceSpan in []:\n    pass\n", {"TraceSpan": "goalgen_TraceSpan"}, id="for-target"
        ),
        pytest.param(
            "try:\n    pass\nexcept E as trace_span:\n    pass\n",
            {"trace_span": "goalgen_trace_span"},
            id="except-name",
        ),
        pytest.param(
            "f = lambda trace_span: 1\n", {"trace_span": "goalgen_trace_span"}, id="lambda-arg"
        ),
        pytest.param(
            "[y := 1 for trace_span in []]\n",
            {"trace_span": "goalgen_trace_span"},
            id="comprehension-variable",
        ),
        pytest.param(
            "trace_span = 1\nfrom frmk.utils.tracing import trace_span as goalgen_trace_span\n",
            {"trace_span": "goalgen_trace_span"},
            id="our-alias-already-imported",
        ),
        pytest.param(
            "print(trace_span_helper, trace_span)\n",
            {},
            id="only-read",
        ),
    ],
)
def test_choose_aliases(code: str, expected: dict[str, str]) -> None:
    assert choose_aliases(ast.parse(code), code) == expected


def test_alias_scheme_is_recognised_only_for_its_own_name() -> None:
    assert is_alias("goalgen_trace_span", "trace_span")
    assert is_alias("goalgen_trace_span_3", "trace_span")
    assert not is_alias("goalgen_trace_span", "TraceSpan")
    assert not is_alias("ts", "trace_span")
    code = (
        "from frmk.utils.tracing import trace_span as goalgen_trace_span\n"
        "from frmk.utils.tracing import TraceSpan as ts\n"
        "from mylib import trace_span as goalgen_TraceSpan\n"
    )
    assert aliases_in(ast.parse(code)) == {"goalgen_trace_span": "trace_span"}


RUFF = Path(sys.executable).with_name("ruff")

# One file per collision, each clean under ruff's isort and pyflakes rules to start with.
PROJECT = {
    "svc/__init__.py": "",
    "svc/bot.py": """\
        from botbuilder.core import ActivityHandler
        from frmk.utils.tracing import TraceSpan
        from mylib.tracing import trace_span


        class EchoBot(ActivityHandler):
            @trace_span("mine")
            async def on_message_activity(self, turn_context):
                with TraceSpan("by.hand"):
                    return 1

            async def on_turn(self, turn_context):
                return 2
        """,
    "svc/defs.py": """\
        from botbuilder.core import ActivityHandler


        def trace_span(name):
            return lambda fn: fn


        class Bot(ActivityHandler):
            trace_span = staticmethod(trace_span)

            async def on_turn(self, turn_context):
                return 1
        """,
    "svc/api.py": """\
        import httpx
        from fastapi import FastAPI
        from mylib.asgi import TraceContextMiddleware
        from mylib.hooks import httpx_event_hooks, trace_client

        app = FastAPI()
        app.add_middleware(TraceContextMiddleware)
        hooks = (httpx_event_hooks, trace_client)


        @app.get("/")
        async def root():
            async with httpx.AsyncClient(timeout=1) as client:
                return await client.get("/x")
        """,
}


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed next to python")
def test_instrumented_collisions_pass_ruff_isort_and_pyflakes(tmp_path: Path) -> None:
    for name, text in PROJECT.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))

    def ruff() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(RUFF), "check", "--isolated", "--no-cache", "--select", "I,F", "--config",
             'lint.isort.known-first-party = ["svc"]', "."],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip

    assert ruff().returncode == 0, ruff().stdout
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.py")}
    args = [str(tmp_path), "--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(["instrument", *args]) == 0
    assert all(before[p] != p.read_bytes() for p in before if p.name != "__init__.py")
    assert "goalgen_" in (tmp_path / "svc/api.py").read_text()
    checked = ruff()
    assert checked.returncode == 0, checked.stdout
    assert goalgen_main(["instrument", "--check", *args]) == 0
    assert goalgen_main(["instrument", "--remove", *args]) == 0
    assert {p: p.read_bytes() for p in before} == before
