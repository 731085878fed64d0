"""FastAPI: route functions get a span, the app continues an incoming trace.

A route is a function registered on a ``FastAPI()`` app or an ``APIRouter()`` (made in the same
module, also inside a function, or imported from another project module): decorated with
``get/post/put/patch/delete/head/options/trace/api_route/websocket``, or passed to
``add_api_route`` / ``add_api_websocket_route``. A function passed there that another project
module defines is traced in that module (the index tells it); lambdas, ``functools.partial(...)``,
functions from outside the project and routes on unknown objects are reported as skipped.

The span is ``api.<METHOD> <path>``, the path with every prefix it gets on the way to the app:
``APIRouter(prefix=...)``, ``include_router(..., prefix=...)`` (also of routers included in
routers) and ``app.mount("/v1", sub_app)``. Paths and prefixes may use string constants of the
module or imported from another project module, ``+`` and f-strings; a part that is not static
(``settings.API_V1_STR`` on a settings object, a call) is written ``<dynamic>``, and the target's
reason names it (it is traced all the same). A router never seen included keeps its own prefix.

A function serving several routes (two route decorators, a router included twice, a mounted and
an included copy) is named after all of them, in order of appearance: the methods of one path
join with commas, paths with the same methods are grouped after them, groups are separated by
``|``: ``api.GET,POST /x``, ``api.GET /items | /items/``, ``api.POST /v1/login | /v2/login``,
``api.GET /a | /c | PUT /b``.

The decorator goes under the route decorators, so FastAPI (which reads ``__wrapped__``) sees the
same signature. The app gets the ASGI middleware that reads ``traceparent``::

    app = FastAPI()                         app = FastAPI()
                                            app.add_middleware(TraceContextMiddleware)  # goalgen: instrument
    @app.get("/users/{user_id}")     ->     @app.get("/users/{user_id}")
    async def get_user(user_id: int):       @trace_span("api.GET /users/{user_id}")  # goalgen: instrument
        ...                                 async def get_user(user_id: int):
                                                ...
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from goalgen.codemods.imports import dotted_name, is_runtime
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.references import NOT_A_FUNCTION, resolve_reference
from goalgen.codemods.registry import Kind
from goalgen.codemods.scan import CallInfo, ModuleScan, Scope
from goalgen.codemods.static_strings import DYNAMIC, Name, Static, Template, evaluate, template

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex

ROUTER_FACTORIES: dict[str, str] = {
    "fastapi.FastAPI": "app",
    "fastapi.applications.FastAPI": "app",
    "fastapi.APIRouter": "router",
    "fastapi.routing.APIRouter": "router",
}

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"}
)
# Registration calls -> the method they fix ("" when the ``methods=`` argument says).
ADD_ROUTE = {"add_api_route": "", "add_api_websocket_route": "WEBSOCKET"}
MAX_DEPTH = 16  # routers included in routers deeper than this are not followed


@dataclass(frozen=True)
class RouterInfo:
    kind: str  # "app" | "router"
    prefix: Template = ()


@dataclass(frozen=True)
class Route:
    """One registration of a function: on which app/router (its id), methods, path."""

    router: str
    methods: Template
    path: Template


@dataclass(frozen=True)
class ApiFacts:
    """What the index keeps of a module.

    Router ids are qualified names (``app.routers.auth.router``) for module-level routers and
    ``<module>:<scope key>:<name>`` for routers made inside a function or class.
    """

    routers: dict[str, RouterInfo] = field(default_factory=dict)  # id -> info
    edges: tuple[tuple[str, str, Template], ...] = ()  # (parent, child, prefix): include or mount
    endpoints: tuple[tuple[str, Route], ...] = ()  # (imported function, route): add_api_route
    factories: dict[str, str] = field(default_factory=dict)  # function -> router it returns

    def __bool__(self) -> bool:
        return bool(self.routers or self.edges or self.endpoints or self.factories)


def _keyword(call: ast.Call, name: str, position: int | None = None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


class _Names:
    """How one module's names read: the routers it makes (by scope) and paths as templates."""

    def __init__(self, scan: ModuleScan) -> None:
        self.scan = scan
        self.routers: dict[str, RouterInfo] = {}
        self.in_scope: dict[tuple[str, str], str] = {}  # (scope key, text) -> router id
        self.anywhere: dict[str, set[str]] = {}  # text -> router ids (`self.router` in a method)
        for target, call in scan.assigns:
            kind = ROUTER_FACTORIES.get(call.qualified)
            if kind is None:
                continue
            if call.scope_key:
                rid = f"{scan.module}:{call.scope_key}:{target}"
            else:
                rid = scan.imports.resolve(target)
            self.in_scope[(call.scope_key, target)] = rid
            self.anywhere.setdefault(target, set()).add(rid)
            prefix = self.template(_keyword(call.node, "prefix"), call.scope_key)
            self.routers[rid] = RouterInfo(kind, prefix)

    def _scopes(self, scope_key: str) -> Iterator[Scope]:
        scope: Scope | None = self.scan.scopes[scope_key]
        while scope is not None:
            yield scope
            scope = scope.parent

    def router(self, text: str, scope_key: str) -> str:
        """The router id the dotted ``text``, written in scope ``scope_key``, refers to."""
        for scope in self._scopes(scope_key):
            rid = self.in_scope.get((scope.key, text))
            if rid is not None:
                return rid
        ids = self.anywhere.get(text, set())
        if len(ids) == 1 and text.partition(".")[0] not in self.scan.imports.names:
            return next(iter(ids))
        return self.scan.imports.resolve(text)

    def template(self, node: ast.expr | None, scope_key: str) -> Template:
        if node is None:
            return ()
        params = set().union(*(scope.params for scope in self._scopes(scope_key)))

        def qualify(text: str) -> str | None:
            head = text.partition(".")[0]
            return None if head in params else self.scan.imports.resolve(text)

        return template(node, qualify)

    def methods(self, node: ast.expr | None, scope_key: str) -> Template:
        """``methods=["GET", "POST"]`` as the template of ``GET,POST`` (FastAPI's default: GET)."""
        if node is None:
            return ("GET",)
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            return (Name("", "methods=" + ast.unparse(node)),)
        parts: list[str | Name] = []
        for n, element in enumerate(node.elts):
            parts.extend([","] if n else [])
            for part in self.template(element, scope_key):
                parts.append(part.upper() if isinstance(part, str) else part)
        return tuple(parts) or ("GET",)


