"""``rewrite()``: run the codemods of the selected kinds on one module's source.

Pure: no I/O, never imports or runs the code it reads. Everything is decided on a fast ``ast``
scan; LibCST parses the file only when there is something to change, so files that are already
traced (or hold no targets) cost an ``ast`` parse, not a LibCST one. Raises
:class:`~codemods.base.UnparsableSource` (a ``ValueError``) when Python's ``ast`` cannot parse
the code, and ``libcst.ParserSyntaxError`` when only LibCST cannot (then the file has edits).
"""

from __future__ import annotations

import ast
from collections.abc import Collection

import libcst as cst

from codemods import (  # noqa: F401  (importing the kind modules fills the registry)
    agent_methods,
    bot_handlers,
    fastapi_routes,
    http_clients,
    langgraph_nodes,
    mapper_calls,
)
from codemods.apply import Applier
from codemods.base import KINDS, MARKER, STYLES, Rewrite, UnparsableSource
from codemods.imports import add_runtime_imports
from codemods.plan import REGISTRY, Context, Plan
from codemods.project_index import ProjectIndex, summarize
from codemods.remove import remove_tracing
from codemods.scan import scan_module

BOM = "\ufeff"


def rewrite(
    code: str,
    *,
    module: str,
    index: ProjectIndex,
    style: str = "auto",
    kinds: Collection[str] = KINDS,
    remove: bool = False,
) -> Rewrite:
    """Instrument (or with ``remove=True`` un-instrument) ``code``, the source of ``module``.

    ``style``: "auto"/"decorator" add one decorator line per function; "block" wraps bodies in
    ``with TraceSpan(...)`` (generators still get the decorator: a with-block across ``yield``
    would leak the span into the caller). ``kinds`` selects codemods (see ``base.KINDS``).
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    bom = BOM if code.startswith(BOM) else ""
    source = code[len(bom) :]
    if remove:
        if MARKER not in source:  # nothing of ours here: no LibCST parse needed
            _ast_check(source)
            return Rewrite(code, [])
        tree = cst.parse_module(source)
        new_tree, targets = remove_tracing(tree, source)
        return Rewrite(bom + new_tree.code if new_tree is not tree else code, targets)
    summary_known = index.modules.get(module)
    is_package = summary_known.is_package if summary_known else False
    try:
        scan = scan_module(source, module, is_package)
    except SyntaxError as exc:
        raise UnparsableSource(f"line {exc.lineno}: {exc.msg}") from exc
    index = index.with_module(module, summarize(scan, is_package))
    plan = Plan()
    ctx = Context(scan, index, style, plan)
    for kind in KINDS:
        if kind in kinds and kind in REGISTRY:
            REGISTRY[kind](ctx)
    targets = sorted(plan.targets, key=lambda t: t.line)
    if not plan.funcs and not plan.calls:  # decided on the ast scan alone: no LibCST parse
        return Rewrite(code, targets)
    tree = cst.parse_module(source)
    applier = Applier(plan, tree)
    new_tree = add_runtime_imports(applier.run(tree), applier.needed)
    return Rewrite(bom + new_tree.code, targets)


def _ast_check(source: str) -> None:
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise UnparsableSource(f"line {exc.lineno}: {exc.msg}") from exc
