"""Persisted thread ids in PostgreSQL, for bot replicas that share one database.

The same tables and answers as ``DatabaseMapper`` (SQLite), on an async ``psycopg`` pool: the
first message of a conversation claims its row with ``INSERT ... ON CONFLICT DO NOTHING``, so
concurrent first messages — from any replica — read back the one thread id that won, and
exactly one of them sees ``is_new=True``. The tables are created on first use under a
transaction advisory lock: concurrent ``CREATE TABLE IF NOT EXISTS`` can otherwise fail on a
duplicate ``pg_type`` row. Needs ``goalgen-runtime[postgres]`` (psycopg, psycopg-pool).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from frmk.conversation.context import ConversationContext
from frmk.conversation.mapper import ConversationMapper, MappingResult, noted

__all__ = ["PostgresMapper"]

# Arbitrary, fixed: the advisory lock key the schema is created under (any replica, any app).
SCHEMA_LOCK_KEY = 0x676F616C67656E01  # "goalgen" + 1

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS conversation_threads (
        thread_key        TEXT PRIMARY KEY,
        thread_id         TEXT NOT NULL,
        channel_id        TEXT NOT NULL,
        tenant_id         TEXT NOT NULL,
        conversation_id   TEXT NOT NULL,
        conversation_type TEXT NOT NULL,
        created_at        DOUBLE PRECISION NOT NULL,
        last_seen         DOUBLE PRECISION NOT NULL,
        message_count     INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS conversation_threads_thread_id"
    " ON conversation_threads (thread_id)",
    """CREATE TABLE IF NOT EXISTS thread_participants (
        thread_id TEXT NOT NULL,
        user_id   TEXT NOT NULL,
        PRIMARY KEY (thread_id, user_id)
    )""",
    "CREATE INDEX IF NOT EXISTS thread_participants_user ON thread_participants (user_id)",
]

_DROP_ORPHANS = (
    "DELETE FROM thread_participants AS p WHERE p.thread_id = ANY(%s) AND NOT EXISTS"
    " (SELECT 1 FROM conversation_threads AS t WHERE t.thread_id = p.thread_id)"
)


class PostgresMapper(ConversationMapper):
    """Keeps conversation -> thread id mappings in the PostgreSQL database at ``url``.

    The pool opens on first use; ``max_connections`` bounds what one replica holds.
    """

    strategy = "database"

    def __init__(self, url: str, *, max_connections: int = 4, timeout: float = 30.0) -> None:
        self.url = url
        self.max_connections = max_connections
        self.timeout = timeout
        self._pool: Any = None
        self._opening = asyncio.Lock()

    async def get_thread_id(self, ctx: ConversationContext) -> MappingResult:
        key = ctx.thread_key()
        candidate = f"{ctx.thread_prefix}-{uuid.uuid4().hex}"
        now = time.time()
        async with self._transaction() as conn:
            inserted = await conn.execute(
                "INSERT INTO conversation_threads (thread_key, thread_id, channel_id, tenant_id,"
                " conversation_id, conversation_type, created_at, last_seen)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (thread_key) DO NOTHING",
                (key, candidate, ctx.channel_id, ctx.tenant_id, ctx.conversation_id,
                 ctx.conversation_type, now, now),
            )
            row = await (await conn.execute(
                "UPDATE conversation_threads SET last_seen = %s,"
                " message_count = message_count + 1 WHERE thread_key = %s RETURNING thread_id",
                (now, key),
            )).fetchone()
            thread_id = row[0]
            for user in sorted({ctx.user_id, ctx.user_aad_id} - {"", None}):
                await conn.execute(
                    "INSERT INTO thread_participants (thread_id, user_id) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (thread_id, user),
                )
        return noted(ctx, MappingResult(thread_id, inserted.rowcount == 1, self.strategy))

    async def forget(self, ctx: ConversationContext) -> bool:
        async with self._transaction() as conn:
            rows = await (await conn.execute(
                "DELETE FROM conversation_threads WHERE thread_key = %s RETURNING thread_id",
                (ctx.thread_key(),),
            )).fetchall()
            await conn.execute(_DROP_ORPHANS, ([row[0] for row in rows],))
        return bool(rows)

    async def delete(self, thread_id: str) -> bool:
        async with self._transaction() as conn:
            removed = await conn.execute(
                "DELETE FROM conversation_threads WHERE thread_id = %s", (thread_id,)
            )
            await conn.execute("DELETE FROM thread_participants WHERE thread_id = %s",
                               (thread_id,))
        return removed.rowcount > 0

    async def list_threads(self, user_id: str) -> list[str]:
        async with self._transaction() as conn:
            rows = await (await conn.execute(
                "SELECT p.thread_id FROM thread_participants AS p"
                " JOIN conversation_threads AS t ON t.thread_id = p.thread_id"
                " WHERE p.user_id = %s GROUP BY p.thread_id ORDER BY MAX(t.last_seen) DESC",
                (user_id,),
            )).fetchall()
        return [row[0] for row in rows]

    async def prune(self, older_than_seconds: float) -> int:
        """Drop threads not seen for ``older_than_seconds``; returns how many were dropped."""
        cutoff = time.time() - older_than_seconds
        async with self._transaction() as conn:
            rows = await (await conn.execute(
                "DELETE FROM conversation_threads WHERE last_seen < %s RETURNING thread_id",
                (cutoff,),
            )).fetchall()
            await conn.execute(_DROP_ORPHANS, ([row[0] for row in rows],))
        return len(rows)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def __repr__(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        return f"PostgresMapper(dbname={conninfo_to_dict(self.url).get('dbname')!r})"

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        """A pooled connection for one transaction: committed at the end, rolled back on error."""
        pool = self._pool or await self._open()
        async with pool.connection(timeout=self.timeout) as conn:
            yield conn

    async def _open(self) -> Any:
        async with self._opening:
            if self._pool is None:
                from psycopg_pool import AsyncConnectionPool

                pool = AsyncConnectionPool(
                    self.url, min_size=1, max_size=self.max_connections, open=False,
                    timeout=self.timeout, check=AsyncConnectionPool.check_connection,
                )
                await pool.open(wait=True, timeout=self.timeout)
                try:
                    async with pool.connection(timeout=self.timeout) as conn:
                        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
                        for statement in _SCHEMA:
                            await conn.execute(statement)
                except BaseException:
                    await pool.close()
                    raise
                self._pool = pool
        return self._pool