def _decorator_route(decorator: ast.expr, names: _Names, scope_key: str) -> Route | None:
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    attr = decorator.func.attr
    owner = dotted_name(decorator.func.value)
    if attr not in ROUTE_METHODS or owner is None:
        return None
    if attr == "websocket":
        methods: Template = ("WEBSOCKET",)
    elif attr == "api_route":
        methods = names.methods(_keyword(decorator, "methods"), scope_key)
    else:
        methods = (attr.upper(),)
    path = names.template(_keyword(decorator, "path", 0), scope_key)
    return Route(names.router(owner, scope_key), methods, path)


def _added_routes(scan: ModuleScan, names: _Names) -> list[tuple[CallInfo, Route, ast.expr]]:
    """``(call, route, endpoint expression)`` for each add_api_route/add_api_websocket_route."""
    found = []
    for name, method in ADD_ROUTE.items():
        for call in scan.calls_named(name):
            owner = call.callee.rpartition(".")[0]
            endpoint = _keyword(call.node, "endpoint", 1)
            if not owner or owner.startswith("?") or endpoint is None:
                continue
            scope = call.scope_key
            methods = (method,) if method else names.methods(_keyword(call.node, "methods"), scope)
            path = names.template(_keyword(call.node, "path", 0), scope)
            found.append((call, Route(names.router(owner, scope), methods, path), endpoint))
    return sorted(found, key=lambda item: (item[0].line, item[0].node.col_offset))


def _edges(scan: ModuleScan, names: _Names) -> Iterator[tuple[str, str, Template]]:
    """``(parent, child, prefix)`` for ``include_router(child, prefix=)`` and ``mount(path, child)``."""
    for call in scan.calls_named("include_router") + scan.calls_named("mount"):
        owner = call.callee.rpartition(".")[0]
        if call.callee.endswith("include_router"):
            child, prefix = _keyword(call.node, "router", 0), _keyword(call.node, "prefix")
        else:
            child, prefix = _keyword(call.node, "app", 1), _keyword(call.node, "path", 0)
        scope = call.scope_key
        if isinstance(child, ast.Call):  # `include_router(make_router())`: "<function>()"
            text = dotted_name(child.func)
            child_id = names.scan.imports.resolve(text) + "()" if text else None
        else:
            text = dotted_name(child) if child is not None else None
            child_id = names.router(text, scope) if text else None
        if owner and not owner.startswith("?") and child_id:
            yield names.router(owner, scope), child_id, names.template(prefix, scope)


