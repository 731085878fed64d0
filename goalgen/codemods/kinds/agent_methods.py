"""Agents: ``invoke`` / ``ainvoke`` of classes deriving from ``frmk.agents.BaseAgent``.

Directly or through project subclasses in any module; the span names the class that defines
the method::

    class FlightAgent(BaseAgent):                   class FlightAgent(BaseAgent):
        async def invoke(self, state):          ->      @trace_span("agent.FlightAgent.invoke")  # goalgen: instrument
            return {"flights": []}                      async def invoke(self, state):
                                                            return {"flights": []}
"""

from __future__ import annotations

from goalgen.codemods.plan import Context
from goalgen.codemods.registry import Kind

AGENT_METHODS = ("invoke", "ainvoke")


def trace_agent_methods(ctx: Context) -> None:
    for func in ctx.scan.funcs.values():
        if func.class_key is None or func.name not in AGENT_METHODS:
            continue
        if "agent" in ctx.class_kinds(func.class_key):
            owner = ctx.scan.classes[func.class_key].name
            ctx.trace_function(func, "agent", f"agent.{owner}.{func.name}")


KIND = Kind(
    name="agent",
    order=2,
    plan=trace_agent_methods,
    span_prefix="agent.",
    words=("BaseAgent",),
    bases=(("frmk.agents", frozenset({"BaseAgent"})),),
)
