"""LangGraph node codemod: registration forms, nesting, cross-module nodes, a graph that runs."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

NODE = ("node",)

REWRITES = [
    pytest.param(
        """
        from langgraph.graph import StateGraph


        def plan(state):
            return {"step": 1}


        def act(state):
            return {}


        builder = StateGraph(dict)
        builder.add_node("planner", plan)
        builder.add_node(act)
        """,
        """
        from frmk.utils.tracing import trace_span
        from langgraph.graph import StateGraph


        @trace_span("langgraph.node.planner")  # goalgen: instrument
        def plan(state):
            return {"step": 1}


        @trace_span("langgraph.node.act")  # goalgen: instrument
        def act(state):
            return {}


        builder = StateGraph(dict)
        builder.add_node("planner", plan)
        builder.add_node(act)
        """,
        id="named-and-bare",
    ),
    pytest.param(
        """
        def test_graph():
            def first(state):
                return state

            async def second(state, config):
                return state

            g = StateGraph(State).add_node("one", first).add_node(node="two", action=second)
        """,
        """
        from frmk.utils.tracing import trace_span


        def test_graph():
            @trace_span("langgraph.node.one")  # goalgen: instrument
            def first(state):
                return state

            @trace_span("langgraph.node.two")  # goalgen: instrument
            async def second(state, config):
                return state

            g = StateGraph(State).add_node("one", first).add_node(node="two", action=second)
        """,
        id="nested-in-test-function-chained-keywords",
    ),
    pytest.param(
        """
        import functools


        class Workflow:
            def supervise(self, state):
                return state

            @staticmethod
            def finish(state):
                return state

            def build(self, builder):
                builder.add_node("supervisor", self.supervise)
                builder.add_node("end", Workflow.finish)
                builder.add_node("again", self.supervise)
                builder.add_node("l", lambda s: s)
                builder.add_node("p", functools.partial(self.supervise))
        """,
        """
        import functools

        from frmk.utils.tracing import trace_span


        class Workflow:
            @trace_span("langgraph.node.supervise")  # goalgen: instrument
            def supervise(self, state):
                return state

            @staticmethod
            @trace_span("langgraph.node.end")  # goalgen: instrument
            def finish(state):
                return state

            def build(self, builder):
                builder.add_node("supervisor", self.supervise)
                builder.add_node("end", Workflow.finish)
                builder.add_node("again", self.supervise)
                builder.add_node("l", lambda s: s)
                builder.add_node("p", functools.partial(self.supervise))
        """,
        id="methods-several-names-skips",
    ),
    pytest.param(
        """
        from langgraph.graph import StateGraph

        type State = dict[str, str]


        def plan[
            S: State,
        ](state: S) -> S:
            return {**state, "plan": f"{state["goal"]}!"}


        graph = StateGraph(dict)
        graph.add_node("plan", plan)
        """,
        """
        from frmk.utils.tracing import trace_span
        from langgraph.graph import StateGraph

        type State = dict[str, str]


        @trace_span("langgraph.node.plan")  # goalgen: instrument
        def plan[
            S: State,
        ](state: S) -> S:
            return {**state, "plan": f"{state["goal"]}!"}


        graph = StateGraph(dict)
        graph.add_node("plan", plan)
        """,
        id="python-312-generic-node-and-pep-701-f-string",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=NODE)


def test_skips_are_reported_with_reasons() -> None:
    result = run(dedent(REWRITES[2].values[0]), kinds=NODE)
    skipped = [(t.name, t.reason) for t in result.targets if t.action == "skipped"]
    assert skipped == [
        ("lambda s: s", "lambda"),
        ("functools.partial(self.supervise)", "built by a call (functools.partial(...))"),
    ]


def test_redefined_nested_function_uses_the_definition_before_the_call() -> None:
    code = """
    def test_x():
        def node(state):
            return {"a": 1}

        b.add_node("a", node)

        def node(state):
            return {"b": 1}

        b.add_node("b", node)
    """
    result = run(dedent(code), kinds=NODE)
    assert [t.span for t in result.targets] == ["langgraph.node.a", "langgraph.node.b"]


NOOPS = [
    pytest.param(
        """
        import networkx as nx

        g = nx.Graph()
        g.add_node("a")
        g.add_node(1)
        """,
        id="name-only-add-node",
    ),
    pytest.param(
        """
        from langgraph.graph import StateGraph
        from frmk.utils import tracing


        @tracing.trace_span("custom")
        def plan(state):
            return state


        StateGraph(dict).add_node("plan", plan)
        """,
        id="already-traced",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=NODE)


NODES_MODULE = """
def supervisor(state):
    return state


