"""httpx transports that make each request sent a client span (used by ``trace_client``).

httpx's event hooks never run when a request raises, so a refused connection or a timeout
would leave no trace there. A transport sees every request the client sends (each redirect
hop too) and every error, and its response stream is closed when the caller is done with the
body, which is when the span ends (``client.stream(...)`` included).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any

import httpx

from frmk.utils.tracing.http import (
    describe_request,
    note_status,
    start_client_span,
    traceparent_of,
)
from frmk.utils.tracing.propagation import HEADER
from frmk.utils.tracing.span import TraceSpan, note_exception


def check_client_class(cls: Any) -> None:
    """Refuse anything but an httpx client class, with a message that says what was given."""
    if not (isinstance(cls, type) and issubclass(cls, (httpx.Client, httpx.AsyncClient))):
        raise TypeError(
            f"trace_client expects httpx.Client or httpx.AsyncClient (or a subclass), got {cls!r}"
        )


def trace_transports(client: Any) -> Any:
    """Wrap the client's default transport and each mounted one (``None`` mounts stay)."""
    wrap = _AsyncTracedTransport if isinstance(client, httpx.AsyncClient) else _TracedTransport
    client._transport = _wrapped(client._transport, wrap)
    client._mounts = {
        pattern: None if transport is None else _wrapped(transport, wrap)
        for pattern, transport in client._mounts.items()
    }
    return client


def _wrapped(transport: Any, wrap: type) -> Any:
    return transport if isinstance(transport, wrap) else wrap(transport)


def _start(request: httpx.Request) -> TraceSpan:
    """Open the request's span and put its id in the request's ``traceparent``."""
    span = start_client_span(request.method)
    request.headers[HEADER] = traceparent_of(span)
    if span.sampled:
        url = request.url
        path = url.raw_path.split(b"?", 1)[0].decode("ascii")
        describe_request(
            span,
            request.method,
            f"{url.scheme}://{url.netloc.decode('ascii')}{path}",
            url.host,
            url.port,
            url.scheme,
        )
    return span


class _TracedTransport(httpx.BaseTransport):
    """Delegates to the client's own transport, one span around each request."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        span = _start(request)
        try:
            response = self._inner.handle_request(request)
        except BaseException as exc:
            note_exception(span, exc)
            span.end()
            raise
        note_status(span, response.status_code)
        if response.is_closed:  # body already read (MockTransport): nothing will close it
            span.end()
        else:
            response.stream = _SpanStream(response.stream, span)
        return response

    def close(self) -> None:
        self._inner.close()

    def __enter__(self) -> _TracedTransport:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        self._inner.__exit__(exc_type, exc_value, traceback)


class _AsyncTracedTransport(httpx.AsyncBaseTransport):
    """The async twin of ``_TracedTransport``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        span = _start(request)
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException as exc:
            note_exception(span, exc)
            span.end()
            raise
        note_status(span, response.status_code)
        if response.is_closed:  # body already read (MockTransport): nothing will close it
            span.end()
        else:
            response.stream = _AsyncSpanStream(response.stream, span)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> _AsyncTracedTransport:
        await self._inner.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self._inner.__aexit__(exc_type, exc_value, traceback)


class _SpanStream(httpx.SyncByteStream):
    """The response body: an error while reading it fails the span; closing it ends the span."""

    def __init__(self, inner: Any, span: TraceSpan) -> None:
        self._inner = inner
        self._span = span

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                note_exception(self._span, exc)
            raise

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._span.end()


class _AsyncSpanStream(httpx.AsyncByteStream):
    """The async twin of ``_SpanStream``."""

    def __init__(self, inner: Any, span: TraceSpan) -> None:
        self._inner = inner
        self._span = span

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                note_exception(self._span, exc)
            raise

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        finally:
            self._span.end()
