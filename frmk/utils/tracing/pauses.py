"""Exceptions that are control flow, not failures: LangGraph's ``GraphBubbleUp`` family.

LangGraph's ``interrupt()`` raises ``GraphInterrupt`` through the node that called it (and
``Command(graph=Command.PARENT)`` raises ``ParentCommand``); the graph catches it and pauses or
hands over. A span such an exception passes through ends with status ``ok`` and says why it
stopped instead. Found by class name along the exception type's MRO, so langgraph is never
imported; the answer is cached per type, so an ordinary exception costs one dict lookup.
"""

from __future__ import annotations

from typing import Any

BUBBLE_UP = "goalgen.langgraph.bubble_up"  # the control-flow exception's class name
INTERRUPTED = "goalgen.langgraph.interrupted"  # true when it was an interrupt()

_INTERRUPT = "langgraph.errors.GraphInterrupt"
_BUBBLE_UP = "langgraph.errors.GraphBubbleUp"
_known: dict[type, dict[str, Any] | None] = {}


def pause_attributes(exc_type: type) -> dict[str, Any] | None:
    """The attributes a span gets when ``exc_type`` passes through it, or ``None`` when such an
    exception is a failure."""
    try:
        return _known[exc_type]
    except KeyError:
        pass
    names = {f"{cls.__module__}.{cls.__qualname__}" for cls in exc_type.__mro__}
    found: dict[str, Any] | None = None
    if _BUBBLE_UP in names:
        found = {BUBBLE_UP: exc_type.__name__}
        if _INTERRUPT in names:
            found[INTERRUPTED] = True
    if len(_known) < 1024:
        _known[exc_type] = found
    return found
