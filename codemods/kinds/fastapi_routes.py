"""FastAPI: route functions get a span, the app continues an incoming trace.

A route is a function decorated with ``get/post/put/patch/delete/head/options/trace/api_route/
websocket`` of a ``FastAPI()`` app or ``APIRouter()`` made in the same module or imported from
another project module. The span is ``api.<METHOD> <prefix><path>``, the prefix coming from
``APIRouter(prefix=...)`` and a single ``include_router(..., prefix=...)`` when known. The decorator
goes under the route decorator, so FastAPI (which reads ``__wrapped__``) sees the same
signature. The app gets the ASGI middleware that reads ``traceparent``::

    app = FastAPI()                         app = FastAPI()
                                            app.add_middleware(TraceContextMiddleware)  # goalgen: instrument
    @app.get("/users/{user_id}")     ->     @app.get("/users/{user_id}")
    async def get_user(user_id: int):       @trace_span("api.GET /users/{user_id}")  # goalgen: instrument
        ...                                 async def get_user(user_id: int):
                                                ...
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codemods.imports import dotted_name, is_runtime
from codemods.plan import CallEdit, Context
from codemods.registry import Kind
from codemods.scan import ModuleScan

if TYPE_CHECKING:
    from codemods.index import ProjectIndex

ROUTER_FACTORIES: dict[str, str] = {
    "fastapi.FastAPI": "app",
    "fastapi.applications.FastAPI": "app",
    "fastapi.APIRouter": "router",
    "fastapi.routing.APIRouter": "router",
}

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket"}
)


@dataclass(frozen=True)
class RouterInfo:
    kind: str  # "app" | "router"
    prefix: str = ""


@dataclass(frozen=True)
class ApiFacts:
    """What the index keeps of a module: its module-level apps/routers and include_router calls."""

    routers: dict[str, RouterInfo] = field(default_factory=dict)  # name -> info
    includes: tuple[tuple[str, str, str], ...] = ()  # (includer, router, prefix), resolved

    def __bool__(self) -> bool:
        return bool(self.routers or self.includes)


def _keyword(call: ast.Call, name: str, position: int | None = None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def _literal(node: ast.expr | None, default: str = "") -> str:
    if node is None:
        return default
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return "{" + ast.unparse(node) + "}"


def routers_of(scan: ModuleScan, module_level_only: bool = False) -> dict[str, RouterInfo]:
    """Apps/routers assigned in the module: ``name -> RouterInfo`` (prefix from the call)."""
    found: dict[str, RouterInfo] = {}
    for target, call in scan.assigns:
        kind = ROUTER_FACTORIES.get(call.qualified)
        if kind is None or (module_level_only and (call.scope_key or "." in target)):
            continue
        found[target] = RouterInfo(kind, _literal(_keyword(call.node, "prefix")))
    return found


def includes_of(scan: ModuleScan) -> list[tuple[str, str, str]]:
    """``(includer, router, prefix)`` for each ``x.include_router(router, prefix=...)``."""
    found = []
    for call in scan.calls_named("include_router"):
        router = dotted_name(_keyword(call.node, "router", 0) or ast.Constant(None))
        owner = call.callee.rpartition(".")[0]
        if router and owner:
            resolve = scan.imports.resolve
            found.append((resolve(owner), resolve(router), _literal(_keyword(call.node, "prefix"))))
    return found


def summarize(scan: ModuleScan) -> ApiFacts:
    return ApiFacts(routers_of(scan, module_level_only=True), tuple(includes_of(scan)))


def _included(index: ProjectIndex) -> dict[str, list[tuple[str, str]]]:
    """Resolved router name -> every (includer, prefix) that includes it, across modules."""
    included: dict[str, list[tuple[str, str]]] = {}
    for _, facts in index.facts("api"):
        for includer, router, prefix in facts.includes:
            included.setdefault(index.resolve(router), []).append((includer, prefix))
    return included


def router_info(index: ProjectIndex, qualified: str, _depth: int = 0) -> RouterInfo | None:
    """The project app/router a name refers to, with the prefix of its (single) include_router."""
    resolved = index.resolve(qualified)
    hit = index.split(resolved)
    if hit is None or _depth > 8:
        return None
    facts = index.modules[hit[0]].facts.get("api")
    info = facts.routers.get(hit[1]) if facts else None
    if info is None:
        return None
    parents = index.memo("api.included", _included).get(resolved, [])
    if len(parents) == 1:
        parent = router_info(index, parents[0][0], _depth + 1)
        outer = parent.prefix if parent else ""
        return RouterInfo(info.kind, outer + parents[0][1] + info.prefix)
    return info


def _index_names(index: ProjectIndex) -> set[str]:
    return {name for _, facts in index.facts("api") for name in facts.routers}


def _route_span(decorator: ast.expr, ctx: Context, local: dict[str, RouterInfo]) -> str | None:
    if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
        return None
    if decorator.func.attr not in ROUTE_METHODS:
        return None
    owner = dotted_name(decorator.func.value)
    if owner is None:
        return None
    info = router_info(ctx.index, ctx.scan.imports.resolve(owner)) or local.get(owner)
    if info is None:
        return None
    attr = decorator.func.attr
    if attr == "websocket":
        method = "WEBSOCKET"
    elif attr == "api_route":
        methods = _keyword(decorator, "methods")
        names = [
            e.value.upper() for e in getattr(methods, "elts", [])
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]  # fmt: skip
        method = ",".join(names) or "GET"
    else:
        method = attr.upper()
    path = _literal(_keyword(decorator, "path", 0))
    return f"api.{method} {info.prefix}{path}"


def trace_fastapi_routes(ctx: Context) -> None:
    local = routers_of(ctx.scan)
    for func in ctx.scan.funcs.values():
        for decorator in func.node.decorator_list:
            span = _route_span(decorator, ctx, local)
            if span is not None:
                ctx.trace_function(func, "api", span)
                break
    _propagate_app_context(ctx)


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
        if target is None:
            ctx.skip("api", call.callee, call.line, "app not assigned to a name")
        elif target in present:
            ctx.present("api", target, call.line)
        elif call.in_suite or call.in_header:
            ctx.skip("api", target, call.line, "statement shares its line (one-line suite or `;`)")
        else:
            edit = CallEdit(
                "after", statement=f"{target}.add_middleware", value="TraceContextMiddleware"
            )
            ctx.edit_call(call, "api", target, edit)


KIND = Kind(
    name="api",
    order=1,
    plan=trace_fastapi_routes,
    span_prefix="api.",
    words=("FastAPI", "APIRouter"),
    call_names=frozenset({"FastAPI", "APIRouter", "include_router", "add_middleware"}),
    summarize=summarize,
    index_names=_index_names,
    runtime={"TraceContextMiddleware": "frmk.utils.tracing.asgi"},
    statements=(("add_middleware", "TraceContextMiddleware"),),
)
