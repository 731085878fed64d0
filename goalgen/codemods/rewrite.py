"""``rewrite()``: run the codemods of the selected kinds on one module's source.

Pure: no I/O, never imports or runs the code it reads. Everything is decided on a fast ``ast``
scan; LibCST then parses only the top-level statements that change (see ``goalgen.codemods.chunks``),
so files that are already traced (or hold no targets) cost an ``ast`` parse, not a LibCST one,
and ``apply=False`` (``--check``) decides without loading LibCST at all. Raises
:class:`~goalgen.codemods.base.UnparsableSource` (a ``ValueError``) when Python's ``ast`` cannot parse
the code, and ``libcst.ParserSyntaxError`` when only LibCST cannot (then the file has edits).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Collection

from goalgen.codemods import registry
from goalgen.codemods.base import MARKER, STYLES, Rewrite, UnparsableSource
from goalgen.codemods.import_style import DEFAULT_STYLE, ImportStyle
from goalgen.codemods.index import ProjectIndex, summarize
from goalgen.codemods.plan import Context, Plan
from goalgen.codemods.runtime_aliases import choose_aliases
from goalgen.codemods.scan import ModuleScan, scan_module
from goalgen.codemods.syntax import parse

BOM = "\ufeff"
# LibCST does not give back a file with lone-\r line endings unchanged, so such files are refused.
_LONE_CR = re.compile(r"\r(?!\n)")


def rewrite(
    code: str,
    *,
    module: str,
    index: ProjectIndex,
    style: str = "auto",
    kinds: Collection[str] | None = None,
    remove: bool = False,
    apply: bool = True,
    scan: ModuleScan | None = None,
    import_style: ImportStyle = DEFAULT_STYLE,
) -> Rewrite:
    """Instrument (or with ``remove=True`` un-instrument) ``code``, the source of ``module``.

    ``style``: "auto"/"decorator" add one decorator line per function; "block" wraps bodies in
    ``with TraceSpan(...)`` (generators still get the decorator: a with-block across ``yield``
    would leak the span into the caller). A body on the ``def`` line gets the decorator too.
    ``kinds`` selects kinds by name (default: all, see ``goalgen.codemods.registry``); with ``remove``
    it limits what is removed. ``import_style``: the project's isort settings, which place the
    runtime import; remove with the settings it was added with. ``apply=False`` decides only:
    the code comes back unchanged and ``changes`` says whether it would change (no LibCST when
    instrumenting). ``scan``: this module's scan when the caller has it already (of ``code``).
    A file opted out with ``# goalgen: ignore`` before its first statement
    (``goalgen.codemods.ignore``) has nothing to instrument; its marked edits still go on ``remove``.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    selected = registry.names() if kinds is None else tuple(kinds)
    bom = BOM if code.startswith(BOM) else ""
    source = code[len(bom) :]
    if remove:
        if MARKER not in source:  # nothing of ours here: no LibCST parse needed
            _ast_parse(source)
            return Rewrite(code, [])
        tree = _ast_parse(source)
        _refuse_lone_cr(source)
        from goalgen.codemods.remove import remove_tracing

        new_source, targets = remove_tracing(source, tree, selected, import_style)
        if new_source == source:
            return Rewrite(code, targets)
        return Rewrite(code if not apply else bom + new_source, targets, changes=True)
    summary_known = index.modules.get(module)
    is_package = summary_known.is_package if summary_known else False
    if scan is None:  # else the caller's scan, which the index's summary was made from
        try:
            scan = scan_module(source, module, is_package)
        except SyntaxError as exc:
            raise UnparsableSource(f"line {exc.lineno}: {exc.msg}") from exc
        index = index.with_module(module, summarize(scan, is_package))
    if scan.ignores.file:
        return Rewrite(code, [])
    plan = Plan()
    ctx = Context(scan, index, style, plan)
    for kind in registry.kinds():
        if kind.name in selected:
            kind.plan(ctx)
    targets = sorted(plan.targets, key=lambda t: t.line)
    if not plan.funcs and not plan.calls:  # decided on the ast scan alone: no LibCST parse
        return Rewrite(code, targets)
    if not apply:
        _refuse_lone_cr(source)  # as _apply would
        return Rewrite(code, targets, changes=True)
    plan.aliases = choose_aliases(scan.tree, source)
    return Rewrite(bom + _apply(source, scan, plan, index, import_style), targets, changes=True)


def _apply(
    source: str, scan: ModuleScan, plan: Plan, index: ProjectIndex, import_style: ImportStyle
) -> str:
    """Carry out ``plan``, parsing with LibCST only the chunks that hold an edit (and chunk 0,
    where the imports go, sorted as isort would under ``import_style``, with the index's
    packages as first-party)."""
    import libcst as cst

    from goalgen.codemods.apply import Applier
    from goalgen.codemods.chunks import chunk_text, split_chunks, top_block_end
    from goalgen.codemods.import_edits import add_runtime_imports

    _refuse_lone_cr(source)
    chunks = split_chunks(source, scan.tree)
    roots = _work_roots(scan, plan)
    texts = [chunk.text for chunk in chunks]
    needed: set[str] = set()
    first = None
    for i, chunk in enumerate(chunks):
        if i and not any(chunk.first_root <= r < chunk.end_root for r in roots):
            continue
        module = cst.parse_module(chunk.text)
        seen, counts = _seeds(scan, chunk.first_root)
        applier = Applier(plan, module, seen, counts)
        new = applier.run(module)
        needed |= applier.needed
        if i == 0:
            first = new
        elif new is not module:
            texts[i] = chunk_text(new)
    assert first is not None
    if needed:
        first_party = {name.partition(".")[0] for name in index.modules}
        rest = scan.tree.body[top_block_end(scan.tree) :]
        first = add_runtime_imports(
            first,
            needed,
            first_party,
            aliases=plan.aliases,
            after=rest[0] if rest else None,
            style=import_style,
        )
    texts[0] = chunk_text(first)
    return "".join(texts)


def _work_roots(scan: ModuleScan, plan: Plan) -> set[int]:
    """Top-level statements holding a planned edit."""
    root_of = {f.key: f.root for f in scan.funcs.values()}
    root_of.update((c.key, c.root) for c in scan.classes.values())
    roots = {root_of[key] for key in plan.funcs}
    for scope, edits in plan.calls.items():
        if scope:
            roots.add(root_of[scope])
        else:
            roots.update(
                c.root for c in scan.calls if not c.scope_key and (c.callee, c.ordinal) in edits
            )
    return roots


def _seeds(scan: ModuleScan, root: int) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Definitions and module-level calls before top-level statement ``root``, counted."""
    seen = Counter(f.qualname for f in scan.funcs.values() if f.root < root)
    seen.update(c.qualname for c in scan.classes.values() if c.root < root)
    calls = Counter(c.callee for c in scan.calls if not c.scope_key and c.root < root)
    return dict(seen), {"": dict(calls)}


def _refuse_lone_cr(source: str) -> None:
    if _LONE_CR.search(source):
        raise UnparsableSource("old Mac line endings (a lone \\r) are not supported")


def _ast_parse(source: str) -> ast.Module:
    try:
        return parse(source)
    except SyntaxError as exc:
        raise UnparsableSource(f"line {exc.lineno}: {exc.msg}") from exc
