"""Adding and removing the runtime imports, on the leading import block only.

No LibCST visitor runs: the runtime import goes where isort (ruff's ``I`` rules, or isort) wants
it under the project's settings (:class:`~codemods.import_style.ImportStyle`): by default in
the third-party section, or in a new one between the standard library and the project's own
modules, and ``--remove`` undoes exactly that, blank lines included::

    import os                                   import os

    import httpx                       ->       import httpx
                                                from frmk.utils.tracing import trace_span
    from app.models import User
                                                from app.models import User
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterable, Mapping, Sequence

import libcst as cst

from codemods.chunks import is_docstring
from codemods.import_style import (
    DEFAULT_STYLE,
    ImportStyle,
    import_section,
    member_key,
    name_key,
    natural,
    order_key,
)
from codemods.imports import cst_dotted_name
from codemods.registry import runtime_names
from codemods.runtime_aliases import is_alias
from codemods.syntax import parse

# -- runtime import edits -----------------------------------------------------------------
#
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


def _top_block(module: cst.Module) -> tuple[int, int]:
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


def _single_import(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    """The import a line holds when it holds just that one statement."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        node = stmt.body[0]
        if isinstance(node, cst.Import | cst.ImportFrom):
            return node
    return None


def _from_module(node: cst.ImportFrom) -> str:
    if node.module is None:
        return ""
    return cst_dotted_name(node.module) or ""


def _runtime_from(stmt: cst.BaseStatement) -> tuple[cst.ImportFrom, str] | None:
    """``(node, module)`` for a one-statement line ``from <runtime module> import ...``."""
    node = _single_import(stmt)
    if not isinstance(node, cst.ImportFrom) or node.relative:
        return None
    module = _from_module(node)
    return (node, module) if module in set(runtime_names().values()) else None


def _sort_key(
    node: cst.Import | cst.ImportFrom, first_party, style: ImportStyle
) -> tuple[int, tuple]:
    """(section, key) of a statement, the key ordering it within its section as isort does:
    ``import x`` lines first, then ``from x import y`` lines, each by module name (with
    ``force_sort_within_sections``: by module name only, ``import x`` first at a tie)."""
    if isinstance(node, cst.Import):
        name = cst_dotted_name(node.names[0].name) or ""
        return import_section(name, 0, first_party, style), order_key(style, False, name, ())
    module = _from_module(node)
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


