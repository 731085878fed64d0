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

Graph runs: so that the nodes of one run share one trace even when the caller opened no span,
each statement running a compiled graph it can resolve gets a root (or child) span
``langgraph.run`` around it — ``result = graph.invoke(...)``, ``await graph.ainvoke(...)``,
and ``for``/``async for`` loops over ``graph.stream(...)`` / ``graph.astream(...)`` (the loop
body runs inside the span). A compiled graph is a name bound in the module to a call of
``compile`` on a builder (a ``StateGraph(...)``, or a call of a function of the module
annotated to return ``StateGraph``), to a call of a function annotated to return
``CompiledStateGraph``, or annotated ``CompiledStateGraph`` itself (a parameter too). A run that
does not happen in its statement (``ensure_future(graph.ainvoke(x))``, ``it = graph.stream(x)``)
is reported as skipped; graphs reached through attributes (``app.state.graph``) are not
followed::

    result = graph.invoke({"step": 0})    ->    with TraceSpan("langgraph.run"):  # goalgen: instrument
                                                    result = graph.invoke({"step": 0})
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.references import NOT_A_FUNCTION, resolve_reference
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import CallInfo, ModuleScan, lookup_function

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex

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


GRAPH_PACKAGE = "langgraph"
RUN_SPAN = "langgraph.run"
# Method -> how its run happens within one statement: the call is the statement's value
# ("value"), awaited there ("await"), or the iterable of a loop ("for" / "async for").
RUN_METHODS = {"invoke": "value", "ainvoke": "await", "stream": "for", "astream": "async for"}
RUN_SHAPES = {
    "value": "x = g.{}(...)",
    "await": "x = await g.{}(...)",
    "for": "for ... in g.{}(...)",
    "async for": "async for ... in g.{}(...)",
}


def _is_langgraph(qualified: str, name: str) -> bool:
    head, _, last = qualified.rpartition(".")
    return last == name and (head == GRAPH_PACKAGE or head.startswith(GRAPH_PACKAGE + "."))


def _returns(ctx: Context, call: ast.Call, name: str) -> bool:
    """Is ``call`` a ``StateGraph(...)`` (for ``name`` "StateGraph") or a call of a function of
    the module annotated to return langgraph's ``name``?"""
    text = dotted_name(call.func)
    if text is None:
        return False
    if name == "StateGraph" and _is_langgraph(ctx.scan.imports.resolve(text), name):
        return True
    key = lookup_function(ctx.scan, "", text, call.lineno) if "." not in text else None
    returns = ctx.scan.funcs[key].node.returns if key else None
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        return _is_langgraph(ctx.scan.imports.resolve(returns.value), name)
    annotation = dotted_name(returns) if returns is not None else None
    return annotation is not None and _is_langgraph(ctx.scan.imports.resolve(annotation), name)


def compiled_graphs(ctx: Context) -> set[str]:
    """Dotted names bound to a compiled graph anywhere in the module (flow-insensitive)."""
    scan = ctx.scan
    builders = {t for t, c in scan.assigns if _returns(ctx, c.node, "StateGraph")}
    found = {t for t, c in scan.assigns if _returns(ctx, c.node, "CompiledStateGraph")}
    for target, call in scan.assigns:
        func = call.node.func
        if not isinstance(func, ast.Attribute) or func.attr != "compile":
            continue
        receiver = func.value
        if dotted_name(receiver) in builders or (
            isinstance(receiver, ast.Call) and _returns(ctx, receiver, "StateGraph")
        ):
            found.add(target)
    for text, annotation in scan.annotated:
        if _is_langgraph(annotation, "CompiledStateGraph"):
            found.update((text, f"self.{text}"))
    return found


def _runs_in_statement(ctx: Context, call: CallInfo, how: str) -> bool:
    """Does the run of ``call`` happen within its statement (see :data:`RUN_METHODS`)?"""
    scope = ctx.scan.funcs[call.func_key].node if call.func_key else ctx.scan.tree
    for node in ast.walk(scope):
        if how in ("for", "async for"):
            loop = ast.AsyncFor if how == "async for" else ast.For
            if isinstance(node, loop) and node.iter is call.node:
                return True
        elif isinstance(node, ast.Expr | ast.Assign | ast.AnnAssign | ast.Return):
            value = node.value
            if how == "await":
                value = value.value if isinstance(value, ast.Await) else None
            if value is call.node:
                return True
    return False


def trace_graph_runs(ctx: Context) -> None:
    graphs = None
    for call in ctx.scan.calls:
        receiver, _, method = call.callee.rpartition(".")
        how = RUN_METHODS.get(method)
        if how is None:
            continue
        graphs = compiled_graphs(ctx) if graphs is None else graphs
        if receiver not in graphs:
            continue
        if ctx.wrapped(call):
            ctx.present("node", call.callee, call.line, RUN_SPAN)
        elif call.in_suite:
            reason = "statement shares its line (one-line suite or `;`)"
            ctx.skip("node", call.callee, call.line, reason, RUN_SPAN)
        elif not _runs_in_statement(ctx, call, how):
            shape = RUN_SHAPES[how].format(method)
            reason = f"graph run inside a larger expression; only `{shape}` statements get a span"
            ctx.skip("node", call.callee, call.line, reason, RUN_SPAN)
        else:
            ctx.edit_call(call, "node", call.callee, CallEdit("wrap", span=RUN_SPAN))


def plan(ctx: Context) -> None:
    trace_langgraph_nodes(ctx)
    trace_graph_runs(ctx)


KIND = Kind(
    name="node",
    order=3,
    plan=plan,
    span_prefix="langgraph.",
    words=("add_node", "add_sequence", "StateGraph", "CompiledStateGraph"),
    call_names=frozenset({"add_node", "add_sequence", "compile", "StateGraph", *RUN_METHODS}),
    summarize=foreign_node_refs,
    index_names=_index_names,
)
