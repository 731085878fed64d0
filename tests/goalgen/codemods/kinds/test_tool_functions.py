"""Tool codemod: generated tools, LangChain @tool functions and BaseTool classes, ToolNode
functions; real LangChain tools and a real LangGraph ToolNode run traced, then come back out."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, dedent, remove, run

from goalgen.codemods import ProjectIndex, rewrite

TOOL = ("tool",)

GENERATED = """
    from dataclasses import dataclass


    @dataclass(frozen=True)
    class ToolResult:
        tool: str
        ok: bool
        content: str


    async def call_http(tool: str, url: str) -> ToolResult:
        return ToolResult(tool, False, "not configured")


    def not_implemented(tool: str) -> ToolResult:
        return ToolResult(tool, False, "not implemented yet")


    async def flight_search(request: str, state) -> ToolResult:
        return await call_http("flight_search", "${URL}")


    async def weather(request: str, state) -> "ToolResult":
        return not_implemented("weather")


    def helper(request: str) -> str:
        return request
    """

REWRITES = [
    pytest.param(
        GENERATED,
        """
        from dataclasses import dataclass

        from frmk.utils.tracing.genai import trace_tool


        @dataclass(frozen=True)
        class ToolResult:
            tool: str
            ok: bool
            content: str


        async def call_http(tool: str, url: str) -> ToolResult:
            return ToolResult(tool, False, "not configured")


        def not_implemented(tool: str) -> ToolResult:
            return ToolResult(tool, False, "not implemented yet")


        @trace_tool("flight_search")  # goalgen: instrument
        async def flight_search(request: str, state) -> ToolResult:
            return await call_http("flight_search", "${URL}")


        @trace_tool("weather")  # goalgen: instrument
        async def weather(request: str, state) -> "ToolResult":
            return not_implemented("weather")


        def helper(request: str) -> str:
            return request
        """,
        id="generated-tools-not-their-helpers",
    ),
    pytest.param(
        """
        from langchain_core.tools import tool
        from langchain_core import tools as lc


        @tool
        def add(a: int, b: int) -> int:
            \"\"\"Add two numbers.\"\"\"
            return a + b


        @lc.tool("web_search", return_direct=True)
        async def search(query: str) -> str:
            \"\"\"Search the web.\"\"\"
            return query


        @tool(name_or_callable="calc")
        def calculate(expression: str) -> str:
            \"\"\"Calculate.\"\"\"
            return expression
        """,
        """
        from frmk.utils.tracing.genai import trace_tool
        from langchain_core.tools import tool
        from langchain_core import tools as lc


        @tool
        @trace_tool("add")  # goalgen: instrument
        def add(a: int, b: int) -> int:
            \"\"\"Add two numbers.\"\"\"
            return a + b


        @lc.tool("web_search", return_direct=True)
        @trace_tool("web_search")  # goalgen: instrument
        async def search(query: str) -> str:
            \"\"\"Search the web.\"\"\"
            return query


        @tool(name_or_callable="calc")
        @trace_tool("calc")  # goalgen: instrument
        def calculate(expression: str) -> str:
            \"\"\"Calculate.\"\"\"
            return expression
        """,
        id="langchain-tool-decorator-below-tool",
    ),
    pytest.param(
        """
        from langchain_core.tools import BaseTool


        class Lookup(BaseTool):
            name: str = "lookup"
            description: str = "Look a word up."

            def _run(self, word: str) -> str:
                return word

            async def _arun(self, word: str) -> str:
                return word

            def helper(self) -> None:
                pass


        class Unnamed(Lookup):
            def _run(self, word: str) -> str:
                return word.upper()
        """,
        """
        from frmk.utils.tracing.genai import trace_tool
        from langchain_core.tools import BaseTool


        class Lookup(BaseTool):
            name: str = "lookup"
            description: str = "Look a word up."

            @trace_tool("lookup")  # goalgen: instrument
            def _run(self, word: str) -> str:
                return word

            @trace_tool("lookup")  # goalgen: instrument
            async def _arun(self, word: str) -> str:
                return word

            def helper(self) -> None:
                pass


        class Unnamed(Lookup):
            @trace_tool("Unnamed")  # goalgen: instrument
            def _run(self, word: str) -> str:
                return word.upper()
        """,
        id="basetool-run-methods",
    ),
    pytest.param(
        """
        from langgraph.prebuilt import ToolNode


        def get_weather(city: str) -> str:
            \"\"\"The weather in a city.\"\"\"
            return "sunny"


        def build():
            def get_time(city: str) -> str:
                \"\"\"The time in a city.\"\"\"
                return "noon"

            return ToolNode(tools=[get_weather, get_time])
        """,
        """
        from frmk.utils.tracing.genai import trace_tool
        from langgraph.prebuilt import ToolNode


        @trace_tool("get_weather")  # goalgen: instrument
        def get_weather(city: str) -> str:
            \"\"\"The weather in a city.\"\"\"
            return "sunny"


        def build():
            @trace_tool("get_time")  # goalgen: instrument
            def get_time(city: str) -> str:
                \"\"\"The time in a city.\"\"\"
                return "noon"

            return ToolNode(tools=[get_weather, get_time])
        """,
        id="toolnode-functions",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=TOOL)


NOOPS = [
    pytest.param(
        """
        from frmk.utils.tracing.genai import trace_tool
        from langchain_core.tools import tool


        @tool
        @trace_tool("add")
        def add(a: int, b: int) -> int:
            \"\"\"Add.\"\"\"
            return a + b
        """,
        id="traced-by-hand",
    ),
    pytest.param(
        """
        class ToolResult:
            ok: bool


        class Results:
            def failed(self) -> ToolResult:
                return ToolResult()


        def tool(func):
            return func


        @tool
        def not_langchain() -> str:
            return ""
        """,
        id="method-returning-result-and-a-project-tool-decorator",
    ),
    pytest.param(
        """
        from other.results import ToolResult


        def search(request) -> ToolResult:
            return ToolResult()
        """,
        id="tool-result-from-outside-the-project",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=TOOL)


def test_tool_node_skips_what_it_cannot_decorate() -> None:
    code = dedent(
        """
        from langgraph.prebuilt import ToolNode
        from somewhere import remote_tool

        node = ToolNode([lambda x: x, remote_tool, Lookup()])
        """
    )
    result = run(code, kinds=TOOL)
    assert result.code == code
    assert [(t.action, t.reason) for t in result.targets] == [
        ("skipped", "lambda"),
        ("skipped", "imported from outside the project (somewhere.remote_tool)"),
        ("skipped", "built by a call (Lookup(...))"),
    ]


def test_tool_node_function_of_another_module_is_traced_where_it_lives() -> None:
    tools = dedent(
        """
        def lookup(word: str) -> str:
            \"\"\"Look a word up.\"\"\"
            return word
        """
    )
    graph = "from app.tools import lookup\nfrom langgraph.prebuilt import ToolNode\n\nnode = ToolNode([lookup])\n"
    result = run(tools, module="app.tools", others={"app.graph": graph}, kinds=TOOL)
    assert actions(result) == [("tool", "execute_tool lookup", "added")]
    assert '@trace_tool("lookup")  # goalgen: instrument\ndef lookup' in result.code
    assert remove(result.code, "app.tools").code == tools


def test_remove_of_other_kinds_keeps_tools() -> None:
    traced = run(dedent(GENERATED), kinds=TOOL).code
    kept = rewrite(traced, module="app.main", index=ProjectIndex(), remove=True, kinds=("node",))
    assert kept.code == traced


# -- the real libraries --------------------------------------------------------------------

LANGCHAIN_TOOLS = """
from langchain_core.tools import BaseTool, tool