def helper():
    return 1
"""


def test_node_imported_from_another_module_is_traced_where_it_lives() -> None:
    graph = """
    from langgraph.graph import StateGraph
    from workflow import nodes
    from workflow.nodes import supervisor
    from somewhere_else import outside

    builder = StateGraph(dict)
    builder.add_node("supervisor", supervisor)
    builder.add_node(nodes.helper)
    builder.add_node("x", outside)
    """
    modules = {
        "workflow": "",
        "workflow.graph": dedent(graph),
        "workflow.nodes": dedent(NODES_MODULE),
    }
    graph_result = run(dedent(graph), module="workflow.graph", others=modules, kinds=NODE)
    assert graph_result.code == dedent(graph)
    assert actions(graph_result) == [("node", "outside", "skipped")]
    assert "outside the project (somewhere_else.outside)" in graph_result.targets[0].reason
    after = """
    from frmk.utils.tracing import trace_span


    @trace_span("langgraph.node.supervisor")  # goalgen: instrument
    def supervisor(state):
        return state


    @trace_span("langgraph.node.helper")  # goalgen: instrument
    def helper():
        return 1
    """
    check(NODES_MODULE, after, module="workflow.nodes", others=modules, kinds=NODE)


GRAPH = """
import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict):
    log: Annotated[list, operator.add]


def sync_node(state: State):
    return {"log": ["sync"]}


async def async_node(state: State, config):
    assert "configurable" in config
    return {"log": ["async"]}


def gen_node(state: State):
    yield {"log": ["gen"]}


def build():
    builder = StateGraph(State)
    builder.add_node("first", sync_node)
    builder.add_node("second", async_node)
    builder.add_node("third", gen_node)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", "third")
    builder.add_edge("third", END)
    return builder.compile()
