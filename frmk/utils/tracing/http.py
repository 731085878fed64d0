"""Client spans for outgoing HTTP requests made with httpx or aiohttp.

``goalgen instrument`` changes client constructors visibly, instead of patching the libraries at
import time::

    trace_client(httpx.AsyncClient)(timeout=10)
    aiohttp.ClientSession(trace_configs=aiohttp_trace_configs())

Each request sent is a span of kind ``client`` named after its method (OpenTelemetry HTTP
semantic conventions), and that span's id goes out in ``traceparent``, so the server span of
the next service is its child. The span is never made current: the caller's code after the
request still runs under the caller's span. ``httpx_event_hooks()`` (propagation only, no span)
stays for code instrumented before ``trace_client`` existed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from frmk.utils.tracing.propagation import HEADER, current_traceparent, format_traceparent
from frmk.utils.tracing.span import TraceSpan

# Methods the conventions know; any other is recorded as `_OTHER` in a span named `HTTP`.
_METHODS = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE", "QUERY"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def start_client_span(method: str) -> TraceSpan:
    """A client span for one request, child of the current span; not made current."""
    return TraceSpan(method if method in _METHODS else "HTTP", kind="client", component="http")


def traceparent_of(span: TraceSpan) -> str:
    """The ``traceparent`` that makes the receiving server's span a child of ``span``."""
    return format_traceparent(span.trace_id, span.span_id, span.sampled)


def describe_request(
    span: TraceSpan, method: str, url_full: str, host: str | None, port: int | None, scheme: str
) -> None:
    """Set the request attributes (``url_full`` already without query string and userinfo)."""
    if not span.sampled:
        return
    meta = span.metadata
    if method in _METHODS:
        span.name = method
        meta["http.request.method"] = method
    else:
        span.name = "HTTP"
        meta["http.request.method"] = "_OTHER"
        meta["http.request.method_original"] = method
    meta["url.full"] = url_full
    if host:
        meta["server.address"] = host
    port = port or _DEFAULT_PORTS.get(scheme)
    if port:
        meta["server.port"] = port


def note_status(span: TraceSpan, status_code: int) -> None:
    """Record the response status; 4xx and 5xx mark the span failed (``error.type`` = the code)."""
    span.metadata["http.response.status_code"] = status_code
    if status_code >= 400:
        code = str(status_code)
        span.status = "error"
        span.error = {"type": code, "message": f"HTTP {code}"}
        span.metadata["error.type"] = code


def trace_client(cls: type) -> Callable[..., Any]:
    """A factory that builds ``cls`` (``httpx.Client``, ``httpx.AsyncClient`` or a subclass).

    ``trace_client(httpx.AsyncClient)(timeout=10)`` passes the arguments on unchanged, then wraps
    the client's transports (the default one and every mounted one) so that each request sent,
    redirects included, is a client span that ends when the response is closed, or with the
    transport error that prevented it.
    """
    from frmk.utils.tracing.http_httpx import check_client_class, trace_transports

    check_client_class(cls)

    @functools.wraps(cls, updated=())
    def build(*args: Any, **kwargs: Any) -> Any:
        return trace_transports(cls(*args, **kwargs))

    return build


class _Done:
    """An awaitable that is already finished: lets one hook serve sync and async httpx clients."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())


_DONE = _Done()


def _httpx_request_hook(request: Any) -> _Done:
    value = current_traceparent()
    if value is not None:
        request.headers[HEADER] = value
    return _DONE


def httpx_event_hooks(**extra: list[Any]) -> dict[str, list[Any]]:
    """``event_hooks`` that only send the current span in ``traceparent`` (no client span).

    Kept for code instrumented before ``trace_client``; other hooks may be added by name.
    """
    hooks: dict[str, list[Any]] = {"request": [_httpx_request_hook], "response": []}
    for name, funcs in extra.items():
        hooks.setdefault(name, []).extend(funcs)
    return hooks


def aiohttp_trace_configs() -> list[Any]:
    """``trace_configs`` for ``aiohttp.ClientSession``: a client span per request sent."""
    from frmk.utils.tracing.http_aiohttp import trace_config

    return [trace_config()]
