"""Persisted thread ids in SQLite: new conversations get a fresh id, known ones get theirs back.

Uses the stdlib ``sqlite3`` in WAL mode; blocking work runs in ``asyncio.to_thread`` so the event
loop never waits on disk. The first message of a conversation claims its row with
``INSERT OR IGNORE`` inside a ``BEGIN IMMEDIATE`` transaction, so concurrent first messages —
from one mapper, several mappers or several processes on the same file — all read back the one
thread id that won, and exactly one of them sees ``is_new=True``.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from frmk.conversation.context import ConversationContext
from frmk.conversation.mapper import ConversationMapper, MappingResult, noted

__all__ = ["DEFAULT_DB_PATH", "DatabaseMapper"]

DEFAULT_DB_PATH = "data/conversations.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation_threads (
    thread_key        TEXT PRIMARY KEY,
    thread_id         TEXT NOT NULL,
    channel_id        TEXT NOT NULL,
    tenant_id         TEXT NOT NULL,
    conversation_id   TEXT NOT NULL,
    conversation_type TEXT NOT NULL,
    created_at        REAL NOT NULL,
    last_seen         REAL NOT NULL,
    message_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS conversation_threads_thread_id ON conversation_threads (thread_id);
CREATE TABLE IF NOT EXISTS thread_participants (
    thread_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
CREATE INDEX IF NOT EXISTS thread_participants_user ON thread_participants (user_id);
"""


class DatabaseMapper(ConversationMapper):
    """Keeps conversation -> thread id mappings in the SQLite file at ``path``.

    The connection opens on first use (creating the file and its folder). ``timeout`` is how
    long a writer waits for another process holding the database lock.
    """

    strategy = "database"

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB_PATH, *, timeout: float = 30.0):
        self.path = os.fspath(path)
        self.timeout = timeout
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    async def get_thread_id(self, ctx: ConversationContext) -> MappingResult:
        thread_id, is_new = await asyncio.to_thread(self._map, ctx)
        return noted(ctx, MappingResult(thread_id, is_new, self.strategy))

    async def forget(self, ctx: ConversationContext) -> bool:
        return await asyncio.to_thread(self._forget, ctx.thread_key())

    async def delete(self, thread_id: str) -> bool:
        return await asyncio.to_thread(self._delete, thread_id)

    async def list_threads(self, user_id: str) -> list[str]:
        return await asyncio.to_thread(self._list_threads, user_id)

    async def prune(self, older_than_seconds: float) -> int:
        """Drop threads not seen for ``older_than_seconds``; returns how many were dropped."""
        return await asyncio.to_thread(self._prune, time.time() - older_than_seconds)

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def __repr__(self) -> str:
        return f"DatabaseMapper(path={self.path!r})"

    # Blocking parts; each runs in a worker thread and holds the instance lock.

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path != ":memory:" and not self.path.startswith("file:"):
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=self.timeout,
                isolation_level=None,  # explicit BEGIN/COMMIT below
                check_same_thread=False,
                uri=self.path.startswith("file:"),
            )
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        """Switch to WAL and create the tables, retrying while another connection does the same.

        Changing the journal mode answers "database is locked" at once, without waiting for the
        busy timeout, when two connections open a fresh file together; so this retries until
        ``timeout``. The schema is created inside ``BEGIN IMMEDIATE`` for the same reason.
        """
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            try:
                mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
                if mode not in ("wal", "memory"):  # in-memory databases cannot use WAL
                    mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
                    if mode != "wal":
                        raise sqlite3.OperationalError("database is locked (journal mode)")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")
                return
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def _transaction(self, work: Any) -> Any:
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

    def _map(self, ctx: ConversationContext) -> tuple[str, bool]:
        key = ctx.thread_key()
        candidate = f"{ctx.thread_prefix}-{uuid.uuid4().hex}"
        now = time.time()

        def work(conn: sqlite3.Connection) -> tuple[str, bool]:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO conversation_threads (thread_key, thread_id, channel_id,"
                " tenant_id, conversation_id, conversation_type, created_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, candidate, ctx.channel_id, ctx.tenant_id, ctx.conversation_id,
                 ctx.conversation_type, now, now),
            ).rowcount
            conn.execute(
                "UPDATE conversation_threads SET last_seen = ?, message_count = message_count + 1"
                " WHERE thread_key = ?",
                (now, key),
            )
            (thread_id,) = conn.execute(
                "SELECT thread_id FROM conversation_threads WHERE thread_key = ?", (key,)
            ).fetchone()
            users = [(thread_id, user) for user in {ctx.user_id, ctx.user_aad_id} if user]
            conn.executemany(
                "INSERT OR IGNORE INTO thread_participants (thread_id, user_id) VALUES (?, ?)",
                users,
            )
            return thread_id, inserted == 1

        return self._transaction(work)

    def _forget(self, key: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT thread_id FROM conversation_threads WHERE thread_key = ?", (key,)
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM conversation_threads WHERE thread_key = ?", (key,))
            _drop_orphan_participants(conn, row[0])
            return True

        return self._transaction(work)

    def _delete(self, thread_id: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            removed = conn.execute(
                "DELETE FROM conversation_threads WHERE thread_id = ?", (thread_id,)
            ).rowcount
            conn.execute("DELETE FROM thread_participants WHERE thread_id = ?", (thread_id,))
            return removed > 0

        return self._transaction(work)

    def _list_threads(self, user_id: str) -> list[str]:
        with self._lock:
            rows = self._connection().execute(
                "SELECT p.thread_id FROM thread_participants AS p"
                " JOIN conversation_threads AS t ON t.thread_id = p.thread_id"
                " WHERE p.user_id = ? GROUP BY p.thread_id ORDER BY MAX(t.last_seen) DESC",
                (user_id,),
            ).fetchall()
        return [row[0] for row in rows]

    def _prune(self, cutoff: float) -> int:
        def work(conn: sqlite3.Connection) -> int:
            stale = [
                row[0]
                for row in conn.execute(
                    "SELECT thread_id FROM conversation_threads WHERE last_seen < ?", (cutoff,)
                )
            ]
            conn.execute("DELETE FROM conversation_threads WHERE last_seen < ?", (cutoff,))
            for thread_id in stale:
                _drop_orphan_participants(conn, thread_id)
            return len(stale)

        return self._transaction(work)

    def _close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _drop_orphan_participants(conn: sqlite3.Connection, thread_id: str) -> None:
    """Remove a thread's participant rows once no conversation maps to that thread any more."""
    conn.execute(
        "DELETE FROM thread_participants WHERE thread_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM conversation_threads WHERE thread_id = ?)",
        (thread_id, thread_id),
    )
