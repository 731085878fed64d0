"""LangGraph's control flow (``interrupt()``, ``Command(graph=PARENT)``) is not a failure: node
spans it passes through end ``ok`` and say why they stopped. Real graphs, real checkpointer."""

from __future__ import annotations

import subprocess
import sys
from typing import TypedDict

import pytest

from frmk.utils.tracing import trace_span
from frmk.utils.tracing.pauses import BUBBLE_UP, INTERRUPTED, pause_attributes

langgraph = pytest.importorskip("langgraph")
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.graph import END, START, StateGraph  # noqa: E402
from langgraph.types import Command, interrupt  # noqa: E402


class State(TypedDict, total=False):
    answer: str
    hops: int


@trace_span("langgraph.node.ask")
def ask(state: State) -> State:
    return {"answer": interrupt("approve?")}


@trace_span("langgraph.node.done")
def done(state: State) -> State:
    return {"answer": state["answer"] + "!"}


def approval_graph():
    builder = StateGraph(State)
    builder.add_node("ask", ask)
    builder.add_node("done", done)
    builder.add_edge(START, "ask")
    builder.add_edge("ask", "done")
    builder.add_edge("done", END)
    return builder.compile(checkpointer=InMemorySaver())


def test_interrupt_is_a_pause_and_the_resumed_run_is_ok(spans):
    graph = approval_graph()
    config = {"configurable": {"thread_id": "t1"}}
    paused = graph.invoke({"hops": 0}, config)
    assert "__interrupt__" in paused
    (first,) = spans
    assert first["name"] == "langgraph.node.ask"
    assert first["status"] == "ok" and "error" not in first
    assert first["metadata"] == {BUBBLE_UP: "GraphInterrupt", INTERRUPTED: True}

    assert graph.invoke(Command(resume="yes"), config) == {"hops": 0, "answer": "yes!"}
    resumed = {r["name"]: r for r in spans[1:]}
    assert resumed["langgraph.node.ask"]["status"] == "ok"
    assert resumed["langgraph.node.ask"]["metadata"] == {}
    assert resumed["langgraph.node.done"]["status"] == "ok"


def handover(state: State) -> Command:
    return Command(graph=Command.PARENT, goto="finish", update={"hops": 1})


def test_parent_command_is_control_flow_not_an_error(spans):
    inner = StateGraph(State)
    inner.add_node("handover", handover)
    inner.add_edge(START, "handover")
    subgraph = inner.compile()

    @trace_span("langgraph.node.sub")
    def sub(state: State) -> State:  # LangGraph raises ParentCommand out of the subgraph
        return subgraph.invoke(state)

    outer = StateGraph(State)
    outer.add_node("sub", sub)
    outer.add_node("finish", lambda state: {"answer": "finished"})
    outer.add_edge(START, "sub")
    outer.add_edge("finish", END)
    assert outer.compile().invoke({"hops": 0}) == {"hops": 1, "answer": "finished"}
    (record,) = spans
    assert record["name"] == "langgraph.node.sub" and record["status"] == "ok"
    assert record["metadata"] == {BUBBLE_UP: "ParentCommand"}


def test_a_failing_node_is_still_an_error(spans):
    @trace_span("langgraph.node.broken")
    def broken(state: State) -> State:
        raise ValueError("no")

    builder = StateGraph(State)
    builder.add_node("broken", broken)
    builder.add_edge(START, "broken")
    with pytest.raises(ValueError):
        builder.compile().invoke({"hops": 0})
    (record,) = spans
    assert record["status"] == "error" and record["error"]["type"] == "ValueError"
    assert record["metadata"] == {}


CLASSES = [
    pytest.param("GraphInterrupt", {BUBBLE_UP: "GraphInterrupt", INTERRUPTED: True}, id="interrupt"),
    pytest.param("NodeInterrupt", {BUBBLE_UP: "NodeInterrupt", INTERRUPTED: True}, id="node-interrupt"),
    pytest.param("ParentCommand", {BUBBLE_UP: "ParentCommand"}, id="parent-command"),
    pytest.param("GraphRecursionError", None, id="recursion-error"),
    pytest.param("InvalidUpdateError", None, id="invalid-update"),
]


@pytest.mark.parametrize(("name", "expected"), CLASSES)
def test_which_langgraph_errors_are_pauses(name, expected):
    import langgraph.errors

    assert pause_attributes(getattr(langgraph.errors, name)) == expected


def test_a_lookalike_from_another_package_is_an_error():
    GraphInterrupt = type("GraphInterrupt", (Exception,), {"__module__": "mylib.errors"})
    assert pause_attributes(GraphInterrupt) is None


def test_the_span_path_never_imports_langgraph():
    code = (
        "import sys\n"
        "from frmk.utils.tracing import TraceSpan\n"
        "try:\n"
        "    with TraceSpan('langgraph.node.x'):\n"
        "        raise ValueError('x')\n"
        "except ValueError:\n"
        "    pass\n"
        "print('langgraph' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
