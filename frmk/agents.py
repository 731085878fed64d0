"""The agent base class that generated workflows subclass.

An agent is a name, the agent's entry from the goal spec (``config``) and an LLM. Subclasses
implement ``async invoke(state) -> dict`` and return a LangGraph-style *state update*. The class
holds no tracing on purpose: ``goalgen instrument`` adds a span around ``invoke`` afterwards, so
hand-written and generated agents are traced the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

__all__ = ["BaseAgent"]


class BaseAgent(ABC):
    """A named agent with its spec config and an LLM; subclasses implement :meth:`invoke`.

    ``llm`` may be omitted: the first access to :attr:`llm` then builds one with
    :func:`frmk.llm.get_llm` from ``config["llm_config"]`` (provider from ``LLM_PROVIDER``).
    """

    def __init__(self, name: str, config: Mapping[str, Any] | None = None, llm: Any = None):
        if not isinstance(name, str) or not name:
            raise ValueError("an agent needs a non-empty name")
        self.name = name
        self.config: dict[str, Any] = dict(config or {})
        self._llm = llm

    @property
    def llm(self) -> Any:
        """The agent's LLM (an object with ``async complete(messages) -> str``)."""
        if self._llm is None:
            from frmk.llm import get_llm

            self._llm = get_llm(**dict(self.config.get("llm_config") or {}))
        return self._llm

    @llm.setter
    def llm(self, value: Any) -> None:
        self._llm = value

    @property
    def kind(self) -> str:
        """The spec's ``kind`` (``supervisor``, ``llm_agent``, ``evaluator``), default ``llm_agent``."""
        return str(self.config.get("kind") or "llm_agent")

    @property
    def tools(self) -> list[str]:
        """Names of the tools the spec gives this agent."""
        return [str(tool) for tool in self.config.get("tools") or []]

    @abstractmethod
    async def invoke(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """Handle ``state`` and return a state update (only the keys that change)."""

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}", f"kind={self.kind!r}"]
        if self.tools:
            parts.append(f"tools={self.tools!r}")
        if self._llm is not None:
            parts.append(f"llm={type(self._llm).__name__}")
        return f"{type(self).__name__}({', '.join(parts)})"
