"""A pure ASGI middleware: one server span per HTTP request, and the spans written at shutdown.

Pure ASGI (a callable taking scope, receive, send), not Starlette's ``BaseHTTPMiddleware``: it
costs a few microseconds, leaves streaming and background tasks alone and needs no import of
Starlette. ``app.add_middleware(TraceContextMiddleware)`` is the line ``goalgen instrument``
adds after ``app = FastAPI(...)``.

Each HTTP request is a ``server`` span (component ``api``) continuing the caller's
``traceparent``, named ``"{method} {route}"`` after the HTTP semantic conventions; the route
spans the ``api`` kind adds (``api.POST /x``) are its children. Attributes (see
``server_attributes``) are read after the app returned: the route template is only known once
the router matched (Starlette and FastAPI put the matched route in ``scope["route"]``, and a
mount extends ``scope["root_path"]`` by its prefix). A mounted app that has this middleware
too adds no second server span. Websocket connections, and every request while
``TRACING_ENABLED=false``, only get the caller's trace made current.

The lifespan messages pass through it too, which makes it the server's shutdown hook: uvicorn
re-raises SIGTERM after its graceful shutdown, so ``atexit`` never runs there.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from frmk.utils.tracing import context
from frmk.utils.tracing.config import flush, settings
from frmk.utils.tracing.propagation import parse_traceparent
from frmk.utils.tracing.shutdown import flush_on_signals
from frmk.utils.tracing.span import TraceSpan

_HEADER = b"traceparent"
_FASTAPI_ROUTE = "effective_route_context"
_SERVED = "frmk.tracing.server_span"  # scope key: the request already has its server span
_SHUTDOWN_DONE = ("lifespan.shutdown.complete", "lifespan.shutdown.failed")
# The methods the HTTP semantic conventions name; any other is "_OTHER" (and the span "HTTP").
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})


def _remote_parent(scope: dict[str, Any]) -> Any:
    for key, value in scope.get("headers") or ():
        if key == _HEADER:  # ASGI header names are lowercase bytes
            return parse_traceparent(value)
    return None


def route_template(scope: dict[str, Any], root_path: str) -> str | None:
    """The matched route's template (``/items/{item_id}``), with the prefix of any mount it is
    under; ``None`` when no route matched (404, a mounted non-FastAPI app).

    ``root_path`` is the scope's ``root_path`` before the app ran. FastAPI (0.16x) no longer
    copies the routes of an included router: ``scope["route"]`` is then the route as its own
    router declared it (``/login``), and the template with every ``include_router`` prefix is
    the ``path_format`` of the route context it leaves in ``scope["fastapi"]``.
    """
    fastapi_scope = scope.get("fastapi")
    chosen = fastapi_scope.get(_FASTAPI_ROUTE) if isinstance(fastapi_scope, dict) else None
    template = getattr(chosen, "path_format", None)
    if not isinstance(template, str):
        template = getattr(scope.get("route"), "path_format", None)
        if not isinstance(template, str):
            return None
    mounted = scope.get("root_path") or ""
    if len(mounted) > len(root_path) and mounted.startswith(root_path):
        template = mounted[len(root_path) :] + template
    return template


def server_attributes(span: TraceSpan, scope: dict[str, Any], root_path: str, status: int) -> None:
    """Name ``span`` and set its HTTP attributes once the request is done (``status`` 0: no
    response was started).

    ``http.request.method`` (``_OTHER`` plus ``http.request.method_original`` for a method the
    conventions do not name), ``http.route``, ``url.path``, ``url.scheme``,
    ``http.response.status_code``; a 5xx makes the span an error with ``error.type`` the code, an
    exception with ``error.type`` its class name. A 4xx is the client's error, not the span's.
    """
    meta = span.metadata
    method = scope.get("method") or ""
    if method not in _METHODS:
        meta["http.request.method_original"] = method
        method = "_OTHER"
    meta["http.request.method"] = method
    route = route_template(scope, root_path)
    name = "HTTP" if method == "_OTHER" else method
    if route is not None:
        meta["http.route"] = route
        name = f"{name} {route}"
    span.name = name
    meta["url.path"] = scope.get("path") or "/"
    meta["url.scheme"] = scope.get("scheme") or "http"
    if status:
        meta["http.response.status_code"] = status
    if span.error is not None:
        meta["error.type"] = span.error["type"]
    elif status >= 500:
        meta["error.type"] = str(status)
        span.status = "error"
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "server error"
        span.error = {"type": str(status), "message": phrase}


class TraceContextMiddleware:
    """A server span per HTTP request (continuing the caller's trace); flush at shutdown.

    Lifespan startup calls ``flush_on_signals()``. Lifespan shutdown (after the server has
    waited for the requests in flight) writes every buffered span before the server is told the
    shutdown is complete; a request that ends later, cancelled by the server's graceful-shutdown
    timeout, writes its spans as it ends (status ``error``, ``CancelledError``).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.stopping = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope.get("type")
        if kind == "http" and _SERVED not in scope and settings.enabled:
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(scope, receive, send)
        elif kind == "websocket" or (kind == "http" and _SERVED not in scope):
            await self._context_only(scope, receive, send)
        else:  # a mounted app's share of a request: the outer server span stays current
            await self.app(scope, receive, send)

    async def _http(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        remote = _remote_parent(scope)
        token = None if remote is None else context.attach(remote)
        root_path = scope.get("root_path") or ""
        span = TraceSpan("HTTP", kind="server", component="api")
        span_token = context.attach(span)
        scope[_SERVED] = True  # a mounted app with its own middleware adds no second span
        status = 0

        async def send_and_watch(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            context.detach(span_token)
            if span.sampled and not settings.sink.discards:
                server_attributes(span, scope, root_path, status)
            span.end()
            if token is not None:
                context.detach(token)
            if self.stopping:
                flush()

    async def _context_only(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Websockets and requests with tracing off: the caller's trace made current, no span."""
        remote = _remote_parent(scope)
        token = None if remote is None else context.attach(remote)
        try:
            await self.app(scope, receive, send)
        finally:
            if token is not None:
                context.detach(token)
            if self.stopping:
                flush()

    async def _lifespan(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def receive_and_watch() -> dict[str, Any]:
            message = await receive()
            if message.get("type") == "lifespan.startup":
                flush_on_signals()
            elif message.get("type") == "lifespan.shutdown":
                self.stopping = True
            return message

        async def flush_then_send(message: dict[str, Any]) -> None:
            if message.get("type") in _SHUTDOWN_DONE:
                flush()
            await send(message)

        await self.app(scope, receive_and_watch, flush_then_send)
