"""Undo the tool's edits inside call expressions, for ``goalgen.codemods.remove``: the client
arguments the kinds append (``goalgen.codemods.apply.append_kwarg``) and the wrappers they put around
callees (``goalgen.codemods.apply.wrap_callee``), each found by the marker on its line.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from goalgen.codemods import registry
from goalgen.codemods.base import MARKER
from goalgen.codemods.imports import cst_dotted_name

# Arguments the kinds append to calls: keyword -> runtime function (e.g. event_hooks, http).
CLIENT_ARGS = {keyword: fn for keyword, (_, fn) in registry.client_args().items()}
# Functions the kinds wrap callees in: runtime name -> kind (e.g. trace_llm, llm).
WRAPPERS = registry.wrappers()


def is_marked(ws: cst.TrailingWhitespace) -> bool:
    return ws.comment is not None and (
        ws.comment.value == MARKER or ws.comment.value.endswith("  " + MARKER)
    )


def unmark(ws: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    text = ws.comment.value
    if text == MARKER:
        spaces = ws.whitespace.value
        return ws.with_changes(whitespace=cst.SimpleWhitespace(spaces[:-2]), comment=None)
    return ws.with_changes(comment=cst.Comment(text[: -len(MARKER) - 2]))


class ArgStripper(cst.CSTTransformer):
    """Undo the tool's call edits in one statement: drop its client argument (always the last
    one) and unwrap its callee wrappers (``trace_llm(X)(args)`` -> ``X(args)``).

    An argument on a line of its own (the call's ``)`` has its own line) is the tool's when
    that line carries the marker; any other edit is the tool's when the statement's line does
    (``line_marked``). ``on_own_line(local)`` is called for each marked argument line, in
    source order (its argument is dropped only with ``strip``); ``local`` is the name the edit
    calls (the runtime function, or the tool's alias of it in ``aliases``). Only edits of kinds
    ``selected`` accepts go; ``kept`` counts the others met under the statement's marker.
    """

    def __init__(self, line_marked: bool, strip: bool, on_own_line, aliases, selected) -> None:
        self.line_marked = line_marked
        self.strip = strip
        self.on_own_line = on_own_line
        self.aliases = aliases
        self.selected = selected
        self.removed: list[str] = []  # local names called by edits undone under the
        # statement's marker
        self.kept = 0
        self.own_lines = 0  # arguments taken off their own marked line

    def _takes(self, local: str) -> bool:
        """Should an edit calling ``local``, under the statement's marker, go?"""
        if not self.line_marked:
            return False
        if self.strip and self.selected(edit_kind(self.aliases.get(local, local))):
            self.removed.append(local)
            return True
        self.kept += 1
        return False

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        inner = _wrapped_callee(updated.func, self.aliases)
        if inner is not None and self._takes(inner[0]):
            updated = updated.with_changes(func=inner[1])
        args = list(updated.args)
        if not args or args[-1].keyword is None:
            return updated
        last = args[-1]
        value_name = CLIENT_ARGS.get(last.keyword.value)
        if not (value_name and isinstance(last.value, cst.Call) and not last.value.args):
            return updated
        local = cst_dotted_name(last.value.func) or ""
        if self.aliases.get(local, local) != value_name:
            return updated
        trailing = isinstance(last.comma, cst.Comma)
        end = last.comma.whitespace_after if trailing else last.whitespace_after_arg
        if isinstance(end, cst.ParenthesizedWhitespace) and is_marked(end.first_line):
            self.on_own_line(local)  # on a line of its own, marked there
            if not (self.strip and self.selected(edit_kind(value_name))):
                return updated
            self.own_lines += 1
            return updated.with_changes(args=_without_own_line_arg(args, end))
        if not self._takes(local):
            return updated
        if len(args) == 1:
            return updated.with_changes(args=[])
        args[-2] = args[-2].with_changes(comma=last.comma)
        return updated.with_changes(args=args[:-1])


def _wrapped_callee(
    func: cst.BaseExpression, aliases: Mapping[str, str]
) -> tuple[str, cst.BaseExpression] | None:
    """``(local name, X)`` when ``func`` is ``wrapper(X)``, a callee wrapper of a kind
    (``goalgen.codemods.apply.wrap_callee``) around a dotted name, else None."""
    if not isinstance(func, cst.Call) or func.lpar or len(func.args) != 1:
        return None
    arg = func.args[0]
    local = cst_dotted_name(func.func) or ""
    if arg.keyword is not None or arg.star or cst_dotted_name(arg.value) is None:
        return None
    return (local, arg.value) if aliases.get(local, local) in WRAPPERS else None


def edit_kind(runtime: str) -> str:
    """The kind of a call edit calling ``runtime`` (a client argument's function or a wrapper)."""
    if runtime in WRAPPERS:
        return WRAPPERS[runtime]
    return next(k for k, fn in registry.client_args().values() if fn == runtime)


def _without_own_line_arg(args: list[cst.Arg], end: cst.ParenthesizedWhitespace) -> list[cst.Arg]:
    """Undo ``goalgen.codemods.apply.append_kwarg`` for an argument it put on a line of its own."""
    last, prev = args[-1], args[-2] if len(args) > 1 else None
    if prev is None:
        return []
    between = prev.comma.whitespace_after if isinstance(prev.comma, cst.Comma) else None
    if not isinstance(between, cst.ParenthesizedWhitespace):  # reformatted: drop it plainly
        args[-2] = prev.with_changes(
            comma=last.comma, whitespace_after_arg=last.whitespace_after_arg
        )
        return args[:-1]
    closing = between.with_changes(indent=end.indent, last_line=end.last_line)
    if isinstance(last.comma, cst.Comma):
        args[-2] = prev.with_changes(comma=prev.comma.with_changes(whitespace_after=closing))
    else:
        args[-2] = prev.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=closing)
    return args[:-1]
