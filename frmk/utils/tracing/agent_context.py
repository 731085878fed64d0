"""What an ``agent.*`` span invoked: the GenAI ``invoke_agent`` operation and the agent's name.

``TraceSpan`` calls ``note_agent`` for recorded spans whose name starts with ``agent.`` (the
``agent`` kind's ``agent.<Class>.invoke`` / ``.ainvoke``), with the frame that made the span, so
the inserted code stays the plain ``@trace_span("agent.…")``. The name is the ``.name`` of the
traced call's first argument (``self``: ``frmk.agents.BaseAgent`` has one). Attributes given
explicitly win; the span name does not change.
"""

from __future__ import annotations

from types import FrameType
from typing import Any

from frmk.utils.tracing.frames import traced_arguments

OPERATION = "gen_ai.operation.name"
AGENT_NAME = "gen_ai.agent.name"


def note_agent(metadata: dict[str, Any], name: str, frame: FrameType) -> None:
    """Add ``gen_ai.operation.name = invoke_agent`` and ``gen_ai.agent.name`` to ``metadata``
    (``name``, the span's, is not needed: every ``agent.`` span is an invocation).

    Never raises: an agent without a usable ``.name`` gets the operation only.
    """
    metadata.setdefault(OPERATION, "invoke_agent")
    if AGENT_NAME in metadata:
        return
    try:
        values = traced_arguments(frame)
        agent = getattr(values[0], "name", None) if values else None
    except Exception:  # an odd object must never break the agent
        return
    if isinstance(agent, str) and agent:
        metadata[AGENT_NAME] = agent
