"""A pure ASGI middleware: continues the caller's trace and writes the spans out at shutdown.

Pure ASGI (a callable taking scope, receive, send), not Starlette's ``BaseHTTPMiddleware``: it
costs a few microseconds, leaves streaming and background tasks alone and needs no import of
Starlette. ``app.add_middleware(TraceContextMiddleware)`` is the line ``goalgen instrument``
adds after ``app = FastAPI(...)``.

The lifespan messages pass through it too, which makes it the server's shutdown hook: uvicorn
re-raises SIGTERM after its graceful shutdown, so ``atexit`` never runs there.
"""

from __future__ import annotations

from typing import Any

from frmk.utils.tracing import context
from frmk.utils.tracing.config import flush
from frmk.utils.tracing.propagation import parse_traceparent
from frmk.utils.tracing.shutdown import flush_on_signals

_HEADER = b"traceparent"
_SHUTDOWN_DONE = ("lifespan.shutdown.complete", "lifespan.shutdown.failed")


class TraceContextMiddleware:
    """Make the remote parent current for each HTTP / websocket request; flush at shutdown.

    Lifespan startup calls ``flush_on_signals()``. Lifespan shutdown (after the server has
    waited for the requests in flight) writes every buffered span before the server is told the
    shutdown is complete; a request that ends later, cancelled by the server's graceful-shutdown
    timeout, writes its spans as it ends (its route span has status ``error``,
    ``CancelledError``).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.stopping = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope.get("type")
        if kind == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        remote = None
        for key, value in scope.get("headers") or ():
            if key == _HEADER:  # ASGI header names are lowercase bytes
                remote = parse_traceparent(value)
                break
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
