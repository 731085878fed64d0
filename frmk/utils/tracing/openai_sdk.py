"""The OpenAI SDK side of ``trace_llm``: request attributes, and streams that end their span.

``client.chat.completions.create`` and ``client.responses.create`` are methods of resource
objects whose ``_client`` is the ``OpenAI`` / ``AsyncOpenAI`` / ``AzureOpenAI`` client. The
request attributes come from the call's keyword arguments (the SDK takes no positional ones);
the provider is ``azure.ai.openai`` for the Azure clients, else ``openai``; ``server.address``
and ``server.port`` come from the client's ``base_url``. The SDK is never imported here.

``stream=True`` returns a ``Stream`` / ``AsyncStream``; :func:`traced_stream` hands it back
wrapped. The wrapper passes every chunk through unchanged, notes the time to the first chunk
that carries output, the response model, finish reasons and the usage when a chunk carries it
(``stream_options={"include_usage": True}``; Responses API: the ``response.completed`` event),
and ends the span when the stream is exhausted, fails or is closed (``close()``, leaving
``with`` / ``async with``).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import Any

from frmk.utils.tracing.genai_attributes import (
    MAX_TOKENS_KEYS,
    TIME_TO_FIRST_CHUNK,
    first,
    llm_span_attributes,
    note_response,
    result_fields,
    usage_fields,
)
from frmk.utils.tracing.span import TraceSpan, note_exception

_AZURE_CLIENTS = frozenset({"AzureOpenAI", "AsyncAzureOpenAI", "BaseAzureClient"})
_STREAMS = frozenset({"Stream", "AsyncStream"})
_FINAL_EVENTS = frozenset({"response.completed", "response.incomplete", "response.failed"})
_providers: dict[type, str] = {}


def is_resource(owner: Any) -> bool:
    """Whether ``owner`` is an OpenAI SDK resource (``client.chat.completions``, ...)."""
    return type(owner).__module__.startswith("openai.resources.") and hasattr(owner, "_client")


def request(owner: Any, kwargs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The span name and request attributes of one SDK call."""
    client = owner._client
    name, attributes = llm_span_attributes(
        _provider(type(client)),
        kwargs.get("model") if isinstance(kwargs.get("model"), str) else None,
        kwargs.get("temperature"),
        first(kwargs, *MAX_TOKENS_KEYS),
    )
    url = getattr(client, "base_url", None)
    host = getattr(url, "host", None)
    if isinstance(host, str) and host:
        attributes["server.address"] = host
        port = getattr(url, "port", None)
        if isinstance(port, int):
            attributes["server.port"] = port
    return name, attributes


def _provider(client_type: type) -> str:
    provider = _providers.get(client_type)
    if provider is None:
        names = {cls.__name__ for cls in client_type.__mro__}
        provider = "azure.ai.openai" if names & _AZURE_CLIENTS else "openai"
        _providers[client_type] = provider
    return provider


def traced_stream(result: Any, span: TraceSpan) -> Any:
    """``result`` wrapped when it is an SDK stream, else ``None``."""
    cls = type(result)
    if cls.__name__ not in _STREAMS or not cls.__module__.startswith("openai"):
        return None
    recorder = _StreamRecorder(span)
    return _AsyncStream(result, recorder) if cls.__name__ == "AsyncStream" else _Stream(
        result, recorder
    )


class _StreamRecorder:
    """What the chunks of one stream said, set on the span when the stream ends."""

    __slots__ = ("span", "t0", "seen_output", "fields", "reasons", "ended")

    def __init__(self, span: TraceSpan) -> None:
        self.span = span
        self.t0 = perf_counter()
        self.seen_output = False
        self.fields: dict[str, Any] = {}
        self.reasons: dict[int, str] = {}
        self.ended = False

    def observe(self, chunk: Any) -> None:
        event = getattr(chunk, "type", None)
        if isinstance(event, str):  # Responses API events
            if event.endswith(".delta"):
                self._output()
            elif event in _FINAL_EVENTS:
                self.fields.update(result_fields(getattr(chunk, "response", None)))
            return
        fields = self.fields
        model = getattr(chunk, "model", None)
        if isinstance(model, str) and model:
            fields["model"] = model
        chunk_id = getattr(chunk, "id", None)
        if isinstance(chunk_id, str) and chunk_id:
            fields["response_id"] = chunk_id
        for choice in getattr(chunk, "choices", None) or ():
            delta = getattr(choice, "delta", None)
            if not self.seen_output and (
                getattr(delta, "content", None) or getattr(delta, "tool_calls", None)
            ):
                self._output()
            reason = getattr(choice, "finish_reason", None)
            if isinstance(reason, str):
                self.reasons[getattr(choice, "index", 0)] = reason
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            fields.update(usage_fields(usage))

    def _output(self) -> None:
        if not self.seen_output:
            self.seen_output = True
            self.span.metadata[TIME_TO_FIRST_CHUNK] = perf_counter() - self.t0

    def end(self, exc: BaseException | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        if self.reasons:
            self.fields.setdefault("finish_reasons", [self.reasons[i] for i in sorted(self.reasons)])
        note_response(self.span, self.fields)
        if exc is not None:
            note_exception(self.span, exc)
        self.span.end()


class _Stream:
    """A sync SDK stream, chunk for chunk; other attributes (``response``) are the stream's."""

    def __init__(self, stream: Any, recorder: _StreamRecorder) -> None:
        self._stream = stream
        self._recorder = recorder

    def __iter__(self) -> _Stream:
        return self

    def __next__(self) -> Any:
        try:
            chunk = next(self._stream)
        except StopIteration:
            self._recorder.end()
            raise
        except BaseException as exc:
            self._recorder.end(exc)
            raise
        self._recorder.observe(chunk)
        return chunk

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._recorder.end()

    def __enter__(self) -> _Stream:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _AsyncStream:
    """An async SDK stream, chunk for chunk; other attributes (``response``) are the stream's."""

    def __init__(self, stream: Any, recorder: _StreamRecorder) -> None:
        self._stream = stream
        self._recorder = recorder

    def __aiter__(self) -> _AsyncStream:
        return self

    async def __anext__(self) -> Any:
        try:
            chunk = await self._stream.__anext__()
        except StopAsyncIteration:
            self._recorder.end()
            raise
        except BaseException as exc:
            self._recorder.end(exc)
            raise
        self._recorder.observe(chunk)
        return chunk

    async def close(self) -> None:
        try:
            await self._stream.close()
        finally:
            self._recorder.end()

    async def __aenter__(self) -> _AsyncStream:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