@tool("web_search")
async def search(query: str) -> str:
    \"\"\"Search the web for a query.\"\"\"
    return "found " + query


@tool
def add(a: int, b: int) -> int:
    \"\"\"Add two numbers.\"\"\"
    return a + b


class Lookup(BaseTool):
    name: str = "lookup"
    description: str = "Look a word up."

    def _run(self, word: str) -> str:
        if word == "boom":
            raise ValueError("no such word")
        return word.upper()
"""


async def test_langchain_tools_run_traced(load, spans) -> None:
    traced = run(LANGCHAIN_TOOLS, module="lctools.tools", kinds=TOOL)
    assert [t.action for t in traced.targets] == ["added"] * 3
    module = load({"lctools.tools": traced.code}, "lctools.tools")
    assert module.search.name == "web_search"
    assert module.search.description == "Search the web for a query."
    assert set(module.add.args) == {"a", "b"}
    assert await module.search.ainvoke({"query": "rome"}) == "found rome"
    assert module.add.invoke({"a": 2, "b": 3}) == 5
    assert module.Lookup().invoke({"word": "hi"}) == "HI"
    with pytest.raises(ValueError):
        module.Lookup().invoke({"word": "boom"})
    assert [(s["name"], s["status"], s["component"]) for s in spans] == [
        ("execute_tool web_search", "ok", "tool"),
        ("execute_tool add", "ok", "tool"),
        ("execute_tool lookup", "ok", "tool"),
        ("execute_tool lookup", "error", "tool"),
    ]
    assert remove(traced.code, "lctools.tools").code == LANGCHAIN_TOOLS


TOOL_GRAPH = """
from langchain_core.messages import AIMessage
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode


def get_weather(city: str) -> str:
    \"\"\"The weather in a city.\"\"\"
    return f"sunny in {city}"


def build():
    def ask(state):
        call = {"name": "get_weather", "args": {"city": "Rome"}, "id": "call-1"}
        return {"messages": [AIMessage(content="", tool_calls=[call])]}

    builder = StateGraph(MessagesState)
    builder.add_node("ask", ask)
    builder.add_node("tools", ToolNode([get_weather]))
    builder.add_edge(START, "ask")
    builder.add_edge("ask", "tools")
    builder.add_edge("tools", END)
    return builder.compile()
"""


async def test_tool_node_in_a_real_graph_runs_traced(load, spans) -> None:
    traced = run(TOOL_GRAPH, module="toolgraph.graph", kinds=TOOL)
    assert actions(traced) == [("tool", "execute_tool get_weather", "added")]
    graph = load({"toolgraph.graph": traced.code}, "toolgraph.graph").build()
    result = await graph.ainvoke({"messages": [("user", "weather?")]})
    assert result["messages"][-1].content == "sunny in Rome"
    tool_spans = [s for s in spans if s["component"] == "tool"]
    assert [s["name"] for s in tool_spans] == ["execute_tool get_weather"]
    assert tool_spans[0]["metadata"]["gen_ai.tool.name"] == "get_weather"
    assert remove(traced.code, "toolgraph.graph").code == TOOL_GRAPH
