"""Carry a :class:`~goalgen.codemods.plan.Plan` out on a LibCST tree, touching nothing else.

The walk visits statements only (module, class and function bodies and the suites of compound
statements), naming functions exactly as :mod:`goalgen.codemods.scan` does, so it finds planned targets
without LibCST metadata. Expressions are visited only in scopes that have planned call edits.
Every inserted line ends with :data:`~goalgen.codemods.base.MARKER`; snippets are parsed with the
module's own config so indentation and line endings match the file. Runtime names are written
under the module's local names for them (``Plan.aliases``, see ``goalgen.codemods.runtime_aliases``).
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from goalgen.codemods.base import MARKER
from goalgen.codemods.chunks import is_docstring
from goalgen.codemods.imports import cst_dotted_name
from goalgen.codemods.plan import CallEdit, FuncEdit, Plan
from goalgen.codemods.scan import child_qualname


def quote(text: str) -> str:
    """``text`` as a double-quoted literal: backslashes, quotes and control characters escaped."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else repr(c)[1:-1] for c in body) + '"'


def mark(ws: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    """Append the marker comment to a line's trailing whitespace (once per line)."""
    if ws.comment is not None and ws.comment.value.endswith(MARKER):
        return ws
    if ws.comment is None:
        return ws.with_changes(
            whitespace=cst.SimpleWhitespace(ws.whitespace.value + "  "), comment=cst.Comment(MARKER)
        )
    return ws.with_changes(comment=cst.Comment(f"{ws.comment.value}  {MARKER}"))


def mark_statement(stmt: cst.CSTNode) -> cst.CSTNode:
    """Put the marker on the line that ends ``stmt`` (or its header, for compound ones)."""
    if isinstance(stmt, cst.SimpleStatementLine | cst.SimpleStatementSuite):
        return stmt.with_changes(trailing_whitespace=mark(stmt.trailing_whitespace))
    if isinstance(stmt, cst.Match):
        return stmt.with_changes(whitespace_after_colon=mark(stmt.whitespace_after_colon))
    body = stmt.body
    if isinstance(body, cst.IndentedBlock):
        return stmt.with_changes(body=body.with_changes(header=mark(body.header)))
    return stmt.with_changes(
        body=body.with_changes(trailing_whitespace=mark(body.trailing_whitespace))
    )


def append_kwarg(
    call: cst.Call, keyword: str, value: cst.BaseExpression, indent: str
) -> tuple[cst.Call, bool]:
    """``f(a)`` -> ``f(a, keyword=value)``, following the call's layout.

    Returns the new call and whether the marker went on the new argument's own line. When the
    closing ``)`` has a line of its own, so does the new argument, ending with the marker: it is
    indented like the line the last argument starts on (or one ``indent`` deeper than the ``)``
    when every argument is on the ``(`` line), and it ends with a comma when the call had a
    trailing one; without one, the last argument gets the comma. Otherwise the argument joins
    the last line and the caller marks the line that ends the statement.
    """
    new = cst.Arg(value=value, keyword=cst.Name(keyword), equal=cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    ))  # fmt: skip
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new]), False
    last = args[-1]
    trailing = isinstance(last.comma, cst.Comma)
    closing = last.comma.whitespace_after if trailing else last.whitespace_after_arg
    if isinstance(closing, cst.ParenthesizedWhitespace):
        # `last,  # comment` and any lines before `)` stay after the last argument; the new
        # line starts like the last argument's and ends with the marker; `)` keeps its indent.
        between = cst.Comma(
            whitespace_before=last.comma.whitespace_before if trailing else _NO_SPACE,
            whitespace_after=closing.with_changes(**_new_line_indent(call, closing, indent)),
        )
        end = closing.with_changes(
            first_line=mark(cst.TrailingWhitespace(newline=closing.first_line.newline)),
            empty_lines=(),
        )
        if trailing:
            args[-1] = last.with_changes(comma=between)
            args.append(new.with_changes(comma=cst.Comma(_NO_SPACE, end)))
        else:
            args[-1] = last.with_changes(comma=between, whitespace_after_arg=_NO_SPACE)
            args.append(new.with_changes(whitespace_after_arg=end))
        return call.with_changes(args=args), True
    if trailing:  # trailing comma: the new arg takes over its layout
        between = args[-2].comma if len(args) > 1 else None
        if not isinstance(between, cst.Comma):
            between = cst.Comma(whitespace_after=call.whitespace_before_args)
        args[-1] = last.with_changes(comma=between)
        args.append(new.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(new)
    return call.with_changes(args=args), False


def _new_line_indent(
    call: cst.Call, closing: cst.ParenthesizedWhitespace, indent: str
) -> dict[str, object]:
    """``indent``/``last_line`` for a new argument line: those of the last line break before the
    last argument, else one ``indent`` deeper than the closing ``)``."""
    breaks = [call.whitespace_before_args, *(a.comma.whitespace_after for a in call.args[:-1])]
    for ws in reversed(breaks):
        if isinstance(ws, cst.ParenthesizedWhitespace):
            return {"indent": ws.indent, "last_line": ws.last_line}
    return {
        "indent": closing.indent,
        "last_line": cst.SimpleWhitespace(closing.last_line.value + indent),
    }


_NO_SPACE = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")
# Edits made inside the call expression itself (the others act on its statement).
_EXPRESSION_EDITS = ("kwarg", "callee")


def wrap_callee(call: cst.Call, wrapper: str) -> cst.Call:
    """``X(args)`` -> ``wrapper(X)(args)``: everything of ``X`` and of the call is kept as it is,
    so ``goalgen.codemods.remove`` gives ``X`` back byte for byte. The caller marks the statement."""
    return call.with_changes(func=cst.Call(cst.Name(wrapper), [cst.Arg(call.func)]))


class _CallEditor(cst.CSTTransformer):
    """Apply kwarg and callee edits to the planned calls of one statement; report wraps and
    inserts."""

    def __init__(self, edits: dict[tuple[str, int], CallEdit], counts: dict[str, int], applier):
        self.edits = edits
        self.counts = counts
        self.applier = applier
        self.hits: dict[int, CallEdit] = {}
        self.triggered: list[CallEdit] = []
        self.mark_line = False  # an edit wants the marker on the statement's line

    def visit_Call(self, node: cst.Call) -> None:
        text = cst_dotted_name(node.func)
        if text is None:
            return
        ordinal = self.counts.get(text, 0)
        self.counts[text] = ordinal + 1
        edit = self.edits.get((text, ordinal))
        if edit is not None:
            self.hits[id(node)] = edit
            self.triggered.append(edit)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        edit = self.hits.get(id(original))
        if edit is None or edit.action not in _EXPRESSION_EDITS:
            return updated
        self.applier.needed.add(edit.value)
        if edit.action == "callee":
            self.mark_line = True
            return wrap_callee(updated, self.applier.local(edit.value))
        value = cst.parse_expression(f"{self.applier.local(edit.value)}()", self.applier.config)
        call, own_line = append_kwarg(updated, edit.keyword, value, self.applier.indent)
        self.mark_line |= not own_line
        return call


_HEADER_FIELDS: dict[type, tuple[str, ...]] = {
    cst.If: ("test",),
    cst.While: ("test",),
    cst.For: ("target", "iter"),
    cst.With: ("items",),
    cst.Match: ("subject",),
}


class Applier:
    """One pass over a module's statements; see the module docstring."""

    def __init__(
        self,
        plan: Plan,
        module: cst.Module,
        seen: dict[str, int] | None = None,
        counts: dict[str, dict[str, int]] | None = None,
    ) -> None:
        """``seen``/``counts``: names and module-level calls met before ``module``, when it is
        a chunk of a file (see codemods.chunks), so keys and ordinals match the scan's."""
        self.plan = plan
        self.config = module.config_for_parsing
        self.nl = module.default_newline
        self.indent = module.default_indent
        self.seen: dict[str, int] = dict(seen or {})
        self.counts: dict[str, dict[str, int]] = {k: dict(v) for k, v in (counts or {}).items()}
        self.needed: set[str] = set()  # runtime names the inserted code uses
        self.aliases = plan.aliases
        self._templates: dict[str, cst.CSTNode] = {}

    def local(self, name: str) -> str:
        """The name runtime ``name`` is written under in this module."""
        return self.aliases.get(name, name)

    def _template(self, name: str) -> cst.CSTNode:
        """``@name(_)`` (a decorator) or, for ``TraceSpan``, ``with TraceSpan(_):``; parsed once
        per module (parsing a snippet costs far more than copying one)."""
        node = self._templates.get(name)
        if node is None:
            nl, indent = self.nl, self.indent
            if name != "TraceSpan":
                text = f"@{self.local(name)}(_)  {MARKER}{nl}def _():{nl}{indent}pass{nl}"
                node = cst.parse_statement(text, config=self.config).decorators[0]
            else:
                text = f"with {self.local('TraceSpan')}(_):  {MARKER}{nl}{indent}pass{nl}"
                node = cst.parse_statement(text, config=self.config)
            self._templates[name] = node
        return node

    @staticmethod
    def _with_span(call: cst.Call, span: str, metadata: tuple[tuple[str, str], ...]) -> cst.Call:
        """``call`` (a template) naming ``span``, with ``keyword="text"`` metadata after it."""
        args = [call.args[0].with_changes(value=cst.SimpleString(quote(span)))]
        for keyword, text in metadata:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=_SPACE))
            equal = cst.AssignEqual(whitespace_before=_NO_SPACE, whitespace_after=_NO_SPACE)
            value = cst.SimpleString(quote(text))
            args.append(cst.Arg(value, keyword=cst.Name(keyword), equal=equal))
        return call.with_changes(args=args)

    def run(self, module: cst.Module) -> cst.Module:
        body = self._stmts(module.body, ("", "module", ""))
        return module if body is None else module.with_changes(body=body)

    # -- naming (mirrors codemods.scan) ----------------------------------------------------
    def _child(self, scope: tuple[str, str, str], name: str, kind: str) -> tuple[str, str, str]:
        _, scope_kind, qualname = scope
        child = child_qualname(scope_kind, qualname, name)
        n = self.seen.get(child, 0)
        self.seen[child] = n + 1
        return (f"{child}#{n}", kind, child)

    # -- statements --------------------------------------------------------------------
    def _stmts(self, stmts: Sequence[cst.BaseStatement], scope) -> list | None:
        """New statement list, or None when nothing changed."""
        out: list[cst.BaseStatement] = []
        changed = False
        for stmt in stmts:
            new = self._stmt(stmt, scope)
            if len(new) != 1 or new[0] is not stmt:
                changed = True
            out.extend(new)
        return out if changed else None

    def _stmt(self, stmt: cst.BaseStatement, scope) -> list[cst.BaseStatement]:
        if isinstance(stmt, cst.FunctionDef):
            inner = self._child(scope, stmt.name.value, "function")
            node = self._with_suite(stmt, "body", inner)
            edit = self.plan.funcs.get(inner[0])
            return [self._trace(node, edit) if edit else node]
        if isinstance(stmt, cst.ClassDef):
            inner = self._child(scope, stmt.name.value, "class")
            return [self._with_suite(stmt, "body", inner)]
        edits = self.plan.calls.get(scope[0])
        if isinstance(stmt, cst.SimpleStatementLine):
            return self._simple(stmt, scope, edits) if edits else [stmt]
        node: cst.CSTNode = stmt
        mark_line = False
        wrap: CallEdit | None = None
        if edits:
            for name in _HEADER_FIELDS.get(type(stmt), ()):
                value = getattr(node, name)
                editor = _CallEditor(edits, self.counts.setdefault(scope[0], {}), self)
                new_value = (
                    [v.visit(editor) for v in value]
                    if isinstance(value, Sequence)
                    else value.visit(editor)
                )
                if editor.hits:
                    node = node.with_changes(**{name: new_value})
                    mark_line |= editor.mark_line
                wrap = wrap or next((e for e in editor.triggered if e.action == "wrap"), None)
        node = self._suites(node, scope)
        if mark_line:
            node = mark_statement(node)
        if wrap is not None:  # a loop over a call that is traced: the loop goes in the block
            return [self._wrap([node], wrap.span, wrap.metadata)]
        return [node]

    def _suites(self, node: cst.CSTNode, scope) -> cst.CSTNode:
        """Recurse into every suite of a compound statement, in source order."""
        if hasattr(node, "body") and isinstance(node.body, cst.BaseSuite):
            node = self._with_suite(node, "body", scope)
        if isinstance(node, cst.Match):
            cases = [self._with_suite(case, "body", scope) for case in node.cases]
            if any(a is not b for a, b in zip(cases, node.cases, strict=True)):
                node = node.with_changes(cases=cases)
        if isinstance(node, cst.Try | cst.TryStar):
            handlers = [self._with_suite(h, "body", scope) for h in node.handlers]
            if any(a is not b for a, b in zip(handlers, node.handlers, strict=True)):
                node = node.with_changes(handlers=handlers)
        orelse = getattr(node, "orelse", None)
        if isinstance(orelse, cst.If):
            new = self._stmt(orelse, scope)[0]
            if new is not orelse:
                node = node.with_changes(orelse=new)
        elif isinstance(orelse, cst.Else):
            new = self._with_suite(orelse, "body", scope)
            if new is not orelse:
                node = node.with_changes(orelse=new)
        final = getattr(node, "finalbody", None)
        if isinstance(final, cst.Finally):
            new = self._with_suite(final, "body", scope)
            if new is not final:
                node = node.with_changes(finalbody=new)
        return node

    def _with_suite(self, node, field: str, scope):
        suite = getattr(node, field)
        if isinstance(suite, cst.IndentedBlock):
            body = self._stmts(suite.body, scope)
            if body is None:
                return node
            return node.with_changes(**{field: suite.with_changes(body=body)})
        edits = self.plan.calls.get(scope[0])
        if not edits:  # a one-line suite `if x: y()`: only call expressions can change here
            return node
        editor = _CallEditor(edits, self.counts.setdefault(scope[0], {}), self)
        new_suite = suite.visit(editor)
        if not any(e.action in _EXPRESSION_EDITS for e in editor.triggered):
            return node
        if editor.mark_line:
            new_suite = mark_statement(new_suite)
        return node.with_changes(**{field: new_suite})

    def _simple(self, stmt: cst.SimpleStatementLine, scope, edits) -> list[cst.BaseStatement]:
        editor = _CallEditor(edits, self.counts.setdefault(scope[0], {}), self)
        new = stmt.visit(editor)
        if not editor.triggered:
            return [stmt]
        if editor.mark_line:
            new = mark_statement(new)
        out: list[cst.BaseStatement] = [new]
        wrapped = False
        for edit in editor.triggered:
            if edit.action == "wrap" and not wrapped:  # one span per statement, however many calls
                out = [self._wrap(out, edit.span, edit.metadata)]
                wrapped = True
            elif edit.action == "after":
                self.needed.add(edit.value)
                text = f"{edit.statement}({self.local(edit.value)})  {MARKER}{self.nl}"
                out.append(cst.parse_statement(text, config=self.config))
        return out

    # -- tracing a function --------------------------------------------------------------
    def _wrap(
        self, stmts: list[cst.BaseStatement], span: str, metadata: tuple[tuple[str, str], ...] = ()
    ) -> cst.With:
        """``with TraceSpan(span):  # marker`` around ``stmts``; their leading lines go first."""
        self.needed.add("TraceSpan")
        with_node = self._template("TraceSpan")
        item = with_node.items[0]
        with_node = with_node.with_changes(
            items=[item.with_changes(item=self._with_span(item.item, span, metadata))]
        )
        first = stmts[0]
        stmts = [first.with_changes(leading_lines=()), *stmts[1:]]
        return with_node.with_changes(
            leading_lines=first.leading_lines, body=with_node.body.with_changes(body=stmts)
        )

    def _trace(self, func: cst.FunctionDef, edit: FuncEdit) -> cst.FunctionDef:
        body = func.body
        if edit.block and isinstance(body, cst.IndentedBlock):
            stmts = list(body.body)
            doc = stmts[:1] if stmts and is_docstring(stmts[0]) else []
            rest = stmts[len(doc) :]
            if rest:
                with_node = self._wrap(rest, edit.span, edit.metadata)
                # The body keeps its own first leading lines (comments right under the def).
                with_node = with_node.with_changes(leading_lines=())
                inner = list(with_node.body.body)
                inner[0] = inner[0].with_changes(leading_lines=rest[0].leading_lines)
                with_node = with_node.with_changes(body=with_node.body.with_changes(body=inner))
                return func.with_changes(body=body.with_changes(body=[*doc, with_node]))
        self.needed.add(edit.decorator)
        decorator = self._template(edit.decorator)
        decorator = decorator.with_changes(
            decorator=self._with_span(decorator.decorator, edit.span, edit.metadata)
        )
        return func.with_changes(decorators=[*func.decorators, decorator])
