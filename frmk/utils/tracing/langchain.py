"""A LangChain callback handler that makes each chat-model run a ``chat <model>`` span.

``goalgen instrument`` passes it where chat models are built, visibly::

    ChatOpenAI(model="gpt-4o-mini", callbacks=langchain_callbacks())

so ``invoke``, ``ainvoke``, ``stream`` and ``astream`` of that model (``ChatOpenAI``,
``AzureChatOpenAI``, ``ChatOllama``, any ``BaseChatModel``) are covered. Spans are kept by
LangChain's ``run_id``, not in a context variable: callbacks may run in another context than
the call. The parent is the frmk span current when the run starts. Imports ``langchain_core``.
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

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

__all__ = ["GenAICallbackHandler", "langchain_callbacks"]


def langchain_callbacks() -> list[BaseCallbackHandler]:
    """The handlers to pass as ``callbacks=`` to a LangChain chat model's constructor."""
    return [GenAICallbackHandler()]


class GenAICallbackHandler(BaseCallbackHandler):
    """Opens a client span at ``on_chat_model_start``, ends it at ``on_llm_end`` / ``_error``.

    Request attributes come from the run's invocation parameters (``model`` / ``model_name``,
    ``temperature``, ``max_tokens`` / ``max_completion_tokens`` / ``num_predict``) and
    LangChain's ``ls_*`` metadata (``ls_provider`` gives ``gen_ai.provider.name``); the response
    from the generation's message (``usage_metadata``), else ``llm_output["token_usage"]``.
    """

    run_inline = True  # called in the caller's thread and order, also for async runs

    def __init__(self) -> None:
        self._runs: dict[UUID, tuple[TraceSpan, float]] = {}

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        params = kwargs.get("invocation_params") or {}
        meta = metadata or {}
        model = first(params, "model", "model_name") or meta.get("ls_model_name")
        max_tokens = first(params, *MAX_TOKENS_KEYS, "num_predict")
        temperature = params.get("temperature", meta.get("ls_temperature"))
        name, attributes = llm_span_attributes(
            meta.get("ls_provider") if isinstance(meta.get("ls_provider"), str) else None,
            model if isinstance(model, str) else None,
            temperature,
            max_tokens if max_tokens is not None else meta.get("ls_max_tokens"),
        )
        self._runs[run_id] = (TraceSpan(name, kind="client", **attributes), perf_counter())

    def on_llm_new_token(self, token: str, *, run_id: UUID, **kwargs: Any) -> None:
        run = self._runs.get(run_id)
        if run is None or not token:
            return
        span, t0 = run
        if TIME_TO_FIRST_CHUNK not in span.metadata:
            span.metadata[TIME_TO_FIRST_CHUNK] = perf_counter() - t0

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        run = self._runs.pop(run_id, None)
        if run is None:
            return
        span = run[0]
        if span.sampled:
            note_response(span, _llm_result_fields(response))
        span.end()

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        run = self._runs.pop(run_id, None)
        if run is None:
            return
        span = run[0]
        note_exception(span, error)
        span.end()


def _llm_result_fields(response: Any) -> dict[str, Any]:
    """Fields of an ``LLMResult``: its first generation's message, then ``llm_output``."""
    generations = getattr(response, "generations", None) or [[]]
    generation = generations[0][0] if generations[0] else None
    fields = result_fields(getattr(generation, "message", None))
    info = getattr(generation, "generation_info", None) or {}
    reason = info.get("finish_reason") or info.get("done_reason")
    if not fields.get("finish_reasons") and isinstance(reason, str):
        fields["finish_reasons"] = [reason]
    output = getattr(response, "llm_output", None)
    if isinstance(output, Mapping):
        if fields.get("input_tokens") is None and fields.get("output_tokens") is None:
            fields.update(usage_fields(output.get("token_usage")))
        model = output.get("model_name") or output.get("model")
        if not fields.get("model") and isinstance(model, str):
            fields["model"] = model
    return fields
