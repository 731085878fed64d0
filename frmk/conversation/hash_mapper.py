"""Stateless thread ids: a hash of the conversation's identity, stable across restarts.

The same tenant/conversation/user always hashes to the same thread id, so no storage is needed
and any number of bot replicas agree. ``is_new`` can only be known per process: it is True the
first time this mapper instance sees a thread (a bounded in-memory record).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from frmk.conversation.context import ConversationContext
from frmk.conversation.mapper import ConversationMapper, MappingResult, noted

__all__ = ["HashMapper"]


class HashMapper(ConversationMapper):
    """Derives ``<kind>-<32 hex>`` thread ids from :meth:`ConversationContext.thread_key`.

    ``namespace`` separates bots that share a checkpoint store; ``max_remembered`` bounds the
    in-memory record behind ``is_new`` and ``list_threads``.
    """

    strategy = "hash"

    def __init__(self, namespace: str = "", max_remembered: int = 100_000):
        self.namespace = namespace
        self.max_remembered = max_remembered
        self._seen: OrderedDict[str, set[str]] = OrderedDict()  # thread id -> user ids seen

    def thread_id_for(self, ctx: ConversationContext) -> str:
        """The thread id for ``ctx``, computed without touching the in-memory record."""
        digest = hashlib.sha256(f"{self.namespace}\x00{ctx.thread_key()}".encode()).hexdigest()
        return f"{ctx.thread_prefix}-{digest[:32]}"

    async def get_thread_id(self, ctx: ConversationContext) -> MappingResult:
        thread_id = self.thread_id_for(ctx)
        users = self._seen.get(thread_id)
        is_new = users is None
        if users is None:
            users = self._seen[thread_id] = set()
        users.update(user for user in (ctx.user_id, ctx.user_aad_id) if user)
        self._seen.move_to_end(thread_id)
        while len(self._seen) > self.max_remembered:
            self._seen.popitem(last=False)
        return noted(ctx, MappingResult(thread_id, is_new, self.strategy))

    async def forget(self, ctx: ConversationContext) -> bool:
        return self._seen.pop(self.thread_id_for(ctx), None) is not None

    async def delete(self, thread_id: str) -> bool:
        return self._seen.pop(thread_id, None) is not None

    async def list_threads(self, user_id: str) -> list[str]:
        return [thread for thread, users in self._seen.items() if user_id in users]

    def __repr__(self) -> str:
        return f"HashMapper(namespace={self.namespace!r})"
