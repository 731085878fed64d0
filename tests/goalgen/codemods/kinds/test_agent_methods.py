"""Agent codemod: invoke/ainvoke of BaseAgent subclasses, directly or through project bases."""

from __future__ import annotations

import pytest
from codemod_cases import actions, check, check_noop, dedent, run

AGENT = ("agent",)

REWRITES = [
    pytest.param(
        """
        from frmk.agents import BaseAgent


        class FlightAgent(BaseAgent):
            async def invoke(self, state):
                return {"flights": []}

            def ainvoke(self, state):
                return self.invoke(state)

            async def search(self):
                return []
        """,
        """
        from frmk.agents import BaseAgent
        from frmk.utils.tracing import trace_span


        class FlightAgent(BaseAgent):
            @trace_span("agent.FlightAgent.invoke")  # goalgen: instrument
            async def invoke(self, state):
                return {"flights": []}

            @trace_span("agent.FlightAgent.ainvoke")  # goalgen: instrument
            def ainvoke(self, state):
                return self.invoke(state)

            async def search(self):
                return []
        """,
        id="direct-subclass",
    ),
    pytest.param(
        """
        import abc

        import frmk.agents as agents


        class ToolAgent(agents.BaseAgent):
            @abc.abstractmethod
            async def invoke(self, state):
                ...


        class Weather(ToolAgent):
            async def invoke(self, state):
                return {}
        """,
        """
        import abc

        import frmk.agents as agents
        from frmk.utils.tracing import trace_span


        class ToolAgent(agents.BaseAgent):
            @abc.abstractmethod
            async def invoke(self, state):
                ...


        class Weather(ToolAgent):
            @trace_span("agent.Weather.invoke")  # goalgen: instrument
            async def invoke(self, state):
                return {}
        """,
        id="abstract-stub-skipped-subclass-traced",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=AGENT)


def test_abstract_stub_reported_as_skipped() -> None:
    result = run(dedent(REWRITES[1].values[0]), kinds=AGENT)
    assert [(t.name, t.action, t.reason) for t in result.targets] == [
        ("ToolAgent.invoke", "skipped", "abstract method without a body"),
        ("Weather.invoke", "added", ""),
    ]


NOOPS = [
    pytest.param(
        """
        class Agent:
            async def invoke(self, state):
                return {}
        """,
        id="not-a-base-agent",
    ),
    pytest.param(
        """
        from typing import Protocol, overload

        from frmk.agents import BaseAgent


        class Invokable(Protocol):
            async def invoke(self, state): ...


        class A(BaseAgent):
            @overload
            def invoke(self, state: int) -> int: ...
        """,
        id="protocol-and-overload",
    ),
]


@pytest.mark.parametrize("code", NOOPS)
def test_noops(code: str) -> None:
    check_noop(code, kinds=AGENT)


def test_cross_module_base() -> None:
    base = "from frmk.agents import BaseAgent\n\n\nclass LLMAgent(BaseAgent):\n    pass\n"
    code = """
    from workflow.agents.base import LLMAgent


    class HotelAgent(LLMAgent):
        async def invoke(self, state):
            return {}
    """
    result = run(
        dedent(code),
        module="workflow.agents.hotel",
        others={"workflow.agents.base": base},
        kinds=AGENT,
    )
    assert actions(result) == [("agent", "agent.HotelAgent.invoke", "added")]


AGENTS = '''
from frmk.agents import BaseAgent


class EchoAgent(BaseAgent):
    async def invoke(self, state):
        """Echo the request."""
        if state.get("fail"):
            raise RuntimeError("boom")
        return {"response": state["message"]}
'''


@pytest.mark.parametrize("style", ["auto", "block"])
async def test_traced_agent_behaves_the_same(style, load, spans) -> None:
    code = run(dedent(AGENTS), module="tracedagents.echo", kinds=AGENT, style=style).code
    module = load({"tracedagents.echo": code}, "tracedagents.echo")
    agent = module.EchoAgent("echo")
    assert await agent.invoke({"message": "hi"}) == {"response": "hi"}
    assert module.EchoAgent.invoke.__doc__ == "Echo the request."
    with pytest.raises(RuntimeError, match="boom"):
        await agent.invoke({"fail": True})
    assert [(s["name"], s["status"]) for s in spans] == [
        ("agent.EchoAgent.invoke", "ok"),
        ("agent.EchoAgent.invoke", "error"),
    ]
