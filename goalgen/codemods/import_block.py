"""The leading import block of a module as an editable list, and where a new import line goes.

A new line goes where isort (ruff's ``I`` rules, or isort) puts it under the project's settings
(:class:`~goalgen.codemods.import_style.ImportStyle`), in one of a few layouts that removing the line
undoes exactly, blank lines included (:meth:`Edit.delete`). ``goalgen.codemods.import_edits`` decides
which runtime names to add or drop; this module only places and removes lines.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Sequence

import libcst as cst

from goalgen.codemods.chunks import is_docstring
from goalgen.codemods.import_style import (
    ImportStyle,
    import_section,
    member_key,
    natural,
    order_key,
)
from goalgen.codemods.imports import cst_dotted_name

# The inserted ``from frmk.utils.tracing import ...`` lines go where isort (ruff's ``I`` rules,
# with the project's settings) would put them, so an instrumented project that passed
# ``ruff check`` still does, and ``--remove`` must give back the original bytes with nothing but
# the file and the same settings to go on. Every insertion is therefore one of a few layouts
# that removal recognises:
#
# - into an existing section, before the first statement of that section sorting after it, or
#   after the section's last statement; as the section's new first line it takes over the
#   leading lines of the statement it goes before (the section's separator and header comments),
#   else it has none;
# - a new section (no import of its kind yet), before the first import of a later section: the
#   new line takes that import's leading blank lines and one fresh blank line goes between
#   (unless the earlier sections run straight into the later one: then it is a plain line);
#   after the whole block: one fresh blank line goes before it;
# - no import at all: right after the docstring, the blank lines under the docstring shared out
#   so the code below keeps the one or two isort wants (when there are that many); with an
#   explicit ``lines_after_imports`` the blank lines stay above it and that many fresh ones go
#   below, so the code is always as far down as the setting says; or at the top, under header
#   comments, with the wanted number of fresh blank lines between it and the code.
#
# Removal of a whole line reverses those: the line's leading lines go to the next statement, and
# the fresh blank lines are dropped. ``force_single_line`` adds one line per name, never joining
# an existing import, so removal needs nothing more; the sort settings only move the line.


def top_block(module: cst.Module) -> tuple[int, int]:
    """(first, end) statement indexes of the leading import block (after a docstring)."""
    body = module.body
    first = 1 if body and is_docstring(body[0]) else 0
    end = first
    while end < len(body):
        stmt = body[end]
        if isinstance(stmt, cst.SimpleStatementLine) and isinstance(
            stmt.body[0], cst.Import | cst.ImportFrom
        ):
            end += 1
        else:
            break
    return first, end


def single_import(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    """The import a line holds when it holds just that one statement."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        node = stmt.body[0]
        if isinstance(node, cst.Import | cst.ImportFrom):
            return node
    return None


def module_of(node: cst.ImportFrom) -> str:
    """The dotted module ``from <module> import ...`` names ("" for ``from . import``)."""
    if node.module is None:
        return ""
    return cst_dotted_name(node.module) or ""


def sort_key(
    node: cst.Import | cst.ImportFrom, first_party, style: ImportStyle
) -> tuple[int, tuple]:
    """(section, key) of a statement, the key ordering it within its section as isort does:
    ``import x`` lines first, then ``from x import y`` lines, each by module name (with
    ``force_sort_within_sections``: by module name only, ``import x`` first at a tie)."""
    if isinstance(node, cst.Import):
        name = cst_dotted_name(node.names[0].name) or ""
        return import_section(name, 0, first_party, style), order_key(style, False, name, ())
    module = module_of(node)
    names = node.names
    first: tuple = ()
    if not isinstance(names, cst.ImportStar):
        asname = names[0].asname  # `from m import a` sorts before `from m import a as b`
        alias = () if asname is None else (natural(cst_dotted_name(asname.name) or ""),)
        first = (*member_key(names[0].name.value), alias)
    return (
        import_section(module, len(node.relative), first_party, style),
        order_key(style, True, module, first),
    )


def _is_blank(line: cst.EmptyLine) -> bool:
    return line.comment is None


