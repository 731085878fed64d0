"""BaseAgent: subclasses implement invoke and return a state update; the LLM comes lazily."""

from typing import TypedDict

import pytest

from frmk.agents import BaseAgent
from frmk.llm import LocalLLM

FLIGHT_SPEC = {
    "kind": "llm_agent",
    "tools": ["flight_search"],
    "llm_config": {"model": "gpt-4o-mini", "temperature": 0.3, "max_tokens": 800},
}


class FlightAgent(BaseAgent):
    async def invoke(self, state):
        reply = await self.llm.complete(
            [{"role": "system", "content": f"You are {self.name}."},
             {"role": "user", "content": state["message"]}]
        )
        return {"response": reply, "visited": [*state.get("visited", []), self.name]}


async def test_subclass_invoke_returns_a_state_update(monkeypatch):
    monkeypatch.delenv("LLM_PROVIDER", raising=False)
    agent = FlightAgent("flight_agent", FLIGHT_SPEC)
    update = await agent.invoke({"message": "Flights from Paris to Rome on May 3 for 2 people"})
    assert update["visited"] == ["flight_agent"]
    assert update["response"].startswith("As the flight agent, I understood your request about")
    assert isinstance(agent.llm, LocalLLM)  # built from llm_config on first use
    assert agent.llm.max_tokens == 800


def test_base_agent_is_abstract_and_needs_invoke():
    with pytest.raises(TypeError):
        BaseAgent("x")  # type: ignore[abstract]

    class Incomplete(BaseAgent):
        pass

    with pytest.raises(TypeError, match="invoke"):
        Incomplete("x")  # type: ignore[abstract]
    with pytest.raises(ValueError, match="non-empty name"):
        FlightAgent("")


def test_config_is_copied_and_explicit_llm_kept_and_repr_helps():
    llm = LocalLLM()
    agent = FlightAgent("flight_agent", FLIGHT_SPEC, llm=llm)
    assert agent.llm is llm
    assert agent.config == FLIGHT_SPEC and agent.config is not FLIGHT_SPEC
    assert agent.kind == "llm_agent" and agent.tools == ["flight_search"]
    assert repr(agent) == (
        "FlightAgent(name='flight_agent', kind='llm_agent', tools=['flight_search'], llm=LocalLLM)"
    )
    assert repr(FlightAgent("bare")) == "FlightAgent(name='bare', kind='llm_agent')"


async def test_agent_runs_as_a_langgraph_node(monkeypatch):
    from langgraph.graph import END, START, StateGraph

    monkeypatch.delenv("LLM_PROVIDER", raising=False)

    class State(TypedDict, total=False):
        message: str
        response: str
        visited: list

    agent = FlightAgent("flight_agent", FLIGHT_SPEC)
    graph = StateGraph(State)
    graph.add_node("flight_agent", agent.invoke)
    graph.add_edge(START, "flight_agent")
    graph.add_edge("flight_agent", END)
    result = await graph.compile().ainvoke({"message": "I need a flight to Tokyo"})
    assert result["visited"] == ["flight_agent"]
    assert "flight Tokyo" in result["response"]
