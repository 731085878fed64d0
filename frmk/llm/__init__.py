"""LLM access for agents and supervisors.

    from frmk.llm import choose, get_llm

    llm = get_llm(**spec["agents"]["account_agent"]["llm_config"])  # LLM_PROVIDER, default local
    text = await llm.complete([{"role": "system", "content": "You are the account agent."},
                               {"role": "user", "content": "I forgot my password"}])
    agent = await choose(llm, "My VPN drops", {"account_agent": "...", "network_agent": "..."})
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
