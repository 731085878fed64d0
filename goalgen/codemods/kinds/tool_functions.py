"""Tools: the functions an agent or a model calls, each call a span ``execute_tool <name>``.

The decorator is ``@trace_tool("<name>")`` (``frmk.utils.tracing.genai``), which also marks the
span failed when the tool returns a failed result. A function is a tool when it is

- a **generated tool**: a module-level function whose return annotation is a project class
  named ``ToolResult``, unless another such function of its module calls it (those are the
  helpers the tools share, like the generated ``call_http`` and ``not_implemented``); the name
  is the function's;
- a **LangChain tool function**: decorated with ``@tool`` / ``@tool("name")`` from
  ``langchain_core.tools`` or ``langchain.tools``; ``trace_tool`` goes below ``@tool``, next to
  the ``def``, so it wraps the function itself; the name is ``@tool``'s, else the function's;
- a **LangChain tool class**: ``_run`` / ``_arun`` of a ``BaseTool`` subclass (through project
  subclasses too), named after the class's own ``name = "..."``, else the class;
- a **ToolNode function**: a function of the project given to LangGraph's
  ``ToolNode([...])`` (``langgraph.prebuilt``), in this module or imported from another one
  (traced where it is defined). Lambdas, instances and functions from outside the project are
  reported as skipped::

    @tool("search")                             @tool("search")
    def web_search(query: str) -> str:    ->    @trace_tool("search")  # goalgen: instrument
        ...                                     def web_search(query: str) -> str:
                                                    ...
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import Context
from goalgen.codemods.references import NOT_A_FUNCTION, resolve_reference
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import FuncInfo, ModuleScan
from goalgen.codemods.syntax import parse_expression

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex

LANGCHAIN_TOOLS = ("langchain_core.tools", "langchain.tools")
TOOL_NODES = ("langgraph.prebuilt",)
TOOL_METHODS = ("_run", "_arun")
RESULT_CLASS = "ToolResult"


def _within(qualified: str, packages: tuple[str, ...], name: str) -> bool:
    head, _, last = qualified.rpartition(".")
    return last == name and any(head == p or head.startswith(p + ".") for p in packages)


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def langchain_name(func: FuncInfo, scan: ModuleScan) -> str | None:
    """The tool name ``func``'s LangChain ``@tool`` decorator gives it, or None without one."""
    for decorator in func.node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        text = dotted_name(call.func if call is not None else decorator)
        if text is None or not _within(scan.imports.resolve(text), LANGCHAIN_TOOLS, "tool"):
            continue
        if call is None:
            return func.name
        keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
        first = call.args[0] if call.args else keywords.get("name_or_callable")
        return _text(first) or func.name
    return None


def _returns_result(func: FuncInfo, ctx: Context) -> bool:
    """Is ``func``'s return annotation a project class named ``ToolResult``?"""
    node = func.node.returns
    if _text(node) is not None:
        try:
            node = parse_expression(node.value)
        except SyntaxError:
            return False
    text = dotted_name(node) if node is not None else None
    if text is None:
        return False
    resolved = ctx.index.resolve(ctx.scan.imports.resolve(text))
    hit = ctx.index.split(resolved)
    return (
        resolved.rpartition(".")[2] == RESULT_CLASS
        and hit is not None
        and hit[1] in ctx.index.modules[hit[0]].classes
    )


def generated_tools(ctx: Context) -> list[FuncInfo]:
    """The module's generated tools: module-level ``ToolResult`` functions no other calls."""
    found = [f for f in ctx.scan.funcs.values() if f.scope_key == "" and _returns_result(f, ctx)]
    called = {
        node.func.id
        for func in found
        for node in ast.walk(func.node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return [f for f in found if f.name not in called]


def _static_name(ctx: Context, class_key: str) -> str:
    """A tool class's own ``name = "..."`` (or ``name: str = "..."``), else the class name."""
    info = ctx.scan.classes[class_key]
    for stmt in info.node.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        value = _text(getattr(stmt, "value", None))
        if value and any(isinstance(t, ast.Name) and t.id == "name" for t in targets):
            return value
    return info.name


def _tool_node_args(scan: ModuleScan):
    """``(call, element)`` for each element of each ``ToolNode([...])`` list."""
    for call in scan.calls_named("ToolNode"):
        if not _within(call.qualified, TOOL_NODES, "ToolNode"):
            continue
        tools = call.node.args[0] if call.node.args else None
        tools = tools or next((kw.value for kw in call.node.keywords if kw.arg == "tools"), None)
        for element in getattr(tools, "elts", []):
            if not isinstance(element, ast.Starred):
                yield call, element


def foreign_tool_refs(scan: ModuleScan) -> tuple[str, ...]:
    """Qualified names of imported functions this module gives to ``ToolNode`` (its facts)."""
    refs = []
    for call, element in _tool_node_args(scan):
        how, what = resolve_reference(scan, call, element)
        if how == "import":
            refs.append(what)
    return tuple(refs)


def _all_foreign_tools(index: ProjectIndex) -> dict[str, set[str]]:
    tools: dict[str, set[str]] = {}
    for _, refs in index.facts("tool"):
        for ref in refs:
            hit = index.split(index.resolve(ref))
            if hit is not None and hit[1] in index.modules[hit[0]].functions:
                tools.setdefault(hit[0], set()).add(hit[1])
    return tools


def _index_names(index: ProjectIndex) -> set[str]:
    return {name for names in index.memo("tool.foreign", _all_foreign_tools).values() for name in names}


def _trace(ctx: Context, func: FuncInfo, name: str) -> None:
    ctx.trace_function(func, "tool", name, decorator="trace_tool", shown=f"execute_tool {name}")


def trace_tool_functions(ctx: Context) -> None:
    scan, index = ctx.scan, ctx.index
    for func in scan.funcs.values():
        name = langchain_name(func, scan)
        if name is not None:
            _trace(ctx, func, name)
        elif func.class_key and func.name in TOOL_METHODS:
            if "tool" in ctx.class_kinds(func.class_key):
                _trace(ctx, func, _static_name(ctx, func.class_key))
    for func in generated_tools(ctx):
        _trace(ctx, func, func.name)
    for call, element in _tool_node_args(scan):
        how, what = resolve_reference(scan, call, element)
        label = ast.unparse(element)[:60]
        if how == "local":
            _trace(ctx, scan.funcs[what], scan.funcs[what].name)
        elif how == "skip":
            ctx.skip("tool", label, call.line, what)
        elif index.split(index.resolve(what)) is None:
            ctx.skip("tool", label, call.line, f"imported from outside the project ({what})")
        elif not index.is_function(what):
            ctx.skip("tool", label, call.line, NOT_A_FUNCTION)
    top = scan.scopes[""].defs
    for name in sorted(index.memo("tool.foreign", _all_foreign_tools).get(scan.module, ())):
        if name in top:
            _trace(ctx, scan.funcs[top[name][-1][1]], name)


KIND = Kind(
    name="tool",
    order=3,
    plan=trace_tool_functions,
    span_prefix="execute_tool ",
    words=(RESULT_CLASS, "BaseTool", "ToolNode", "langchain"),
    call_names=frozenset({"ToolNode"}),
    bases=tuple((package, frozenset({"BaseTool"})) for package in LANGCHAIN_TOOLS),
    summarize=foreign_tool_refs,
    index_names=_index_names,
    runtime={"trace_tool": "frmk.utils.tracing.genai"},
    decorator="trace_tool",
)
