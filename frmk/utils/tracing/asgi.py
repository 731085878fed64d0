"""A pure ASGI middleware that continues the caller's trace from its ``traceparent`` header.

Pure ASGI (a callable taking scope, receive, send), not Starlette's ``BaseHTTPMiddleware``: it
costs a few microseconds, leaves streaming and background tasks alone and needs no import of
Starlette. ``app.add_middleware(TraceContextMiddleware)`` is the line ``goalgen instrument``
adds after ``app = FastAPI(...)``.
"""

from __future__ import annotations

from typing import Any

from frmk.utils.tracing import context
from frmk.utils.tracing.propagation import parse_traceparent

_HEADER = b"traceparent"


class TraceContextMiddleware:
    """Make the remote parent current for the duration of each HTTP / websocket request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        remote = None
        for key, value in scope.get("headers") or ():
            if key == _HEADER:  # ASGI header names are lowercase bytes
                remote = parse_traceparent(value)
                break
        if remote is None:
            await self.app(scope, receive, send)
            return
        token = context.attach(remote)
        try:
            await self.app(scope, receive, send)
        finally:
            context.detach(token)
