"""One fast ``ast`` pass over a module: its scopes, functions, classes and interesting calls.

The codemods decide everything on this scan (``ast`` parses 10-16x faster than LibCST); the
LibCST side (:mod:`goalgen.codemods.apply`) then only edits the nodes the plan names. Both sides name
things the same way, so they meet without positions:

- a function or class is keyed ``<qualname>#<n>`` — its ``__qualname__``-style name plus how many
  earlier definitions in the module had that same name (``test_x.<locals>.node#0``);
- a call is keyed by the key of its scope (innermost function/class, ``""`` for the module), its
  callee text (``httpx.AsyncClient``) and its ordinal among calls with that text in that scope,
  in source order. Decorators, defaults, annotations, class keywords and ``match`` guards are
  never scanned for calls, on either side.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from goalgen.codemods import registry
from goalgen.codemods.ignore import Ignores, find_ignores
from goalgen.codemods.imports import ImportMap, build_import_map, dotted_name
from goalgen.codemods.lines import split_lines
from goalgen.codemods.syntax import parse, parse_expression

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


def child_qualname(scope_kind: str, scope_qualname: str, name: str) -> str:
    """``__qualname__``-style name of ``name`` defined in a ``scope_kind`` ("module", "class" or
    "function") scope: ``f``, ``C.f``, ``f.<locals>.g``. The scan, the applier and the remover
    all name definitions with it, so their keys meet."""
    if scope_kind == "module":
        return name
    if scope_kind == "class":
        return f"{scope_qualname}.{name}"
    return f"{scope_qualname}.<locals>.{name}"


@dataclass
class Scope:
    """A module, class or function body: what it defines, for name lookups."""

    key: str
    kind: str  # "module" | "class" | "function"
    qualname: str
    parent: Scope | None
    defs: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # name -> (line, key)
    classes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    params: set[str] = field(default_factory=set)  # parameter names (they shadow outer defs)
    ignored: bool = False  # inside a definition opted out with ``# goalgen: ignore``


@dataclass
class FuncInfo:
    key: str
    qualname: str
    name: str
    line: int
    scope_key: str  # key of the enclosing scope
    class_key: str | None  # key of the directly enclosing class, for methods
    node: FuncNode
    is_generator: bool
    # (resolved name, runtime name it would have to be) of what may trace it already: each
    # decorator ("trace_span"), and the callee of a body that is one with-block ("TraceSpan").
    tracers: tuple[tuple[str, str], ...]
    overload: bool
    abstract_stub: bool
    ignored: bool  # opted out with ``# goalgen: ignore`` (itself or an enclosing definition)
    root: int = 0  # index of the top-level statement holding it


@dataclass
class ClassInfo:
    key: str
    qualname: str
    name: str
    line: int
    bases: list[str]  # resolved dotted names
    node: ast.ClassDef
    root: int = 0
    ignored: bool = False


@dataclass
class CallInfo:
    scope_key: str
    callee: str  # dotted text as written
    qualified: str  # resolved through the imports
    ordinal: int
    line: int
    node: ast.Call
    in_header: bool  # inside a compound statement's header (if/for/with/while ...)
    in_suite: bool  # its statement does not start its line (`if x: y()`, `a = 1; y()`)
    parent_with: ast.With | ast.AsyncWith | None  # the with-block holding only this statement
    func_key: str | None  # innermost enclosing function
    root: int = 0
    ignored: bool = False  # opted out with ``# goalgen: ignore`` (its line, or its definition)


@dataclass
class ModuleScan:
    module: str
    tree: ast.Module
    imports: ImportMap
    ignores: Ignores = field(default_factory=Ignores)
    scopes: dict[str, Scope] = field(default_factory=dict)
    funcs: dict[str, FuncInfo] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    calls: list[CallInfo] = field(default_factory=list)
    # (target dotted text, call, scope key) for `x = Call(...)` / `x: T = Call(...)`.
    assigns: list[tuple[str, CallInfo]] = field(default_factory=list)
    # (dotted text, resolved annotation) for annotated parameters and assignments.
    annotated: list[tuple[str, str]] = field(default_factory=list)

    def calls_named(self, last: str) -> list[CallInfo]:
        return [
            c for c in self.calls
            if c.callee.rpartition(".")[2] == last or c.qualified.rpartition(".")[2] == last
        ]  # fmt: skip


def _is_generator(node: FuncNode, lines: list[str]) -> bool:
    text = "".join(lines[node.lineno - 1 : node.end_lineno])
    if "yield" not in text:  # the common case, without walking the body
        return False
    stack: list[ast.AST] = list(node.body)
    while stack:
        cur = stack.pop()
        if isinstance(cur, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(cur, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(cur))
    return False


def body_without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[1:]
    return body


def _is_stub_body(body: list[ast.stmt]) -> bool:
    rest = body_without_docstring(body)
    if not rest:
        return True
    if len(rest) != 1:
        return False
    stmt = rest[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return dotted_name(exc) == "NotImplementedError"
    return False


class _Scanner:
    def __init__(
        self, module: str, tree: ast.Module, imports: ImportMap, code: str, names: frozenset[str]
    ) -> None:
        self.scan = ModuleScan(module, tree, imports, find_ignores(code, tree))
        self.seen: dict[str, int] = {}
        self.ordinals: dict[tuple[str, str], int] = {}
        self.root = 0
        self.lines = split_lines(code)
        # Lines that mention a call name (or a local alias of one): only statements touching
        # them are walked for calls, which keeps the scan linear in practice.
        self.call_names = names
        words = set(names) | {
            local for local, full in imports.names.items() if full.rpartition(".")[2] in names
        }
        pattern = re.compile("|".join(sorted(map(re.escape, words))))
        self.hot = [bool(pattern.search(line)) for line in self.lines]
        self.hot.append(False)

    def _is_hot(self, node: ast.AST) -> bool:
        start = getattr(node, "lineno", 1) - 1
        end = getattr(node, "end_lineno", None) or start + 1
        return any(self.hot[start:end])

    # -- keys -------------------------------------------------------------------------
    def _key(self, qualname: str) -> str:
        n = self.seen.get(qualname, 0)
        self.seen[qualname] = n + 1
        return f"{qualname}#{n}"

    def _resolve(self, node: ast.AST) -> str:
        text = dotted_name(node)
        return self.scan.imports.resolve(text) if text else ""

    # -- walking ----------------------------------------------------------------------
    def run(self) -> ModuleScan:
        scope = Scope("", "module", "", None)
        self.scan.scopes[""] = scope
        for root, stmt in enumerate(self.scan.tree.body):
            self.root = root
            self._stmt(stmt, scope, None, self._shares_line(stmt), None)
        return self.scan

    def _block(self, body, scope: Scope, func_key, parent_with=None) -> None:
        only = parent_with if parent_with is not None and len(body) == 1 else None
        for stmt in body:
            self._stmt(stmt, scope, func_key, self._shares_line(stmt), only)

    def _shares_line(self, stmt: ast.stmt) -> bool:
        """Is there code before ``stmt`` on its line (a one-line suite, or after a ``;``)?"""
        line = self.lines[stmt.lineno - 1].encode("utf-8")  # col_offset counts UTF-8 bytes
        return bool(line[: stmt.col_offset].strip())

    def _stmt(self, stmt: ast.stmt, scope: Scope, func_key, in_suite: bool, parent_with) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(stmt, scope)
            return
        if isinstance(stmt, ast.ClassDef):
            self._class(stmt, scope)
            return
        headers: list[ast.AST | None] = []
        suites: list[list[ast.stmt]] = []
        with_node = None
        if isinstance(stmt, ast.If | ast.While):
            headers, suites = [stmt.test], [stmt.body, stmt.orelse]
        elif isinstance(stmt, ast.For | ast.AsyncFor):
            headers, suites = [stmt.target, stmt.iter], [stmt.body, stmt.orelse]
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            headers = [item for it in stmt.items for item in (it.context_expr, it.optional_vars)]
            suites, with_node = [stmt.body], stmt
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            suites = [stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody]
        elif isinstance(stmt, ast.Match):
            headers, suites = [stmt.subject], [case.body for case in stmt.cases]
        else:
            self._calls([stmt], stmt, scope, func_key, False, in_suite, parent_with)
            self._note_assign(stmt)
            return
        self._calls(
            [h for h in headers if h is not None], stmt, scope, func_key, True, in_suite,
            parent_with,
        )  # fmt: skip
        for body in suites:
            self._block(body, scope, func_key, with_node)

    def _calls(self, roots, stmt, scope: Scope, func_key, in_header, in_suite, parent_with) -> None:
        found: list[ast.Call] = []
        stack: list[ast.AST] = [r for r in roots if self._is_hot(r)]
        while stack:
            cur = stack.pop()
            if isinstance(cur, ast.Call):
                found.append(cur)
            stack.extend(ast.iter_child_nodes(cur))
        found.sort(key=lambda c: (c.lineno, c.col_offset))
        for call in found:
            named = self._callee(call)
            if named is None:
                continue
            callee, qualified = named
            if (
                callee.rpartition(".")[2] not in self.call_names
                and qualified.rpartition(".")[2] not in self.call_names
            ):
                continue
            okey = (scope.key, callee)
            ordinal = self.ordinals.get(okey, 0)
            self.ordinals[okey] = ordinal + 1
            self.scan.calls.append(
                CallInfo(
                    scope.key, callee, qualified, ordinal, call.lineno, call, in_header,
                    in_suite, parent_with, func_key, self.root,
                    scope.ignored or self.scan.ignores.covers_call(call, stmt),
                )
            )  # fmt: skip

    def _callee(self, call: ast.Call) -> tuple[str, str] | None:
        """(callee text, qualified name) of ``call``, or None when it cannot be one to record."""
        callee = dotted_name(call.func)
        if callee is None and isinstance(call.func, ast.Subscript):
            generic = dotted_name(call.func.value)
            if generic is not None:
                # `AgentApplication[TurnState](...)`: callee `AgentApplication[]`, qualified as
                # the class; like `?.` below, never paired with a LibCST call.
                return generic + "[]", self.scan.imports.resolve(generic)
        if callee is None:
            # `StateGraph(S).add_node(...)`: kept for the node codemod, never paired with
            # a LibCST call (those are matched on dotted callees only).
            if not isinstance(call.func, ast.Attribute) or call.func.attr not in self.call_names:
                return None
            callee = "?." + call.func.attr
        return callee, self.scan.imports.resolve(callee)

    def _note_assign(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
            text = dotted_name(stmt.target)
            if text:
                self.scan.annotated.append((text, self._annotation(stmt.annotation)))
        else:
            return
        if not isinstance(value, ast.Await | ast.Call):
            return
        call = value.value if isinstance(value, ast.Await) else value
        info = next((c for c in reversed(self.scan.calls) if c.node is call), None)
        if info is None:
            return
        for target in targets:
            text = dotted_name(target)
            if text:
                self.scan.assigns.append((text, info))

    def _annotation(self, node: ast.AST | None) -> str:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = parse_expression(node.value)
            except SyntaxError:
                return ""
        if isinstance(node, ast.Subscript):  # Optional[X]
            node = node.slice
        if isinstance(node, ast.BinOp):  # X | None
            node = node.left
        return self._resolve(node) if node is not None else ""

    def _function(self, node: FuncNode, scope: Scope) -> None:
        qualname = child_qualname(scope.kind, scope.qualname, node.name)
        key = self._key(qualname)
        scope.defs.setdefault(node.name, []).append((node.lineno, key))
        decorators = [
            self._resolve(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list
        ]
        tracers = [(d, "trace_span") for d in decorators]
        body = body_without_docstring(node.body)
        if len(body) == 1 and isinstance(body[0], ast.With | ast.AsyncWith):
            expr = body[0].items[0].context_expr
            if isinstance(expr, ast.Call):
                tracers.append((self._resolve(expr.func), "TraceSpan"))
        ignored = scope.ignored or self.scan.ignores.covers_definition(node)
        self.scan.funcs[key] = FuncInfo(
            key=key,
            qualname=qualname,
            name=node.name,
            line=node.lineno,
            scope_key=scope.key,
            class_key=scope.key if scope.kind == "class" else None,
            node=node,
            is_generator=_is_generator(node, self.lines),
            tracers=tuple(tracers),
            overload=any(d.rpartition(".")[2] == "overload" for d in decorators),
            abstract_stub=any(d.rpartition(".")[2].startswith("abstract") for d in decorators)
            and _is_stub_body(node.body),
            ignored=ignored,
            root=self.root,
        )
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
            if arg.annotation is not None:
                self.scan.annotated.append((arg.arg, self._annotation(arg.annotation)))
        inner = Scope(key, "function", qualname, scope, ignored=ignored)
        args = node.args
        inner.params = {
            a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
            if a is not None
        }  # fmt: skip
        self.scan.scopes[key] = inner
        self._block(node.body, inner, key)

    def _class(self, node: ast.ClassDef, scope: Scope) -> None:
        qualname = child_qualname(scope.kind, scope.qualname, node.name)
        key = self._key(qualname)
        scope.classes.setdefault(node.name, []).append((node.lineno, key))
        bases = [self._resolve(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases]
        ignored = scope.ignored or self.scan.ignores.covers_definition(node)
        self.scan.classes[key] = ClassInfo(
            key, qualname, node.name, node.lineno, bases, node, self.root, ignored
        )
        inner = Scope(key, "class", qualname, scope, ignored=ignored)
        self.scan.scopes[key] = inner
        self._block(node.body, inner, None)


def scan_module(code: str, module: str, is_package: bool = False) -> ModuleScan:
    """Scan ``code`` (raises SyntaxError when ``ast`` cannot parse it)."""
    tree = parse(code)
    imports = build_import_map(tree, module, is_package)
    return _Scanner(module, tree, imports, code, registry.call_names()).run()


def lookup_function(scan: ModuleScan, scope_key: str, name: str, line: int) -> str | None:
    """Key of the function ``name`` refers to from ``scope_key`` at ``line`` (Python scoping)."""
    scope: Scope | None = scan.scopes[scope_key]
    first = True
    while scope is not None:
        if scope.kind != "class" or first:
            hits = scope.defs.get(name)
            if hits:
                before = [key for def_line, key in hits if def_line <= line]
                return before[-1] if before else hits[0][1]
            if name in scope.classes or name in scope.params:
                return None
        first = False
        scope = scope.parent
    return None