def _factories(scan: ModuleScan, names: _Names) -> dict[str, str]:
    """Functions that make an APIRouter and return it: qualified function name -> router id
    (an app a factory returns is served as it is, not included)."""
    found = {}
    for func in scan.funcs.values():
        for stmt in func.node.body:
            if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
                rid = names.in_scope.get((func.key, stmt.value.id))
                if rid is not None and names.routers[rid].kind == "router":
                    found[f"{scan.module}.{func.qualname}"] = rid
    return found


def summarize(scan: ModuleScan) -> ApiFacts:
    names = _Names(scan)
    endpoints = []
    for call, route, endpoint in _added_routes(scan, names):
        how, what = resolve_reference(scan, call, endpoint)
        if how == "import":
            endpoints.append((what, route))
    edges = tuple(_edges(scan, names))
    return ApiFacts(names.routers, edges, tuple(endpoints), _factories(scan, names))


# -- joins across modules --------------------------------------------------------------------


@dataclass(frozen=True)
class _Graph:
    routers: dict[str, RouterInfo]  # every app/router of the project, by id
    parents: dict[str, list[tuple[str, Template]]]  # router id -> (includer id, prefix)
    returned: dict[str, str]  # router id -> the function that makes and returns it


def _canonical(index: ProjectIndex, rid: str) -> str:
    return rid if ":" in rid else index.resolve(rid)


def _graph(index: ProjectIndex) -> _Graph:
    routers = {rid: info for _, facts in index.facts("api") for rid, info in facts.routers.items()}
    made = {fn: rid for _, facts in index.facts("api") for fn, rid in facts.factories.items()}
    parents: dict[str, list[tuple[str, Template]]] = {}
    for _, facts in index.facts("api"):
        for parent, child, prefix in facts.edges:
            if child.endswith("()"):
                child = made.get(index.resolve(child[:-2]), "")
            child = _canonical(index, child)
            if child in routers:
                parents.setdefault(child, []).append((_canonical(index, parent), prefix))
    return _Graph(routers, parents, {rid: fn for fn, rid in made.items()})


def graph(index: ProjectIndex) -> _Graph:
    return index.memo("api.graph", _graph)


def _static(index: ProjectIndex, parts: Template) -> Static:
    return evaluate(parts, index.constant)


def mount_points(index: ProjectIndex, rid: str, _seen: tuple[str, ...] = ()) -> list[Static]:
    """Every full prefix router ``rid`` serves under (its own prefix included), in order."""
    table = graph(index)
    info = table.routers.get(rid)
    own = _static(index, info.prefix) if info else Static()
    parents = table.parents.get(rid, [])
    if not parents and rid in table.returned:  # included wherever its function's result goes
        where = f"the prefix {table.returned[rid].rpartition('.')[2]}() is included under"
        return [Static(DYNAMIC, (where,)) + own]
    if not parents or rid in _seen or len(_seen) > MAX_DEPTH:
        return [own]
    found: dict[str, Static] = {}
    for parent, prefix in parents:
        outer = (
            mount_points(index, parent, (*_seen, rid)) if parent in table.routers else [Static()]
        )
        for head in outer:
            full = head + _static(index, prefix) + own
            found.setdefault(full.text, full)
    return list(found.values())


def span_name(index: ProjectIndex, routes: list[Route]) -> tuple[str, tuple[str, ...]]:
    """(span name naming all of ``routes``, the source text of the parts that are not static)."""
    paths: dict[str, list[str]] = {}  # full path -> its methods, in order of appearance
    unknown: list[str] = []
    for route in routes:
        methods = _static(index, route.methods)
        path = _static(index, route.path)
        for prefix in mount_points(index, _canonical(index, route.router)):
            full = prefix + path
            unknown.extend(methods.unknown + full.unknown)
            listed = paths.setdefault(full.text, [])
            for method in methods.text.split(","):
                if method not in listed:
                    listed.append(method)
    groups: dict[str, list[str]] = {}  # methods -> paths
    for path, methods in paths.items():
        groups.setdefault(",".join(methods), []).append(path)
    text = " | ".join(f"{methods} " + " | ".join(group) for methods, group in groups.items())
    return f"api.{text}", tuple(dict.fromkeys(unknown))


