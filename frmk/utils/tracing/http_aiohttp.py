"""An aiohttp ``TraceConfig`` that makes each request sent a client span.

aiohttp gives every request its own context object (``trace_config_ctx``); the span of the hop
in flight lives there. A redirect ends that hop's span and opens the next one, whose id replaces
``traceparent`` in the headers aiohttp reuses for the next hop. aiohttp reports the method and
URL of a hop when it ends, so the attributes are set then. The span ends when the response
headers arrive (``on_request_end``): aiohttp has no signal for the end of the body.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from frmk.utils.tracing.http import (
    describe_request,
    note_status,
    start_client_span,
    traceparent_of,
)
from frmk.utils.tracing.propagation import HEADER
from frmk.utils.tracing.span import note_exception


def trace_config() -> aiohttp.TraceConfig:
    """A fresh ``TraceConfig`` with the span callbacks attached."""
    config = aiohttp.TraceConfig()
    config.on_request_start.append(_on_request_start)
    config.on_request_redirect.append(_on_request_redirect)
    config.on_request_end.append(_on_request_end)
    config.on_request_exception.append(_on_request_exception)
    return config


def _open(ctx: Any, method: str, headers: Any) -> None:
    span = start_client_span(method)
    headers[HEADER] = traceparent_of(span)
    ctx.frmk_span = span


def _close(ctx: Any, params: Any) -> Any:
    """The hop's span with its request attributes set, taken off the context (ended once)."""
    span = getattr(ctx, "frmk_span", None)
    if span is not None:
        ctx.frmk_span = None
        url = params.url
        describe_request(
            span, params.method, str(url.origin()) + url.raw_path, url.host, url.port, url.scheme
        )
    return span


async def _on_request_start(session: Any, ctx: Any, params: Any) -> None:
    _open(ctx, params.method, params.headers)


async def _on_request_redirect(session: Any, ctx: Any, params: Any) -> None:
    span = _close(ctx, params)
    if span is not None:
        note_status(span, params.response.status)
        span.end()
    _open(ctx, params.method, params.headers)


async def _on_request_end(session: Any, ctx: Any, params: Any) -> None:
    span = _close(ctx, params)
    if span is not None:
        note_status(span, params.response.status)
        span.end()


async def _on_request_exception(session: Any, ctx: Any, params: Any) -> None:
    span = _close(ctx, params)
    if span is not None:
        status = getattr(params.exception, "status", None)  # raise_for_status=True
        if isinstance(status, int) and status >= 100:
            span.metadata["http.response.status_code"] = status
        note_exception(span, params.exception)
        span.end()
