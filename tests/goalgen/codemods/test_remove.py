"""--remove: only marked edits go; hand-written tracing and imports it needs stay."""

from __future__ import annotations

import pytest
from codemod_cases import dedent, remove, run

MIXED = dedent(
    '''
    from botbuilder.core import ActivityHandler
    from frmk.utils.tracing import TraceSpan


    class B(ActivityHandler):
        async def on_turn(self, turn_context):
            with TraceSpan("bot.by_hand"):
                return 1

        async def on_message_activity(self, turn_context):
            """Doc."""
            return 2
    '''
)


def test_tool_import_merges_with_hand_import_and_round_trips() -> None:
    traced = run(MIXED)
    assert "from frmk.utils.tracing import TraceSpan, trace_span\n" in traced.code
    assert [t.action for t in traced.targets] == ["present", "added"]
    back = remove(traced.code)
    assert back.code == MIXED
    assert [(t.kind, t.name, t.action) for t in back.targets] == [
        ("bot", "B.on_message_activity", "removed")
    ]


def test_block_style_removal_keeps_the_hand_written_block_and_its_import() -> None:
    traced = run(MIXED, style="block")
    assert traced.code.count("with TraceSpan(") == 2
    assert remove(traced.code).code == MIXED


def test_removal_survives_reformatting_of_the_tool_lines() -> None:
    traced = run(MIXED).code
    reformatted = traced.replace(
        '@trace_span("bot.B.on_message_activity")', "@trace_span('bot.B.on_message_activity')"
    )
    back = remove(reformatted)
    assert back.code == MIXED


def test_removed_targets_carry_marker_lines() -> None:
    traced = run(MIXED)
    back = remove(traced.code)
    line = traced.code.splitlines().index(
        '    @trace_span("bot.B.on_message_activity")  # goalgen: instrument'
    )
    assert [t.line for t in back.targets] == [line + 1]


def test_unmarked_lookalikes_are_not_touched() -> None:
    code = dedent(
        """
        import httpx
        from frmk.utils.tracing import trace_span
        from frmk.utils.tracing.http import httpx_event_hooks


        @trace_span("langgraph.node.x")  # reviewed by hand
        def x(state):
            return httpx.Client(event_hooks=httpx_event_hooks())  # goalgen is great
        """
    )
    result = remove(code)
    assert result.code == code and result.targets == []


def test_remove_honours_kinds_and_keeps_lines_right() -> None:
    from goalgen.codemods import ProjectIndex, rewrite

    code = dedent(
        """
        import httpx
        from fastapi import FastAPI

        app = FastAPI()
        client = httpx.AsyncClient()


        @app.get("/")
        async def root():
            return {}
        """
    )
    traced = run(code).code
    only_http = rewrite(
        traced, module="app.main", index=ProjectIndex(), remove=True, kinds=("http",)
    )
    assert [(t.kind, t.line) for t in only_http.targets] == [("http", 9)]
    assert "add_middleware" in only_http.code and "event_hooks" not in only_http.code
    assert "from frmk.utils.tracing.http" not in only_http.code
    rest = remove(only_http.code)
    assert [(t.kind, t.line) for t in rest.targets] == [("api", 7), ("api", 12)]
    assert rest.code == code


NESTED = dedent(
    """
    from botbuilder.core import ActivityHandler
    from langgraph.graph import StateGraph


    def build():
        class Inner(ActivityHandler):
            async def on_message_activity(self, turn_context):
                return 1

        def node(state):
            return state

        graph = StateGraph(dict)
        graph.add_node("n", node)
        return Inner, graph


    class Outer:
        class Bot(ActivityHandler):
            async def on_message_activity(self, turn_context):
                return 2
    """
)


@pytest.mark.parametrize("style", ["decorator", "block"])
def test_removal_names_nested_definitions_as_the_scan_does(style: str) -> None:
    traced = run(NESTED, style=style)
    added = [(t.kind, t.name) for t in traced.targets if t.action == "added"]
    assert sorted(added) == [
        ("bot", "Outer.Bot.on_message_activity"),
        ("bot", "build.<locals>.Inner.on_message_activity"),
        ("node", "build.<locals>.node"),
    ]
    back = remove(traced.code)
    assert back.code == NESTED
    assert sorted((t.kind, t.name) for t in back.targets) == sorted(added)
