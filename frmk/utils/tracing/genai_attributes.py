"""The ``gen_ai.*`` attributes of a chat span: read from a request, a result or a stream chunk.

Shared by ``trace_llm`` (``genai.py``), the OpenAI SDK wrapper (``openai_sdk.py``) and the
LangChain callback handler (``langchain.py``), so every path names things the same way. Objects
are read by their attributes (OpenAI SDK models, LangChain messages, plain mappings); neither
library is imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frmk.utils.tracing.span import TraceSpan

# frmk.llm provider names and LangChain's ls_provider values -> gen_ai.provider.name.
PROVIDER_NAMES = {
    "openai": "openai",
    "azure": "azure.ai.openai",
    "azure_openai": "azure.ai.openai",
    "ollama": "ollama",
    "local": "goalgen.local",
}
# Seconds from the request to the first chunk that carries output. The conventions define time
# to first token only as a metric; the name avoids "token", which the redactor treats as a secret.
TIME_TO_FIRST_CHUNK = "goalgen.gen_ai.time_to_first_chunk"
MAX_TOKENS_KEYS = ("max_tokens", "max_completion_tokens", "max_output_tokens")
_RESPONSE_ATTRIBUTES = (
    ("model", "gen_ai.response.model"),
    ("response_id", "gen_ai.response.id"),
    ("input_tokens", "gen_ai.usage.input_tokens"),
    ("output_tokens", "gen_ai.usage.output_tokens"),
    ("finish_reasons", "gen_ai.response.finish_reasons"),
)


def llm_span_attributes(
    provider: str | None,
    model: str | None,
    temperature: Any = None,
    max_tokens: Any = None,
) -> tuple[str, dict[str, Any]]:
    """The span name and request attributes of one chat call (absent values left out)."""
    attributes: dict[str, Any] = {"component": "llm", "gen_ai.operation.name": "chat"}
    if provider:
        attributes["gen_ai.provider.name"] = PROVIDER_NAMES.get(provider, provider)
    if model:
        attributes["gen_ai.request.model"] = str(model)
    if isinstance(temperature, (int, float)) and not isinstance(temperature, bool):
        attributes["gen_ai.request.temperature"] = temperature
    if _int(max_tokens) is not None:
        attributes["gen_ai.request.max_tokens"] = max_tokens
    return (f"chat {model}" if model else "chat"), attributes


def note_response(span: TraceSpan, fields: Mapping[str, Any]) -> None:
    """Set the response attributes of ``span`` from ``fields`` (keys as :func:`result_fields`
    gives them); ``None`` and empty lists are left out, never guessed."""
    for field, attribute in _RESPONSE_ATTRIBUTES:
        value = fields.get(field)
        if value is not None and value != []:
            span.metadata[attribute] = value


def result_fields(result: Any) -> dict[str, Any]:
    """Response model, id, token usage and finish reasons read from a call's result.

    Knows the OpenAI SDK's ``ChatCompletion`` (``choices[].finish_reason``) and ``Response``
    (finish reason: ``incomplete_details.reason``, else ``status``), and LangChain's
    ``AIMessage`` (``usage_metadata``, else ``response_metadata["token_usage"]``). Anything else,
    a plain string included, gives ``{}``.
    """
    if result is None or isinstance(result, (str, bytes)):
        return {}
    metadata = getattr(result, "response_metadata", None)
    if isinstance(metadata, Mapping):  # a LangChain message
        usage = getattr(result, "usage_metadata", None) or metadata.get("token_usage")
        reason = metadata.get("finish_reason") or metadata.get("done_reason")
        return {
            "model": _str(metadata.get("model_name") or metadata.get("model")),
            **usage_fields(usage),
            "finish_reasons": [reason] if isinstance(reason, str) else None,
        }
    fields = {
        "model": _str(getattr(result, "model", None)),
        "response_id": _str(getattr(result, "id", None)),
        **usage_fields(getattr(result, "usage", None)),
    }
    choices = getattr(result, "choices", None)
    if isinstance(choices, list):
        fields["finish_reasons"] = [
            c.finish_reason for c in choices if isinstance(getattr(c, "finish_reason", None), str)
        ]
    else:
        reason = first(getattr(result, "incomplete_details", None) or {}, "reason")
        reason = reason or getattr(result, "status", None)
        fields["finish_reasons"] = [reason] if isinstance(reason, str) else None
    return fields


def usage_fields(usage: Any) -> dict[str, Any]:
    """Input and output token counts from a usage object or mapping (OpenAI or LangChain names)."""
    if usage is None:
        return {}
    return {
        "input_tokens": _int(first(usage, "input_tokens", "prompt_tokens")),
        "output_tokens": _int(first(usage, "output_tokens", "completion_tokens")),
    }


def first(source: Any, *names: str) -> Any:
    """The first of ``names`` present and not ``None`` in a mapping or as an attribute."""
    mapping = type(source) is dict or isinstance(source, Mapping)
    for name in names:
        value = source.get(name) if mapping else getattr(source, name, None)
        if value is not None:
            return value
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
