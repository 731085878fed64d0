"""Spans for model calls and tool calls, named by the OpenTelemetry GenAI conventions.

``goalgen instrument`` inserts these visibly at call sites and on tool functions::

    text = await trace_llm(self.llm.complete)(messages)
    reply = trace_llm(client.chat.completions.create)(model="gpt-4o-mini", messages=messages)

    @trace_tool("search_flights")
    async def search_flights(...) -> ToolResult: ...

A model call is a client span ``chat <model>`` (component ``llm``) with ``gen_ai.*`` request
attributes from the call and response attributes (response model, token usage, finish reasons)
from the result; an OpenAI SDK stream is handed back wrapped, and its span ends when the stream
is exhausted or closed. A frmk provider returns plain text, so it reports its response itself
through :func:`note_llm_response`. Nothing here imports openai or LangChain: objects are read by
their attributes, so this module costs nothing to import and never changes what is sent.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from frmk.utils.tracing import openai_sdk
from frmk.utils.tracing.config import settings
from frmk.utils.tracing.context import current as _current
from frmk.utils.tracing.genai_attributes import (
    MAX_TOKENS_KEYS,
    first,
    llm_span_attributes,
    note_response,
    result_fields,
)
from frmk.utils.tracing.redact import redact_text
from frmk.utils.tracing.span import TraceSpan, note_exception

__all__ = ["note_llm_response", "trace_llm", "trace_tool"]

F = TypeVar("F", bound=Callable[..., Any])

_TOOL_ERROR_CHARS = 256


def note_llm_response(
    *,
    model: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    finish_reasons: Iterable[str] | None = None,
    response_id: str | None = None,
) -> bool:
    """Report a response to the current span when it is a recording ``llm`` span.

    For providers that return plain text (``frmk.llm``): the ``trace_llm`` span around the call
    learns what only the provider saw. ``False`` (and nothing set) without such a span.
    """
    span = _current.get()
    if not isinstance(span, TraceSpan) or span.component != "llm" or not span.sampled:
        return False
    note_response(span, {
        "model": model, "input_tokens": input_tokens, "output_tokens": output_tokens,
        "finish_reasons": None if finish_reasons is None else list(finish_reasons),
        "response_id": response_id,
    })  # fmt: skip
    return True


def trace_llm(fn: F) -> F:
    """Make each call of ``fn`` (a bound method of a model client) a ``chat <model>`` span.

    ``fn`` is a ``frmk.llm`` provider's ``complete``, an OpenAI SDK ``chat.completions.create``
    or ``responses.create`` (sync or async clients, ``stream=True`` included) or any other model
    call. The result is passed back unchanged (a stream wrapped, every chunk unchanged). With
    ``TRACING_ENABLED=false`` ``fn`` itself is returned.
    """
    if not settings.enabled:
        return fn
    owner = getattr(fn, "__self__", None)
    describe = openai_sdk.request if openai_sdk.is_resource(owner) else _request

    def start(kwargs: dict[str, Any]) -> TraceSpan:
        name, attributes = describe(owner, kwargs)
        return TraceSpan(name, kind="client", **attributes)

    return _traced(fn, start, _finish)


def _traced(
    fn: Callable[..., Any],
    start: Callable[[dict[str, Any]], TraceSpan],
    finish: Callable[[TraceSpan, Any], Any],
) -> Any:
    """``fn`` wrapped (sync or async, as ``fn`` is): ``start(kwargs)`` opens the span, current
    while ``fn`` runs; ``finish(span, result)`` ends it and gives what the call returns; an
    exception fails and ends it, then propagates."""
    if inspect.iscoroutinefunction(inspect.unwrap(fn)):

        async def call_async(*args: Any, **kwargs: Any) -> Any:
            span = start(kwargs)
            token = _current.set(span)
            try:
                result = await fn(*args, **kwargs)
            except BaseException as exc:
                _fail(span, exc)
                raise
            finally:
                _current.reset(token)
            return finish(span, result)

        wrapper: Callable[..., Any] = call_async
    else:

        def call(*args: Any, **kwargs: Any) -> Any:
            span = start(kwargs)
            token = _current.set(span)
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:
                _fail(span, exc)
                raise
            finally:
                _current.reset(token)
            return finish(span, result)

        wrapper = call
    return functools.update_wrapper(wrapper, fn)


def _request(owner: Any, kwargs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Request attributes of a ``frmk.llm`` provider (``provider``, ``model``, ``temperature``,
    ``max_tokens`` on the instance, overridden per call) or of any other model object."""
    provider = getattr(owner, "provider", None)
    model = kwargs.get("model") or getattr(owner, "model", None) or getattr(
        owner, "model_name", None
    )
    temperature = kwargs.get("temperature", getattr(owner, "temperature", None))
    max_tokens = first(kwargs, *MAX_TOKENS_KEYS)
    if max_tokens is None:
        max_tokens = getattr(owner, "max_tokens", None)
    return llm_span_attributes(
        provider if isinstance(provider, str) else None,
        model if isinstance(model, str) else None,
        temperature,
        max_tokens,
    )


def _finish(span: TraceSpan, result: Any) -> Any:
    if span.sampled:
        stream = openai_sdk.traced_stream(result, span)
        if stream is not None:
            return stream
        note_response(span, result_fields(result))
    span.end()
    return result


def _fail(span: TraceSpan, exc: BaseException) -> None:
    note_exception(span, exc)
    span.end()


def trace_tool(name: str) -> Callable[[F], F]:
    """Decorate a tool function (sync or async) so each call is an ``execute_tool <name>`` span.

    The span fails when the tool raises, or returns a result with ``ok is False`` (the generated
    projects' ``ToolResult``) or a LangChain ``ToolMessage`` with ``status == "error"``: error
    type ``ToolError``, message the result's content (cut). The result is returned unchanged.
    """

    def decorate(fn: F) -> F:
        if isinstance(fn, (staticmethod, classmethod)):
            return type(fn)(decorate(fn.__func__))  # type: ignore[return-value]
        if not settings.enabled:
            return fn
        span_name = f"execute_tool {name}"

        def start(kwargs: dict[str, Any]) -> TraceSpan:
            return TraceSpan(span_name, component="tool", **{
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name,
            })  # fmt: skip

        return _traced(fn, start, _tool_outcome)  # type: ignore[no-any-return]

    return decorate


def _tool_outcome(span: TraceSpan, result: Any) -> Any:
    """End a tool's span, failed when ``result`` says the tool failed; returns ``result``."""
    call_id = getattr(result, "tool_call_id", None)
    if isinstance(call_id, str) and call_id:
        span.metadata["gen_ai.tool.call.id"] = call_id
    failed = getattr(result, "ok", None) is False or (
        call_id is not None and getattr(result, "status", None) == "error"
    )
    if failed:
        content = getattr(result, "content", "")
        span.status = "error"
        span.error = {
            "type": "ToolError",
            "message": redact_text(content if isinstance(content, str) else repr(content))[
                :_TOOL_ERROR_CHARS
            ],
        }
        span.metadata["error.type"] = "ToolError"
    span.end()
    return result
