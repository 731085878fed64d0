"""GenAI spans for model calls (placeholder; replaced by the genai/httprt work).

``goalgen instrument`` writes ``trace_llm(self.llm.complete)(messages)``; until the GenAI
runtime lands here, ``trace_llm`` hands back the callable it is given, so instrumented code
runs unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def trace_llm(fn: F) -> F:
    """``fn`` itself (placeholder; replaced by the genai/httprt work)."""
    return fn
