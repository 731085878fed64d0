"""trace_tool: execute_tool spans for plain, LangChain and LangGraph tools, and their failures."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.genai import trace_tool


@dataclass
class ToolResult:
    """The generated projects' tool result (goalgen/templates/project/workflow/tools.py.j2)."""

    tool: str
    ok: bool
    content: str


@trace_tool("search_flights")
def search_flights(origin: str, destination: str) -> ToolResult:
    if origin == "nowhere":
        raise LookupError("no such airport: nowhere")
    if destination == "unconfigured":
        return ToolResult("search_flights", False, "not configured: FLIGHTS_API_URL " + "x" * 400)
    return ToolResult("search_flights", True, f"3 flights {origin}-{destination}")


@trace_tool("search_hotels")
async def search_hotels(city: str) -> ToolResult:
    return ToolResult("search_hotels", city != "Atlantis", "unavailable" if city == "Atlantis"
                      else f"2 hotels in {city}")  # fmt: skip


TOOL_ATTRIBUTES = {"gen_ai.operation.name": "execute_tool"}


def test_a_tool_call_is_an_execute_tool_span_under_the_caller(spans):
    with TraceSpan("agent.flight") as parent:
        assert search_flights("PAR", "ROM").ok
    tool_span, _ = spans
    assert (tool_span["name"], tool_span["component"], tool_span["kind"]) == (
        "execute_tool search_flights", "tool", "internal",
    )  # fmt: skip
    assert tool_span["parent_span_id"] == parent.span_id and tool_span["status"] == "ok"
    assert tool_span["metadata"] == {**TOOL_ATTRIBUTES, "gen_ai.tool.name": "search_flights"}


@pytest.mark.parametrize(
    ("call", "error_type", "message"),
    [
        (lambda: search_flights("nowhere", "ROM"), "LookupError", "no such airport: nowhere"),
        (lambda: search_flights("PAR", "unconfigured"), "ToolError",
         ("not configured: FLIGHTS_API_URL " + "x" * 400)[:256]),
    ],
    ids=["raised", "failed_result_cut"],
)  # fmt: skip
def test_failed_tools_fail_their_span(spans, call, error_type, message):
    try:
        result = call()
    except LookupError:
        result = None
    (span,) = spans
    assert span["status"] == "error"
    assert span["error"] == {"type": error_type, "message": message}
    assert span["metadata"]["error.type"] == error_type
    if result is not None:
        assert result.ok is False  # returned unchanged


async def test_async_tool_and_its_failed_result(spans):
    assert (await search_hotels("Rome")).ok
    assert not (await search_hotels("Atlantis")).ok
    assert [s["status"] for s in spans] == ["ok", "error"]
    assert spans[1]["error"] == {"type": "ToolError", "message": "unavailable"}
    assert inspect.iscoroutinefunction(search_hotels)


def test_langchain_tool_over_trace_tool_keeps_the_schema_and_is_traced(spans):
    @tool
    @trace_tool("get_weather")
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return f"sunny in {city}"

    assert get_weather.name == "get_weather" and get_weather.description == "The weather in a city."
    assert list(get_weather.args) == ["city"]
    assert get_weather.invoke({"city": "Rome"}) == "sunny in Rome"
    assert spans[0]["name"] == "execute_tool get_weather" and spans[0]["status"] == "ok"


def test_a_tool_message_with_error_status_fails_the_span(spans):
    @trace_tool("lookup")
    def lookup(ok: bool) -> ToolMessage:
        return ToolMessage("upstream said 503" if not ok else "found", tool_call_id="call_1",
                           status="success" if ok else "error")  # fmt: skip

    lookup(True)
    lookup(False)
    assert [s["status"] for s in spans] == ["ok", "error"]
    assert spans[1]["error"] == {"type": "ToolError", "message": "upstream said 503"}
    assert spans[1]["metadata"]["gen_ai.tool.call.id"] == "call_1"


async def test_functions_given_to_langgraph_tool_node(spans):
    @trace_tool("add")
    async def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    graph = StateGraph(MessagesState)
    graph.add_node("tools", ToolNode([add]))
    graph.add_edge(START, "tools")
    graph.add_edge("tools", END)
    call = {"name": "add", "args": {"a": 2, "b": 3}, "id": "call_9", "type": "tool_call"}
    out = await graph.compile().ainvoke({"messages": [AIMessage("", tool_calls=[call])]})
    assert out["messages"][-1].content == "5"
    assert [s["name"] for s in spans] == ["execute_tool add"]


def test_static_methods_are_traced(spans):
    class Tools:
        @trace_tool("ping")
        @staticmethod
        def ping() -> str:
            return "pong"

    assert Tools.ping() == "pong" and spans[0]["name"] == "execute_tool ping"
