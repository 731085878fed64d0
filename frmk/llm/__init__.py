"""LLM access for agents and supervisors.

    from frmk.llm import choose, get_llm

    llm = get_llm(**spec["agents"]["flight_agent"]["llm_config"])   # LLM_PROVIDER, default local
    text = await llm.complete([{"role": "system", "content": "You are flight_agent."},
                               {"role": "user", "content": "Flights from Paris to Rome"}])
    agent = await choose(llm, "Book me a flight", {"flight_agent": "...", "hotel_agent": "..."})
"""

from frmk.llm.errors import LLMConfigurationError
from frmk.llm.extraction import extract_fields
from frmk.llm.local import LocalLLM, LocalReplies
from frmk.llm.local_turn import LocalTurn, ToolNote
from frmk.llm.messages import ROLES, normalize_messages
from frmk.llm.providers import PROVIDERS, ChatModelLLM, get_llm
from frmk.llm.routing import choose, keyword_scores

__all__ = [
    "PROVIDERS",
    "ROLES",
    "ChatModelLLM",
    "LLMConfigurationError",
    "LocalLLM",
    "LocalReplies",
    "LocalTurn",
    "ToolNote",
    "choose",
    "extract_fields",
    "get_llm",
    "keyword_scores",
    "normalize_messages",
]
