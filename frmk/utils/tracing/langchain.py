"""LangChain callback handlers for chat models (placeholder; replaced by the genai/httprt work).

``goalgen instrument`` writes ``ChatOpenAI(..., callbacks=langchain_callbacks())``; until the
GenAI runtime lands here, the list is empty, so instrumented code runs unchanged.
"""

from __future__ import annotations

from typing import Any


def langchain_callbacks() -> list[Any]:
    """No handlers (placeholder; replaced by the genai/httprt work)."""
    return []
