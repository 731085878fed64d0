"""``agent.*`` spans carry the GenAI ``invoke_agent`` operation and the running agent's name."""

from __future__ import annotations

import asyncio

import pytest

from frmk.agents import BaseAgent
from frmk.utils import tracing


class FlightAgent(BaseAgent):
    @tracing.trace_span("agent.FlightAgent.invoke")
    async def invoke(self, state):
        return {"flights": []}

    def ainvoke(self, state):  # the block style `goalgen instrument --style block` inserts
        with tracing.TraceSpan("agent.FlightAgent.ainvoke"):
            return {"flights": []}


class Nameless:
    @tracing.trace_span("agent.Nameless.invoke")
    def invoke(self, state):
        return {}


STYLES = [
    pytest.param(lambda a: asyncio.run(a.invoke({})), "agent.FlightAgent.invoke", id="decorator"),
    pytest.param(lambda a: a.ainvoke({}), "agent.FlightAgent.ainvoke", id="block"),
]


@pytest.mark.parametrize(("call", "name"), STYLES)
def test_agent_span_names_the_operation_and_the_agent(spans, call, name):
    call(FlightAgent("flight_agent"))
    (record,) = spans
    assert record["name"] == name
    assert record["metadata"] == {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "flight_agent",
    }


def test_an_agent_without_a_name_gets_the_operation_only(spans):
    Nameless().invoke({})
    assert spans[0]["metadata"] == {"gen_ai.operation.name": "invoke_agent"}


def test_attributes_given_explicitly_win(spans):
    with tracing.TraceSpan("agent.X.invoke", **{"gen_ai.agent.name": "chosen"}):
        pass
    assert spans[0]["metadata"]["gen_ai.agent.name"] == "chosen"


def test_other_spans_get_no_agent_attributes(spans):
    agent = FlightAgent("flight_agent")
    with tracing.TraceSpan("langgraph.node.flights"):
        assert agent.name
    assert spans[0]["metadata"] == {}
