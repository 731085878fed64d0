"""Which local name each runtime name goes in under, so it never collides with a project's own.

A module that binds ``trace_span`` (or ``TraceSpan``, ``TraceContextMiddleware``, ...) to
something of its own — an import from elsewhere, a ``def``, an assignment, a class attribute, a
parameter, at any scope level — would shadow frmk's object or be shadowed by it, so spans would
silently go to the wrong function. There the tool imports frmk's object under an alias of its
own scheme, ``goalgen_<name>`` (``goalgen_<name>_2``, ``_3``... when that is taken too)::

    from mylib.tracing import trace_span            from frmk.utils.tracing import trace_span as goalgen_trace_span
                                            ->      from mylib.tracing import trace_span

    @trace_span("mine")                             @trace_span("mine")
    def f(): ...                                    @goalgen_trace_span("node.f")  # goalgen: instrument
                                                    def f(): ...

Only ``from <runtime module> import <name>`` binds a name to frmk's object; ``--remove`` knows the
tool's aliases by the scheme, so an alias a person chose (``import trace_span as ts``) stays.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from goalgen.codemods.lines import split_lines
from goalgen.codemods.registry import runtime_names

PREFIX = "goalgen_"
# Nodes with a ``name`` they bind (the type parameters exist from Python 3.12 on).
_NAMED = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar) + tuple(
    getattr(ast, name) for name in ("TypeVar", "ParamSpec", "TypeVarTuple") if hasattr(ast, name)
)


def is_alias(local: str, name: str) -> bool:
    """Is ``local`` one of the tool's aliases for the runtime name ``name``?"""
    return re.fullmatch(rf"{PREFIX}{re.escape(name)}(?:_[0-9]+)?", local) is not None


def _candidates(name: str) -> Iterator[str]:
    yield PREFIX + name
    n = 2
    while True:
        yield f"{PREFIX}{name}_{n}"
        n += 1


def _bound_names(node: ast.AST) -> Iterator[tuple[str, str | None]]:
    """``(local name, runtime name it is bound to or None)`` for the bindings ``node`` makes."""
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        yield node.id, None
    elif isinstance(node, ast.arg):
        yield node.arg, None
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name, None
    elif isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.asname or alias.name.partition(".")[0], None
    elif isinstance(node, ast.ImportFrom):
        for alias in node.names:
            ours = not node.level and runtime_names().get(alias.name) == node.module
            if alias.name != "*":
                yield alias.asname or alias.name, alias.name if ours else None
    elif isinstance(node, _NAMED):
        if node.name:
            yield node.name, None
    elif isinstance(node, ast.MatchMapping) and node.rest:
        yield node.rest, None


def _bindings(tree: ast.Module, code: str, words: list[str]) -> dict[str, set[str | None]]:
    """Local name -> what it is bound to (a runtime name, or None for anything else), for the
    names matching ``words``; only top-level statements whose lines mention one are walked."""
    pattern = re.compile(r"\b(?:" + "|".join(words) + r")")
    hot = [i for i, line in enumerate(split_lines(code), 1) if pattern.search(line)]
    found: dict[str, set[str | None]] = {}
    for stmt in tree.body:
        first = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])
        if not any(first <= line <= (stmt.end_lineno or stmt.lineno) for line in hot):
            continue
        for node in ast.walk(stmt):
            for local, target in _bound_names(node):
                if pattern.fullmatch(local):
                    found.setdefault(local, set()).add(target)
    return found


def choose_aliases(tree: ast.Module, code: str) -> dict[str, str]:
    """Runtime name -> the alias to insert it under, for each runtime name the module (parsed
    as ``tree``) binds to something other than frmk's object; the others go in plainly."""
    taken = [name for name in runtime_names() if name in code]
    if not taken:
        return {}
    bindings = _bindings(tree, code, [*map(re.escape, taken), PREFIX + r"\w+"])

    def free(local: str, name: str) -> bool:
        return bindings.get(local, set()) <= {name}

    return {
        name: next(local for local in _candidates(name) if free(local, name))
        for name in taken
        if not free(name, name)
    }


def aliases_in(tree: ast.Module) -> dict[str, str]:
    """The tool's aliases imported at the top level of a module: alias -> runtime name."""
    found = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and not stmt.level:
            for alias in stmt.names:
                if (
                    alias.asname
                    and runtime_names().get(alias.name) == stmt.module
                    and is_alias(alias.asname, alias.name)
                ):
                    found[alias.asname] = alias.name
    return found
