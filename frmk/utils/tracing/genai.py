"""placeholder; replaced by the genai work.

``trace_tool(name)``: a decorator making each call of a sync or async tool function a span
``execute_tool <name>`` (component ``tool``), failed when the tool raised or returned a result
with ``ok is False``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from frmk.utils.tracing.span import TraceSpan


def _failed(result: Any) -> bool:
    return getattr(result, "ok", None) is False or getattr(result, "status", None) == "error"


def trace_tool(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Trace each call of the decorated tool function as ``execute_tool <name>``."""

    def open_span() -> TraceSpan:
        return TraceSpan(
            f"execute_tool {name}",
            component="tool",
            **{"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name},
        )

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(fn):

            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with open_span() as span:
                    result = await fn(*args, **kwargs)
                    if _failed(result):
                        span.status = "error"
                    return result

            return functools.update_wrapper(run_async, fn)

        def run(*args: Any, **kwargs: Any) -> Any:
            with open_span() as span:
                result = fn(*args, **kwargs)
                if _failed(result):
                    span.status = "error"
                return result

        return functools.update_wrapper(run, fn)

    return decorate