def _all_foreign_routes(index: ProjectIndex) -> dict[str, dict[str, list[Route]]]:
    known = graph(index).routers
    table: dict[str, dict[str, list[Route]]] = {}
    for _, facts in index.facts("api"):
        for ref, route in facts.endpoints:
            hit = index.split(index.resolve(ref))
            if hit is None or hit[1] not in index.modules[hit[0]].functions:
                continue
            if _canonical(index, route.router) in known:
                table.setdefault(hit[0], {}).setdefault(hit[1], []).append(route)
    return table


def foreign_routes(index: ProjectIndex, module: str) -> dict[str, list[Route]]:
    """Top-level functions of ``module`` that other modules pass to add_api_route -> routes."""
    return index.memo("api.foreign", _all_foreign_routes).get(module, {})


def _index_names(index: ProjectIndex) -> set[str]:
    names = {
        rid.rpartition(".")[2]
        for _, facts in index.facts("api")
        for rid in facts.routers
        if ":" not in rid
    }
    return names | {
        n for table in index.memo("api.foreign", _all_foreign_routes).values() for n in table
    }


# -- the plan --------------------------------------------------------------------------------


def trace_fastapi_routes(ctx: Context) -> None:
    scan, index = ctx.scan, ctx.index
    names = _Names(scan)
    known = graph(index).routers
    routes: dict[str, list[Route]] = {}  # function key -> its routes, in order
    for func in scan.funcs.values():
        for decorator in func.node.decorator_list:
            route = _decorator_route(decorator, names, func.scope_key)
            if route is not None and _canonical(index, route.router) in known:
                routes.setdefault(func.key, []).append(route)
    for call, route, endpoint in _added_routes(scan, names):
        _add_endpoint(ctx, call, route, endpoint, routes)
    top = scan.scopes[""].defs
    for name, registered in foreign_routes(index, scan.module).items():
        if name in top:
            routes.setdefault(top[name][-1][1], []).extend(registered)
    for key in sorted(routes, key=lambda k: scan.funcs[k].line):
        span, unknown = span_name(index, routes[key])
        note = f"path not static: {', '.join(unknown)}" if unknown else ""
        ctx.trace_function(scan.funcs[key], "api", span, note)
    _propagate_app_context(ctx)


def _add_endpoint(
    ctx: Context, call: CallInfo, route: Route, endpoint: ast.expr, routes: dict[str, list[Route]]
) -> None:
    """Note the function an add_api_route call registers, or report why it cannot be traced."""
    index = ctx.index
    label = ast.unparse(endpoint)[:60]
    if _canonical(index, route.router) not in graph(index).routers:
        ctx.skip("api", label, call.line, "not registered on a known FastAPI app or router")
        return
    how, what = resolve_reference(ctx.scan, call, endpoint)
    if how == "local":
        routes.setdefault(what, []).append(route)
    elif how == "skip":
        ctx.skip("api", label, call.line, what)
    elif index.split(index.resolve(what)) is None:
        ctx.skip("api", label, call.line, f"imported from outside the project ({what})")
    elif not index.is_function(what):
        ctx.skip("api", label, call.line, NOT_A_FUNCTION)
    # otherwise a function of another project module: that module traces it


def _propagate_app_context(ctx: Context) -> None:
    scan = ctx.scan
    assigned = {id(call.node): target for target, call in scan.assigns}
    present = {
        call.callee.rpartition(".")[0]
        for call in scan.calls_named("add_middleware")
        if call.node.args
        and is_runtime(
            scan.imports.resolve(dotted_name(call.node.args[0]) or ""), "TraceContextMiddleware"
        )
    }
    for call in scan.calls_named("FastAPI"):
        if ROUTER_FACTORIES.get(call.qualified) != "app":
            continue
        target = assigned.get(id(call.node))
        edit = CallEdit("after", statement=f"{target}.add_middleware", value="TraceContextMiddleware")
        ctx.add_after_app(call, "api", target, present, edit)


KIND = Kind(
    name="api",
    order=1,
    plan=trace_fastapi_routes,
    span_prefix="api.",
    words=("FastAPI", "APIRouter"),
    call_names=frozenset(
        {"FastAPI", "APIRouter", "include_router", "mount", "add_middleware", *ADD_ROUTE}
    ),
    summarize=summarize,
    index_names=_index_names,
    runtime={"TraceContextMiddleware": "frmk.utils.tracing.asgi"},
    statements=(("add_middleware", "TraceContextMiddleware"),),
)
