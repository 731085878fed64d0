"""What a function passed by reference (``add_node("x", fn)``, ``add_api_route("/x", fn)``)
points at: a function of this module (by scan key), an imported name, or nothing traceable.

Shared by the kinds that decorate a function where it is defined, not where it is registered.
"""

from __future__ import annotations

import ast

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.scan import CallInfo, ModuleScan, Scope, lookup_function

NOT_A_FUNCTION = "not a function definition (a value, instance or parameter)"


def _class_scope(scan: ModuleScan, scope_key: str) -> Scope | None:
    scope: Scope | None = scan.scopes[scope_key]
    while scope is not None and scope.kind != "class":
        scope = scope.parent
    return scope


def _method(scope: Scope | None, name: str) -> str | None:
    hits = scope.defs.get(name) if scope is not None else None
    return hits[-1][1] if hits else None


def _local_class(scan: ModuleScan, qualname: str) -> Scope | None:
    keys = [c.key for c in scan.classes.values() if c.qualname == qualname]
    return scan.scopes[keys[-1]] if keys else None


def resolve_reference(scan: ModuleScan, call: CallInfo, expr: ast.expr) -> tuple[str, str]:
    """What ``expr``, an argument of ``call`` naming a function, points at:
    ``("local", function key)`` | ``("import", qualified name)`` | ``("skip", reason)``."""
    if isinstance(expr, ast.Lambda):
        return "skip", "lambda"
    if isinstance(expr, ast.Call):
        return "skip", f"built by a call ({dotted_name(expr.func) or 'expression'}(...))"
    text = dotted_name(expr)
    if text is None:
        return "skip", "not a function"
    head, _, rest = text.partition(".")
    if not rest:
        key = lookup_function(scan, call.scope_key, text, call.line)
        if key is not None:
            return "local", key
        if text in scan.imports.names:
            return "import", scan.imports.resolve(text)
        return "skip", NOT_A_FUNCTION
    if head in ("self", "cls") and "." not in rest:
        key = _method(_class_scope(scan, call.scope_key), rest)
        return ("local", key) if key else ("skip", "method not defined in the class")
    if head in scan.imports.names:
        return "import", scan.imports.resolve(text)
    owner, _, attr = text.rpartition(".")
    key = _method(_local_class(scan, owner), attr)
    return ("local", key) if key else ("skip", "bound method of an object")
