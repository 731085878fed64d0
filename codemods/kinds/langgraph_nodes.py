"""LangGraph nodes: functions and methods passed to ``add_node(...)``.

Handles ``add_node("name", fn)``, ``add_node(fn)``, ``add_node(node="name", action=fn)``,
``add_node(node=fn)`` and ``add_sequence([fn, ("name", fn), ...])``; ``fn`` may be a function nested in the same function (as in test suites),
a module function, ``self.method``, ``Class.method`` or a function imported from another project
module — then the index tells that module, which decorates it where it lives. The span is
``langgraph.node.<name>``, or ``langgraph.node.<function name>`` when the function is registered
under several names. Lambdas, ``functools.partial(...)``, ``RunnableLambda(...)``, instances and
functions from outside the project are reported as skipped::

    def plan(state):                          @trace_span("langgraph.node.planner")  # goalgen: instrument
        return {"step": 1}              ->    def plan(state):
                                                  return {"step": 1}
    builder.add_node("planner", plan)
                                              builder.add_node("planner", plan)
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from codemods.plan import Context
from codemods.references import NOT_A_FUNCTION, resolve_reference
from codemods.registry import Kind
from codemods.scan import CallInfo, ModuleScan

if TYPE_CHECKING:
    from codemods.index import ProjectIndex

def registration(call: ast.Call) -> tuple[str | None, ast.expr | None]:
    """``(literal node name or None, the node expression)`` of an ``add_node`` call."""
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    first = positional[0] if positional else keywords.get("node")
    action = positional[1] if len(positional) > 1 else keywords.get("action")
    is_name = isinstance(first, ast.Constant) and isinstance(first.value, str)
    if action is None:
        return (None, None) if is_name or first is None else (None, first)
    return (first.value if is_name else None), action


def registrations(call: CallInfo) -> list[tuple[str | None, ast.expr]]:
    """Every ``(node name or None, node expression)`` an add_node/add_sequence call registers."""
    if call.callee.rpartition(".")[2] == "add_sequence":
        nodes = call.node.args[0] if call.node.args else None
        nodes = nodes or next((kw.value for kw in call.node.keywords if kw.arg == "nodes"), None)
        found: list[tuple[str | None, ast.expr]] = []
        for elt in getattr(nodes, "elts", []):
            pair = elt.elts if isinstance(elt, ast.Tuple) and len(elt.elts) == 2 else None
            if pair and isinstance(pair[0], ast.Constant) and isinstance(pair[0].value, str):
                found.append((pair[0].value, pair[1]))
            elif not isinstance(elt, ast.Starred):
                found.append((None, elt))
        return found
    name, expr = registration(call.node)
    return [] if expr is None else [(name, expr)]


def _node_calls(scan: ModuleScan) -> list[CallInfo]:
    return sorted(
        scan.calls_named("add_node") + scan.calls_named("add_sequence"),
        key=lambda c: (c.line, c.node.col_offset),
    )


def foreign_node_refs(scan: ModuleScan) -> tuple[tuple[str, str], ...]:
    """``(qualified function, node name or "")`` for nodes imported from other modules (the
    facts the index keeps for this kind)."""
    refs = []
    for call in _node_calls(scan):
        for name, expr in registrations(call):
            how, what = resolve_reference(scan, call, expr)
            if how == "import":
                refs.append((what, name or ""))
    return tuple(refs)


def _all_foreign_nodes(index: ProjectIndex) -> dict[str, dict[str, set[str]]]:
    nodes: dict[str, dict[str, set[str]]] = {}
    for _, refs in index.facts("node"):
        for ref, name in refs:
            hit = index.split(index.resolve(ref))
            if hit is None or hit[1] not in index.modules[hit[0]].functions:
                continue
            nodes.setdefault(hit[0], {}).setdefault(hit[1], set()).add(name or hit[1])
    return nodes


def foreign_nodes(index: ProjectIndex, module: str) -> dict[str, set[str]]:
    """Top-level functions of ``module`` that other modules pass to add_node -> node names."""
    return index.memo("node.foreign", _all_foreign_nodes).get(module, {})


def _index_names(index: ProjectIndex) -> set[str]:
    return {name for table in index.memo("node.foreign", _all_foreign_nodes).values() for name in table}


def trace_langgraph_nodes(ctx: Context) -> None:
    scan, index = ctx.scan, ctx.index
    names: dict[str, set[str]] = {}
    for call in _node_calls(scan):
        for name, expr in registrations(call):
            how, what = resolve_reference(scan, call, expr)
            label = ast.unparse(expr)[:60]
            if how == "local":
                names.setdefault(what, set()).add(name or scan.funcs[what].name)
            elif how == "skip":
                ctx.skip("node", label, call.line, what)
            else:
                hit = index.split(index.resolve(what))
                if hit is None:
                    ctx.skip(
                        "node", label, call.line, f"imported from outside the project ({what})"
                    )
                elif not index.is_function(what):
                    ctx.skip("node", label, call.line, NOT_A_FUNCTION)
    top = scan.scopes[""].defs
    for func_name, registered in foreign_nodes(index, scan.module).items():
        if func_name in top:
            names.setdefault(top[func_name][-1][1], set()).update(registered)
    for key in sorted(names, key=lambda k: scan.funcs[k].line):
        func = scan.funcs[key]
        registered = names[key]
        node_name = next(iter(registered)) if len(registered) == 1 else func.name
        ctx.trace_function(func, "node", f"langgraph.node.{node_name}")


KIND = Kind(
    name="node",
    order=3,
    plan=trace_langgraph_nodes,
    span_prefix="langgraph.node.",
    words=("add_node", "add_sequence"),
    call_names=frozenset({"add_node", "add_sequence"}),
    summarize=foreign_node_refs,
    index_names=_index_names,
)