"""


@pytest.mark.parametrize("style", ["auto", "block"])
async def test_traced_graph_still_runs(style, load, spans) -> None:
    traced = run(dedent(GRAPH), module="tracedgraph.graph", kinds=NODE, style=style)
    assert [t.action for t in traced.targets] == ["added"] * 3
    if style == "block":  # generators keep the decorator
        assert traced.code.count("with TraceSpan(") == 2 and traced.code.count("@trace_span(") == 1
    graph = load({"tracedgraph.graph": traced.code}, "tracedgraph.graph").build()
    result = await graph.ainvoke({"log": []})
    assert result == {"log": ["sync", "async", "gen"]}
    assert sorted(s["name"] for s in spans) == [
        "langgraph.node.first", "langgraph.node.second", "langgraph.node.third",
    ]  # fmt: skip


def test_add_sequence_registers_nodes() -> None:
    code = """
    def test_seq():
        def step1(state):
            return state

        def step2(state):
            return state

        builder.add_sequence([step1, ("second", step2), lambda s: s])
    """
    result = run(dedent(code), kinds=NODE)
    assert actions(result) == [
        ("node", "langgraph.node.step1", "added"),
        ("node", "langgraph.node.second", "added"),
        ("node", "lambda s: s", "skipped"),
    ]


# -- graph runs ----------------------------------------------------------------------------

RUNS = [
    pytest.param(
        """
        from langgraph.graph import StateGraph
        from langgraph.graph.state import CompiledStateGraph


        def build() -> StateGraph:
            return StateGraph(dict)


        builder = StateGraph(dict)
        graph = builder.compile()
        other = build().compile(checkpointer=None)


        def run(x):
            result = graph.invoke(x)
            return result


        async def arun(x, compiled: CompiledStateGraph):
            # the whole turn
            return await compiled.ainvoke(x)


        async def each(x):
            async for chunk in other.astream(x):
                print(chunk)
            for chunk in graph.stream(x):
                print(chunk)
        """,
        """
        from frmk.utils.tracing import TraceSpan
        from langgraph.graph import StateGraph
        from langgraph.graph.state import CompiledStateGraph


        def build() -> StateGraph:
            return StateGraph(dict)


        builder = StateGraph(dict)
        graph = builder.compile()
        other = build().compile(checkpointer=None)


        def run(x):
            with TraceSpan("langgraph.run"):  # goalgen: instrument
                result = graph.invoke(x)
            return result


        async def arun(x, compiled: CompiledStateGraph):
            # the whole turn
            with TraceSpan("langgraph.run"):  # goalgen: instrument
                return await compiled.ainvoke(x)


        async def each(x):
            with TraceSpan("langgraph.run"):  # goalgen: instrument
                async for chunk in other.astream(x):
                    print(chunk)
            with TraceSpan("langgraph.run"):  # goalgen: instrument
                for chunk in graph.stream(x):
                    print(chunk)
        """,
        id="invoke-ainvoke-and-stream-loops",
    ),
]


@pytest.mark.parametrize(("before", "after"), RUNS)
def test_graph_runs(before: str, after: str) -> None:
    check(before, after, kinds=NODE)


def test_runs_outside_their_statement_and_unknown_receivers_are_left_alone() -> None:
    code = dedent(
        """
        import asyncio

        from langgraph.graph import StateGraph

        graph = StateGraph(dict).compile()


        async def later(request, x):
            task = asyncio.ensure_future(graph.ainvoke(x))
            it = graph.stream(x)
            await request.app.state.graph.ainvoke(x)
            agent.invoke(x)
            return task, it
        """
    )
    result = run(code, kinds=NODE)
    assert result.code == code
    assert [(t.line, t.action, t.reason) for t in result.targets] == [
        (9, "skipped", "graph run inside a larger expression; only `x = await g.ainvoke(...)` statements get a span"),
        (10, "skipped", "graph run inside a larger expression; only `for ... in g.stream(...)` statements get a span"),
    ]


RUN_GRAPH = '''
from typing import Annotated, TypedDict
import operator

from langgraph.graph import END, START, StateGraph


class State(TypedDict):
    log: Annotated[list[str], operator.add]


def first(state: State):
    return {"log": ["first"]}


def second(state: State):
    return {"log": ["second"]}


builder = StateGraph(State)
builder.add_node("first", first)
builder.add_node("second", second)
builder.add_edge(START, "first")
builder.add_edge("first", "second")
builder.add_edge("second", END)
graph = builder.compile()


async def run_once():
    result = await graph.ainvoke({"log": []})
    return result


def stream_once():
    seen = []
    for chunk in graph.stream({"log": []}):
        seen.append(chunk)
    return seen
'''


async def test_nodes_of_a_run_share_one_trace_under_one_root_without_an_open_span(
    load, spans
) -> None:
    traced = run(RUN_GRAPH, module="rungraph.graph", kinds=NODE)
    assert [t.action for t in traced.targets] == ["added"] * 4
    module = load({"rungraph.graph": traced.code}, "rungraph.graph")
    assert await module.run_once() == {"log": ["first", "second"]}
    assert len(module.stream_once()) == 2
    runs = [s for s in spans if s["name"] == "langgraph.run"]
    assert len(runs) == 2 and all(r["parent_span_id"] is None for r in runs)
    for root in runs:
        nodes = [s for s in spans if s["trace_id"] == root["trace_id"] and s is not root]
        assert sorted(s["name"] for s in nodes) == ["langgraph.node.first", "langgraph.node.second"]
        assert {s["parent_span_id"] for s in nodes} == {root["span_id"]}
    assert runs[0]["trace_id"] != runs[1]["trace_id"]
    assert remove(traced.code, "rungraph.graph").code == RUN_GRAPH
