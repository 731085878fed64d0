"""OpenInference attributes beside the OpenTelemetry ones, for LLM-focused backends (Phoenix).

Phoenix decides how to show a span from ``openinference.span.kind`` (without it: UNKNOWN) and
reads token counts and model names under its own names, not the ``gen_ai.*`` ones. The OTLP sink
adds these when it exports (the span file keeps only our record): the kind from the span's
component, the LLM and tool fields copied from their GenAI counterparts. A value already set by
the traced code wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["PROJECT_ATTRIBUTE", "openinference_attributes"]

PROJECT_ATTRIBUTE = "openinference.project.name"  # a resource attribute: Phoenix's project

_SPAN_KINDS = {"llm": "LLM", "tool": "TOOL", "agent": "AGENT"}  # every other component: CHAIN
_COPIED = (
    ("llm.model_name", ("gen_ai.response.model", "gen_ai.request.model")),
    ("llm.provider", ("gen_ai.provider.name",)),
    ("llm.token_count.prompt", ("gen_ai.usage.input_tokens",)),
    ("llm.token_count.completion", ("gen_ai.usage.output_tokens",)),
    ("tool.name", ("gen_ai.tool.name",)),
    ("agent.name", ("gen_ai.agent.name",)),
)


def openinference_attributes(component: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenInference attributes for a span of ``component`` with ``metadata``."""
    out: dict[str, Any] = {"openinference.span.kind": _SPAN_KINDS.get(component, "CHAIN")}
    for name, sources in _COPIED:
        for source in sources:
            value = metadata.get(source)
            if value is not None:
                out[name] = value
                break
    prompt, completion = out.get("llm.token_count.prompt"), out.get("llm.token_count.completion")
    if isinstance(prompt, int) and isinstance(completion, int):
        out["llm.token_count.total"] = prompt + completion
    for key in list(out):
        if key in metadata:
            del out[key]
    return out