def lines_before(stmt: cst.CSTNode | ast.AST) -> int:
    """Blank lines isort wants between the imports and ``stmt``: two above a def or class."""
    defs = (cst.FunctionDef, cst.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return 2 if isinstance(stmt, defs) else 1


def _blank_run(lines: Sequence[cst.EmptyLine]) -> int:
    """How many blank lines ``lines`` starts with."""
    n = 0
    while n < len(lines) and _is_blank(lines[n]):
        n += 1
    return n


class Edit:
    """The module's statements and footer, edited in place, with the leading block's bounds."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.body = list(module.body)
        self.footer = list(module.footer)
        self.first, self.end = top_block(module)

    def leading(self, i: int) -> list[cst.EmptyLine]:
        """Lines before statement ``i`` (the footer for one past the last)."""
        return list(self.body[i].leading_lines) if i < len(self.body) else list(self.footer)

    def set_leading(self, i: int, lines: Sequence[cst.EmptyLine]) -> None:
        if i < len(self.body):
            self.body[i] = self.body[i].with_changes(leading_lines=list(lines))
        else:
            self.footer = list(lines)

    def insert(self, i: int, stmt: cst.SimpleStatementLine, lead: Sequence[cst.EmptyLine]):
        self.body.insert(i, stmt.with_changes(leading_lines=list(lead)))
        self.end += 1

    def delete(self, i: int, fresh_below: bool) -> None:
        """Delete statement ``i`` of the block, undoing the blank lines its insertion made.

        ``fresh_below``: an only import under a docstring has fresh blank lines below it (set
        ``lines_after_imports``), not the docstring's shared out."""
        lead = list(self.body[i].leading_lines)
        after = self.leading(i + 1)
        prev_import = i > self.first
        after_blank = bool(after) and _is_blank(after[0])
        lead_blank = bool(lead) and _is_blank(lead[-1])
        if i + 1 < self.end:  # an import follows: was this a new section before it?
            if after_blank and (lead_blank or not prev_import):
                after = after[1:]  # the blank line that separated it
        elif prev_import:  # the block's last line: was it a new last section?
            if lead_blank:
                lead = lead[:-1]  # the blank line that separated it
        elif not self.first or fresh_below:  # the only import: the blank lines under it are ours
            after = after[_blank_run(after) :]
        # the only import under a docstring: the blank lines were only shared out
        del self.body[i]
        self.end -= 1
        self.set_leading(i, [*lead, *after])

    def result(self) -> cst.Module:
        return self.module.with_changes(body=self.body, footer=self.footer)


def _insert_only_import(
    edit: Edit, stmt: cst.SimpleStatementLine, style: ImportStyle, follows: ast.stmt | None
) -> None:
    """Put ``stmt`` in a module without imports (see the layouts above)."""
    first = edit.first
    if follows is None and first < len(edit.body):
        follows = edit.body[first]
    lines_after = style.lines_after_imports
    if follows is None:
        lines_after = 0
    elif lines_after is None:
        lines_after = lines_before(follows)
    fresh = [cst.EmptyLine()] * lines_after
    after = edit.leading(first)
    run = _blank_run(after)
    if first and style.lines_after_imports is not None:  # docstring's blank lines stay above
        edit.set_leading(first, [*fresh, *after[run:]])
        edit.insert(first, stmt, after[:run])
    elif first:  # under the docstring; of the blank lines there, the right number go below
        keep = max(run - lines_after, 0)
        edit.set_leading(first, after[keep:])
        edit.insert(first, stmt, after[:keep])
    else:  # at the top, under header comments (LibCST keeps them apart from the body)
        edit.set_leading(first, [*fresh, *after])
        edit.insert(first, stmt, ())


def insert_statement(
    edit: Edit,
    stmt: cst.SimpleStatementLine,
    first_party: Collection[str] | None,
    style: ImportStyle,
    follows: ast.stmt | None,
) -> None:
    """Put a new import line where isort would (see the layouts above); ``follows``: the
    statement after the block when it is not in ``edit``."""
    first, end = edit.first, edit.end
    if first == end:
        _insert_only_import(edit, stmt, style, follows)
        return
    section, key = sort_key(stmt.body[0], first_party, style)
    fresh = cst.EmptyLine()
    entries = []
    for i in range(first, end):
        node = single_import(edit.body[i]) or edit.body[i].body[0]
        entries.append((i, *sort_key(node, first_party, style)))
    same = [(i, k) for i, s, k in entries if s == section]
    if same:
        successor = next((i for i, k in same if k > key), None)
        if successor is None:
            edit.insert(same[-1][0] + 1, stmt, ())
        elif successor == same[0][0]:  # first of the section: under its separator and comments
            edit.insert(successor, stmt, edit.leading(successor))
            edit.set_leading(successor + 1, ())
        else:  # comments stay with the statement they are written above
            edit.insert(successor, stmt, ())
        return
    later = next((i for i, s, _ in entries if s > section), None)
    if later is None:
        edit.insert(end, stmt, [fresh])
        return
    lines = edit.leading(later)
    run = _blank_run(lines)
    if not run and later > first:  # sections not separated here: a blank line could not be undone
        edit.insert(later, stmt, ())
        return
    edit.set_leading(later, [fresh, *lines[run:]])
    edit.insert(later, stmt, lines[:run])
