"""The conversation-mapper contract: a conversation turn in, a workflow thread id out.

The bot asks a mapper which LangGraph thread a Teams/Emulator conversation belongs to, so the
workflow's checkpoints follow the conversation. Implementations: ``HashMapper`` (stateless,
derived ids), ``DatabaseMapper`` (SQLite, persisted ids) and ``PostgresMapper`` (PostgreSQL,
persisted ids shared by bot replicas).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from frmk.conversation.context import ConversationContext
from frmk.utils.tracing import add_trace_metadata

__all__ = ["ConversationMapper", "MappingResult", "noted"]


@dataclass(frozen=True)
class MappingResult:
    """A mapper's answer: the thread id, whether the thread starts now, and the strategy used."""

    thread_id: str
    is_new: bool
    strategy: str


def noted(ctx: ConversationContext, result: MappingResult) -> MappingResult:
    """``result``, once the current span (when one is active, e.g. the instrumented
    ``mapper.get_thread_id``) records which conversation and thread the turn belongs to: the
    conversation by its hash (as on bot spans), never by its raw id."""
    from frmk.utils.tracing.bot_context import conversation_hash

    add_trace_metadata(
        **{"bot.conversation.hash": conversation_hash(ctx.conversation_id)},
        thread_id=result.thread_id,
        is_new=result.is_new,
        strategy=result.strategy,
    )
    return result


class ConversationMapper(ABC):
    """Maps conversation contexts to thread ids; usable as an (async) context manager."""

    strategy: str = ""

    @abstractmethod
    async def get_thread_id(self, ctx: ConversationContext) -> MappingResult:
        """Return the thread for ``ctx``, creating it on the conversation's first message."""

    @abstractmethod
    async def forget(self, ctx: ConversationContext) -> bool:
        """Drop what the mapper keeps for ``ctx``'s thread; True when something was dropped.

        For a mapper that stores ids, the next message of the conversation starts a new thread.
        """

    @abstractmethod
    async def delete(self, thread_id: str) -> bool:
        """Drop every mapping that points to ``thread_id``; True when something was dropped."""

    @abstractmethod
    async def list_threads(self, user_id: str) -> list[str]:
        """Thread ids this mapper knows for a user (channel user id or AAD object id)."""

    async def close(self) -> None:
        """Release resources (connections); the default has none."""
        return None

    async def __aenter__(self) -> ConversationMapper:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(strategy={self.strategy!r})"
