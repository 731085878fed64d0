"""The arguments of the call a span is about, read from the frame that opened the span.

``TraceSpan`` hands its caller's frame to the modules that describe a span from its call
(``bot_context``, ``agent_context``). That frame is one of ``span.py``'s wrappers (the decorator
style: the traced call's ``args`` and ``kwargs``) or the traced function itself (the
``with TraceSpan(...)`` style: its locals, parameters first).
"""

from __future__ import annotations

from types import FrameType
from typing import Any

_WRAPPERS = "frmk.utils.tracing.span"


def traced_arguments(frame: FrameType) -> list[Any]:
    """The traced call's arguments in order (``self`` first for a method)."""
    local = frame.f_locals
    if frame.f_globals.get("__name__") == _WRAPPERS:
        return [*local.get("args", ()), *local.get("kwargs", {}).values()]
    return list(local.values())  # parameters first, in order