def _lines_before(stmt: cst.CSTNode | ast.AST) -> int:
    """Blank lines isort wants between the imports and ``stmt``: two above a def or class."""
    defs = (cst.FunctionDef, cst.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return 2 if isinstance(stmt, defs) else 1


def _blank_run(lines: Sequence[cst.EmptyLine]) -> int:
    """How many blank lines ``lines`` starts with."""
    n = 0
    while n < len(lines) and _is_blank(lines[n]):
        n += 1
    return n


class _Edit:
    """The module's statements and footer, edited in place, with the leading block's bounds."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.body = list(module.body)
        self.footer = list(module.footer)
        self.first, self.end = _top_block(module)

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


def _separator(node: cst.ImportFrom) -> cst.Comma:
    """A comma between two names of ``node``, in its layout (one per line, or ``a, b``)."""
    ws = node.lpar.whitespace_after if node.lpar is not None else None
    if isinstance(ws, cst.ParenthesizedWhitespace):
        return cst.Comma(
            whitespace_before=cst.SimpleWhitespace(""),
            whitespace_after=cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), indent=ws.indent, last_line=ws.last_line
            ),
        )
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _add_name(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``node`` with ``name`` among its names at its sorted place (see :func:`_drop_name`)."""
    names = list(node.names)
    key = member_key(name)
    j = next((k for k, alias in enumerate(names) if member_key(alias.name.value) > key), None)
    new = cst.ImportAlias(name=cst.Name(name))
    if j is None:  # last: it takes over the old last name's comma (trailing or none)
        new = new.with_changes(comma=names[-1].comma)
        names[-1] = names[-1].with_changes(comma=_separator(node))
        names.append(new)
    else:
        names.insert(j, new.with_changes(comma=_separator(node)))
    return node.with_changes(names=names)


def _drop_name(node: cst.ImportFrom, j: int) -> cst.ImportFrom:
    """``node`` without its ``j``-th name: the exact inverse of :func:`_add_name`."""
    names = list(node.names)
    if j == len(names) - 1:
        names[-2] = names[-2].with_changes(comma=names[-1].comma)
    del names[j]
    return node.with_changes(names=names)


def _insert_only_import(
    edit: _Edit, stmt: cst.SimpleStatementLine, style: ImportStyle, follows: ast.stmt | None
) -> None:
    """Put ``stmt`` in a module without imports (see the layouts above)."""
    first = edit.first
    if follows is None and first < len(edit.body):
        follows = edit.body[first]
    lines_after = style.lines_after_imports
    if follows is None:
        lines_after = 0
    elif lines_after is None:
        lines_after = _lines_before(follows)
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


def _mergeable(edit: _Edit, from_module: str) -> int | None:
    """Index of a ``from <from_module> import a, b`` line (no star, no alias) to join."""
    for i in range(edit.first, edit.end):
        found = _runtime_from(edit.body[i])
        if (
            found is not None
            and found[1] == from_module
            and not isinstance(found[0].names, cst.ImportStar)
            and all(alias.asname is None for alias in found[0].names)
        ):
            return i
    return None


def _insert_statement(
    edit: _Edit,
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
    section, key = _sort_key(stmt.body[0], first_party, style)
    fresh = cst.EmptyLine()
    entries = []
    for i in range(first, end):
        node = _single_import(edit.body[i]) or edit.body[i].body[0]
        entries.append((i, *_sort_key(node, first_party, style)))
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


def _imports(stmt: cst.BaseStatement, name: str, local: str) -> bool:
    """Does ``stmt`` import runtime ``name`` under ``local`` from its runtime module?"""
    found = _runtime_from(stmt)
    if found is None or runtime_names().get(name) != found[1]:
        return False
    names = found[0].names
    if isinstance(names, cst.ImportStar):
        return local == name
    return any(
        alias.name.value == name
        and (cst_dotted_name(alias.asname.name) if alias.asname else name) == local
        for alias in names
    )


def _aliased_import(from_module: str, name: str, alias: str, nl: str) -> str:
    """``from m import name as alias`` on its own line, as ruff's isort writes it (it never
    combines an ``as`` import with others): wrapped, with a trailing comma that keeps it
    wrapped, when it would not fit in 79 columns (so it is clean under any line length)."""
    line = f"from {from_module} import {name} as {alias}"
    if len(line) <= 79:
        return line + nl
    return f"from {from_module} import ({nl}    {name} as {alias},{nl}){nl}"


def add_runtime_imports(
    module: cst.Module,
    names: Iterable[str],
    first_party: Collection[str] | None = None,
    *,
    aliases: Mapping[str, str] | None = None,
    after: ast.stmt | None = None,
    style: ImportStyle = DEFAULT_STYLE,
) -> cst.Module:
    """Ensure ``from <runtime module> import <name>`` for each inserted runtime name.

    A name already imported that way in the leading import block is left alone; one more name
    of a module already imported joins that import (in ruff's order of names; never with
    ``style.force_single_line``); otherwise a new line goes where isort would put it under
    ``style``, classified with ``first_party`` (see :func:`import_section`). ``aliases``:
    runtime name -> the alias it goes in under (``codemods.runtime_aliases``); each such import
    is a line of its own. ``after``: the
    statement that follows the leading import block in the whole file when ``module`` is only
    its first chunk (it decides the blank lines under an import put in a module that had none).
    """
    aliases = aliases or {}
    edit = _Edit(module)
    block = edit.body[edit.first : edit.end]
    wanted = {
        name for name in names
        if not any(_imports(stmt, name, aliases.get(name, name)) for stmt in block)
    }  # fmt: skip
    if not wanted:
        return module
    config = module.config_for_parsing
    for name in sorted(wanted & set(aliases), key=member_key):
        text = _aliased_import(runtime_names()[name], name, aliases[name], module.default_newline)
        _insert_statement(edit, cst.parse_statement(text, config), first_party, style, after)
    by_module: dict[str, list[str]] = {}
    for name in sorted(wanted - set(aliases), key=member_key):
        by_module.setdefault(runtime_names()[name], []).append(name)
    lines: list[tuple[str, list[str]]] = []
    for from_module in sorted(by_module, key=name_key):
        if style.force_single_line:
            lines.extend((from_module, [name]) for name in by_module[from_module])
        else:
            lines.append((from_module, by_module[from_module]))
    for from_module, missing in lines:
        target = None if style.force_single_line else _mergeable(edit, from_module)
        if target is not None:
            stmt = edit.body[target]
            node = stmt.body[0]
            for name in missing:
                node = _add_name(node, name)
            edit.body[target] = stmt.with_changes(body=[node])
            continue
        text = f"from {from_module} import {', '.join(missing)}{module.default_newline}"
        _insert_statement(edit, cst.parse_statement(text, config), first_party, style, after)
    return edit.result()


def remove_runtime_imports(
    module: cst.Module, names: Iterable[str], style: ImportStyle = DEFAULT_STYLE
) -> cst.Module:
    """Drop the runtime imports of the local ``names`` (callers pass only names no longer
    used): plain ones, and the tool's aliases (``goalgen_trace_span``; an alias a person chose
    stays), undoing exactly what :func:`add_runtime_imports` did under the same ``style``,
    blank lines included."""
    wanted = set(names)
    if not wanted:
        return module
    edit = _Edit(module)
    changed = False
    for i in reversed(range(edit.first, edit.end)):
        found = _runtime_from(edit.body[i])
        if found is None or isinstance(found[0].names, cst.ImportStar):
            continue
        node, from_module = found
        drop = [
            j
            for j, alias in enumerate(node.names)
            if runtime_names().get(alias.name.value) == from_module
            and _local_if_ours(alias) in wanted
        ]
        if not drop:
            continue
        changed = True
        if len(drop) == len(node.names):
            edit.delete(i, style.lines_after_imports is not None)
            continue
        for j in reversed(drop):
            node = _drop_name(node, j)
        edit.body[i] = edit.body[i].with_changes(body=[node])
    return edit.result() if changed else module


def _local_if_ours(alias: cst.ImportAlias) -> str | None:
    """The local name of an imported runtime name, when it is its own or the tool's alias."""
    name = alias.name.value
    if alias.asname is None:
        return name
    local = cst_dotted_name(alias.asname.name) or ""
    return local if is_alias(local, name) else None


def used_names(code: str) -> set[str]:
    """Names read anywhere in ``code`` (ast, cheap), to decide whether an import is unused."""
    tree = parse(code)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
