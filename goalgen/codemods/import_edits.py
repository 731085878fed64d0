"""Adding and removing the runtime imports, on the leading import block only.

No LibCST visitor runs: the runtime import goes where isort (ruff's ``I`` rules, or isort) wants
it under the project's settings (:class:`~goalgen.codemods.import_style.ImportStyle`): by default in
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
from collections.abc import Collection, Iterable, Mapping

import libcst as cst

from goalgen.codemods.import_block import Edit, insert_statement, module_of, single_import
from goalgen.codemods.import_style import (
    DEFAULT_STYLE,
    ImportStyle,
    member_key,
    name_key,
)
from goalgen.codemods.imports import cst_dotted_name
from goalgen.codemods.registry import runtime_names
from goalgen.codemods.runtime_aliases import is_alias
from goalgen.codemods.syntax import parse


def _runtime_from(stmt: cst.BaseStatement) -> tuple[cst.ImportFrom, str] | None:
    """``(node, module)`` for a one-statement line ``from <runtime module> import ...``."""
    node = single_import(stmt)
    if not isinstance(node, cst.ImportFrom) or node.relative:
        return None
    module = module_of(node)
    return (node, module) if module in set(runtime_names().values()) else None


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


def _mergeable(edit: Edit, from_module: str) -> int | None:
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
    runtime name -> the alias it goes in under (``goalgen.codemods.runtime_aliases``); each such import
    is a line of its own. ``after``: the
    statement that follows the leading import block in the whole file when ``module`` is only
    its first chunk (it decides the blank lines under an import put in a module that had none).
    """
    aliases = aliases or {}
    edit = Edit(module)
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
        insert_statement(edit, cst.parse_statement(text, config), first_party, style, after)
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
        insert_statement(edit, cst.parse_statement(text, config), first_party, style, after)
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
    edit = Edit(module)
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
