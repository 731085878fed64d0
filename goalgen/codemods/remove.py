"""``--remove``: take out exactly what ``instrument`` inserted, found by its marker comment.

Only lines ending with :data:`~goalgen.codemods.base.MARKER` are touched, so tracing a person wrote stays:

- a ``@trace_span(...)  # goalgen: instrument`` decorator is dropped, and so is a kind's own
  (``@trace_tool(...)  # goalgen: instrument``);
- a ``with TraceSpan(...):  # goalgen: instrument`` block is replaced by its body (a traced
  function body, a wrapped call's statement or loop);
- an ``app.add_middleware(TraceContextMiddleware)  # goalgen: instrument`` line is deleted;
- on any other marked line the client arguments the tool appends
  (``trace_configs=aiohttp_trace_configs()``, ``callbacks=langchain_callbacks()``, the old
  ``event_hooks=httpx_event_hooks()``; always the last argument) are dropped, callee wrappers
  are unwrapped (``trace_llm(self.llm.complete)(messages)`` -> ``self.llm.complete(messages)``)
  and the marker is taken off the comment once no edit of the tool's is left on the line; in a
  call whose ``)`` has a line of its own the argument has a line of its own, marked, and that
  line goes.

Each edit's kind comes from its span-name prefix, its decorator, the inserted statement, the
client argument or the wrapper, as the kinds declare them (``goalgen.codemods.registry``), so ``kinds`` can limit the
removal. The runtime names may be written under the tool's aliases (``goalgen_trace_span``, see
``goalgen.codemods.runtime_aliases``), known from the file's own imports. Runtime imports (the tool's
aliased ones too) are removed afterwards when nothing uses them any more. Instrument followed by
remove gives back the original bytes. Needs no index: it reads only the file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping, Sequence

import libcst as cst

from goalgen.codemods import registry
from goalgen.codemods.base import MARKER, Target
from goalgen.codemods.chunks import chunk_text, split_chunks
from goalgen.codemods.import_edits import remove_runtime_imports, used_names
from goalgen.codemods.import_style import DEFAULT_STYLE, ImportStyle
from goalgen.codemods.imports import cst_dotted_name
from goalgen.codemods.lines import split_lines
from goalgen.codemods.remove_calls import (
    CLIENT_ARGS,
    WRAPPERS,
    ArgStripper,
    edit_kind,
    is_marked,
    unmark,
)
from goalgen.codemods.runtime_aliases import aliases_in
from goalgen.codemods.scan import child_qualname


def _runtime_name(text: str, aliases: Mapping[str, str]) -> str:
    """The runtime name a callee spells: the one an alias of the tool's stands for, or its
    last part (``trace_span``, ``tracing.trace_span``)."""
    return aliases.get(text) or text.rpartition(".")[2]


def _span_of(
    call: cst.BaseExpression, name: str, aliases: Mapping[str, str]
) -> tuple[str, str] | None:
    """``(span literal, local name used)`` of ``name("span")`` (trace_span / TraceSpan under
    any spelling, or an alias of the tool's)."""
    if not isinstance(call, cst.Call):
        return None
    callee = cst_dotted_name(call.func) or ""
    if _runtime_name(callee, aliases) != name or not call.args:
        return None
    first = call.args[0].value
    span = first.evaluated_value if isinstance(first, cst.SimpleString) else ""
    return span, callee if callee in aliases else name


def _decorator_of(
    call: cst.BaseExpression, aliases: Mapping[str, str]
) -> tuple[tuple[str, str] | None, str | None]:
    """``((argument, local name), kind)`` of a tool decorator: ``trace_span("span")`` (its kind
    from the span name) or a kind's own (``trace_tool("name")``); ``(None, None)`` otherwise."""
    found = _span_of(call, "trace_span", aliases)
    if found is not None:
        return found, registry.span_kind(found[0])
    for name, kind in registry.decorators().items():
        found = _span_of(call, name, aliases)
        if found is not None:
            return found, kind
    return None, None


# A line holding only a client argument and the marker: some call's `)` has a line of its own.
_OWN_LINE_ARG = re.compile(
    rf"^[ \t]*(?:{'|'.join(CLIENT_ARGS)})[ \t]*=.*{re.escape(MARKER)}[ \t]*\r?$", re.MULTILINE
)


class Remover:
    """One pass over a module's statements; records a Target for every removal, in order."""

    def __init__(
        self, kinds: Collection[str] | None = None, aliases: Mapping[str, str] | None = None
    ) -> None:
        """``aliases``: the tool's aliases the file imports, alias -> runtime name."""
        self.aliases = dict(aliases or {})
        self.kinds = frozenset(registry.names() if kinds is None else kinds)
        # Unknown span prefixes (a marked span named by hand) go only when nothing is deselected.
        self.all_kinds = self.kinds >= set(registry.names())
        self.edit_kinds = {kind for kind, _ in registry.client_args().values()}
        self.edit_kinds.update(WRAPPERS.values())
        self.targets: list[Target] = []
        self.lines: list[int] = []  # per target: index of its marker among the file's markers
        self.marker = -1  # index of the last marked line met
        self.names: set[str] = set()  # local runtime names whose uses were removed
        self.scope: list[tuple[str, str]] = [("module", "")]  # (kind, qualname), innermost last
        self.own_lines = False  # see run()

    def _edit_kind(self, local: str) -> tuple[str, str]:
        """(kind, runtime function) of a call edit calling ``local``."""
        value_name = self.aliases.get(local, local)
        return edit_kind(value_name), value_name

    def _selected(self, kind: str | None) -> bool:
        return kind in self.kinds if kind is not None else self.all_kinds

    def _met_marker(self) -> None:
        self.marker += 1

    def _found(self, kind: str, name: str, span: str) -> None:
        self.targets.append(Target(kind, name, span, 0, "removed"))
        self.lines.append(self.marker)

    def run(self, module: cst.Module, own_lines: bool = False) -> cst.Module:
        """``own_lines``: the module may hold client arguments marked on lines of their own
        (see ``goalgen.codemods.apply.append_kwarg``), so statements without a marked line of their
        own are searched too."""
        self.own_lines = own_lines
        body = self._stmts(module.body)
        return module if body is None else module.with_changes(body=body)

    def _stmts(self, stmts: Sequence[cst.BaseStatement]) -> list | None:
        out: list[cst.BaseStatement] = []
        changed = False
        for stmt in stmts:
            new = self._stmt(stmt)
            if len(new) != 1 or new[0] is not stmt:
                changed = True
            out.extend(new)
        return out if changed else None

    def _qual(self, name: str = "") -> str:
        """Qualified name of ``name`` defined here, or of the current scope (as the scan names)."""
        kind, qualname = self.scope[-1]
        if name:
            return child_qualname(kind, qualname, name)
        return qualname or "<module>"

    def _stmt(self, stmt: cst.BaseStatement) -> list[cst.BaseStatement]:
        if isinstance(stmt, cst.FunctionDef):
            kept = []
            for dec in stmt.decorators:
                found, kind = _decorator_of(dec.decorator, self.aliases)
                if found is not None and is_marked(dec.trailing_whitespace):
                    span, local = found
                    self._met_marker()
                    if self._selected(kind):
                        self._found(kind or "", self._qual(stmt.name.value), span)
                        self.names.add(local)
                        continue
                kept.append(dec)
            if len(kept) != len(stmt.decorators):
                stmt = stmt.with_changes(decorators=kept)
            self.scope.append(("function", self._qual(stmt.name.value)))
            try:
                return [self._clause(stmt)]
            finally:
                self.scope.pop()
        if isinstance(stmt, cst.ClassDef):
            self.scope.append(("class", self._qual(stmt.name.value)))
            try:
                return [self._clause(stmt)]
            finally:
                self.scope.pop()
        if isinstance(stmt, cst.With) and isinstance(stmt.body, cst.IndentedBlock):
            found = _span_of(stmt.items[0].item, "TraceSpan", self.aliases)
            if found is not None and is_marked(stmt.body.header):
                span, local = found
                self._met_marker()
                kind = registry.span_kind(span)
                if not self._selected(kind):  # kept: only look inside
                    inner_new = self._stmts(stmt.body.body)
                    if inner_new is None:
                        return [stmt]
                    return [stmt.with_changes(body=stmt.body.with_changes(body=inner_new))]
                self._found(kind or "", self._qual(), span)
                self.names.add(local)
                inner = list(stmt.body.body)
                inner[0] = inner[0].with_changes(
                    leading_lines=[*stmt.leading_lines, *inner[0].leading_lines]
                )
                out: list[cst.BaseStatement] = []
                for child in inner:
                    out.extend(self._stmt(child))
                return out
        if isinstance(stmt, cst.SimpleStatementLine):
            marked = is_marked(stmt.trailing_whitespace)
            if not marked and not self.own_lines:
                return [stmt]
            inserted = self._inserted(stmt) if marked else None
            if inserted is not None:
                self._met_marker()
                kind, method, argument = inserted
                if kind not in self.kinds:
                    return [stmt]
                self._found(kind, method, "")
                self.names.add(argument)
                return []
            return [self._strip(stmt)]
        return [self._clause(stmt)]

    def _inserted(self, stmt: cst.SimpleStatementLine) -> tuple[str, str, str] | None:
        """(kind, method, argument) when ``stmt`` is a statement a kind inserts after a call,
        ``<owner>.<method>(<runtime name>)`` (e.g. ``app.add_middleware(TraceContextMiddleware)``)."""
        if len(stmt.body) != 1 or not isinstance(stmt.body[0], cst.Expr):
            return None
        call = stmt.body[0].value
        if not isinstance(call, cst.Call) or len(call.args) != 1:
            return None
        method = (cst_dotted_name(call.func) or "").rpartition(".")[2]
        argument = cst_dotted_name(call.args[0].value) or ""  # its local name
        kind = registry.statements().get((method, self.aliases.get(argument, argument)))
        return (kind, method, argument) if kind else None

    def _strip(self, node: cst.CSTNode) -> cst.CSTNode:
        """Undo the tool's call edits on a marked line (client arguments, callee wrappers) and
        unmark it once none is left, and drop client arguments on marked lines of their own
        inside it (looked for only when ``run`` was told so).

        ``node`` is a simple statement line or one clause of a compound statement (its header
        line, plus its body when that is a one-line suite sharing the line).
        """
        line = _line_of(node)
        marked = line is not None and is_marked(line[0])
        if line is None or not (marked or self.own_lines):
            return node
        fields = _HEADER_FIELDS.get(type(node), ())
        if isinstance(node, cst.SimpleStatementLine) or isinstance(
            getattr(node, "body", None), cst.SimpleStatementSuite
        ):
            fields = (*fields, "body")
        strip = bool(self.edit_kinds & self.kinds)
        stripper = ArgStripper(marked, strip, self._own_line, self.aliases, self._selected)
        changes = {}
        if self.own_lines or strip:
            for name in fields:
                value = getattr(node, name)
                changes[name] = (
                    [v.visit(stripper) for v in value]
                    if isinstance(value, Sequence)
                    else value.visit(stripper)
                )
        if marked:  # the statement's marker ends its last line: after those of the arguments
            self._met_marker()
        for local in stripper.removed:
            kind, value_name = self._edit_kind(local)
            self._found(kind, value_name, "")
            self.names.add(local)
        if not stripper.removed and not stripper.own_lines:
            return node
        node = node.with_changes(**changes)
        if not stripper.removed or stripper.kept:  # the line keeps an edit of the tool's
            return node
        ws, rebuild = _line_of(node)
        return rebuild(unmark(ws))

    def _own_line(self, local: str) -> None:
        self._met_marker()
        kind, value_name = self._edit_kind(local)
        if kind in self.kinds:
            self._found(kind, value_name, "")
            self.names.add(local)

    def _clause(self, node: cst.CSTNode) -> cst.CSTNode:
        """One clause: its own line, its indented body, then its else/except/finally/cases."""
        node = self._strip(node)
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            new = self._stmts(body.body)
            if new is not None:
                node = node.with_changes(body=body.with_changes(body=new))
        for name in ("handlers", "cases"):
            parts = getattr(node, name, None)
            if parts:
                new_parts = [self._clause(p) for p in parts]
                if any(a is not b for a, b in zip(new_parts, parts, strict=True)):
                    node = node.with_changes(**{name: new_parts})
        for name in ("orelse", "finalbody"):
            part = getattr(node, name, None)
            if isinstance(part, cst.If | cst.Else | cst.Finally):
                new_part = self._clause(part)
                if new_part is not part:
                    node = node.with_changes(**{name: new_part})
        return node


_HEADER_FIELDS: dict[type, tuple[str, ...]] = {
    cst.If: ("test",), cst.While: ("test",), cst.For: ("target", "iter"), cst.With: ("items",),
    cst.Match: ("subject",),
}  # fmt: skip


def _line_of(node: cst.CSTNode):
    """(trailing whitespace of the line ``node`` ends its own part on, rebuild-with-new-ws)."""
    if isinstance(node, cst.SimpleStatementLine):
        return node.trailing_whitespace, lambda ws: node.with_changes(trailing_whitespace=ws)
    if isinstance(node, cst.Match):
        return node.whitespace_after_colon, lambda ws: node.with_changes(whitespace_after_colon=ws)
    body = getattr(node, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return body.header, lambda ws: node.with_changes(body=body.with_changes(header=ws))
    if isinstance(body, cst.SimpleStatementSuite):
        return body.trailing_whitespace, lambda ws: node.with_changes(
            body=body.with_changes(trailing_whitespace=ws)
        )
    return None


def marker_lines(code: str) -> list[int]:
    """1-based lines ending with the marker, in order (the lines of removed targets), numbered
    as ``ast`` numbers them."""
    lines = enumerate(split_lines(code), 1)
    return [i for i, line in lines if line.rstrip().endswith(MARKER)]


def remove_tracing(
    source: str,
    tree: ast.Module,
    kinds: Collection[str] | None = None,
    import_style: ImportStyle = DEFAULT_STYLE,
) -> tuple[str, list[Target]]:
    """Strip the marked insertions of ``kinds`` from ``source`` (parsed by ``ast`` as ``tree``),
    and the runtime imports they no longer need, as added under ``import_style``.

    Only the top-level chunks whose text holds the marker are parsed with LibCST.
    """
    chunks = split_chunks(source, tree)
    texts = [chunk.text for chunk in chunks]
    remover = Remover(kinds, aliases_in(tree))
    for i, chunk in enumerate(chunks):
        if MARKER in chunk.text:
            module = cst.parse_module(chunk.text)
            new = remover.run(module, own_lines=_OWN_LINE_ARG.search(chunk.text) is not None)
            if new is not module:
                texts[i] = chunk_text(new)
    if not remover.targets:
        return source, []
    new_source = "".join(texts)
    unused = {name for name in remover.names if name not in used_names(new_source)}
    if unused:
        first = remove_runtime_imports(cst.parse_module(texts[0]), unused, import_style)
        texts[0] = chunk_text(first)
        new_source = "".join(texts)
    lines = marker_lines(source)
    targets = [
        Target(t.kind, t.name, t.span, lines[i] if 0 <= i < len(lines) else 0, t.action)
        for i, t in zip(remover.lines, remover.targets, strict=True)
    ]
    return new_source, targets
