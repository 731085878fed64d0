"""The values of string expressions that are known without running the code (found with ``ast``).

A route path such as ``f"{API_PREFIX}/users"`` or ``BASE + "/v1"`` is known statically when
every name in it is a module-level string constant, of its own module or imported from another
project module. :func:`template` turns an expression into parts — literal text, names to look
up later (the project index knows every module's constants) and parts that can never be known
(a call, ``settings.API_V1_STR`` on a settings object); :func:`evaluate` joins them, writing
:data:`DYNAMIC` for each part it cannot know and keeping the source text of those parts, so a
report can say what was not static.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from goalgen.codemods.imports import dotted_name

DYNAMIC = "<dynamic>"


@dataclass(frozen=True)
class Name:
    """A part of a string expression to look up as a constant (``qualified == ""``: never)."""

    qualified: str
    text: str  # as written


Template = tuple[str | Name, ...]


@dataclass(frozen=True)
class Static:
    """A string as far as it is known: ``text`` has :data:`DYNAMIC` for each ``unknown`` part."""

    text: str = ""
    unknown: tuple[str, ...] = ()

    def __add__(self, other: Static) -> Static:
        return Static(self.text + other.text, self.unknown + other.unknown)


def template(node: ast.expr, qualify: Callable[[str], str | None]) -> Template:
    """The parts of a string expression; ``qualify`` maps a dotted name as written to the
    qualified name of the constant it may be (None: a local variable, never static)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return template(node.left, qualify) + template(node.right, qualify)
    if isinstance(node, ast.JoinedStr):
        parts: list[str | Name] = []
        for value in node.values:
            if not isinstance(value, ast.FormattedValue):
                parts.extend(template(value, qualify))
            elif value.conversion == -1 and value.format_spec is None:
                parts.extend(template(value.value, qualify))
            else:  # `{x!r}` / `{x:>4}` change the text: not followed
                parts.append(Name("", ast.unparse(value.value)))
        return tuple(parts)
    text = dotted_name(node)
    if text is not None:
        return (Name(qualify(text) or "", text),)
    return (Name("", ast.unparse(node)),)


def evaluate(parts: Template, lookup: Callable[[str], str | None]) -> Static:
    """Join ``parts``; ``lookup`` gives a qualified name's constant value, or None."""
    text: list[str] = []
    unknown: list[str] = []
    for part in parts:
        if isinstance(part, str):
            text.append(part)
            continue
        value = lookup(part.qualified) if part.qualified else None
        if value is None:
            text.append(DYNAMIC)
            unknown.append(part.text)
        else:
            text.append(value)
    return Static("".join(text), tuple(unknown))


def module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound once, to a string known from literals and earlier constants of
    the same module (``BASE = "/api"``, ``V1 = BASE + "/v1"``, ``V2: str = f"{BASE}/v2"``)."""
    bound: dict[str, int] = {}
    assigned: list[tuple[str, ast.expr]] = []
    for stmt in tree.body:
        for name in _bound_names(stmt):
            bound[name] = bound.get(name, 0) + 1
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            target, value = stmt.target, stmt.value
        else:
            continue
        if isinstance(target, ast.Name):
            assigned.append((target.id, value))
    found: dict[str, str] = {}
    for name, value in assigned:
        if bound[name] != 1:
            continue
        static = evaluate(template(value, lambda text: text), found.get)
        if not static.unknown:
            found[name] = static.text
    return found


def _bound_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [stmt.name]
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).partition(".")[0] for a in stmt.names]
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    else:
        return []
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
