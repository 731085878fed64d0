"""DatabaseMapper on a real SQLite file: persistence, is_new, housekeeping and concurrency."""

import asyncio
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from frmk.conversation import ConversationContext, DatabaseMapper

REPO = Path(__file__).resolve().parents[3]


def personal(user, tenant="t1"):
    return ConversationContext("msteams", f"a:{user}", user, "personal", tenant_id=tenant)


def channel(conversation, user="29:ann"):
    return ConversationContext("msteams", conversation, user, "channel", tenant_id="t1")


async def test_mapping_persists_across_instances_and_is_new_only_first(tmp_path):
    path = tmp_path / "state" / "conversations.db"
    async with DatabaseMapper(path) as mapper:
        first = await mapper.get_thread_id(personal("29:ann"))
        second = await mapper.get_thread_id(personal("29:ann"))
    assert path.exists()
    assert (first.is_new, second.is_new) == (True, False)
    assert first.thread_id == second.thread_id and first.thread_id.startswith("personal-")
    assert first.strategy == "database"

    async with DatabaseMapper(path) as reopened:
        later = await reopened.get_thread_id(personal("29:ann"))
        bob = await reopened.get_thread_id(personal("29:bob"))
    assert later.thread_id == first.thread_id and later.is_new is False
    assert bob.is_new is True and bob.thread_id != first.thread_id

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        count = conn.execute(
            "SELECT message_count FROM conversation_threads WHERE thread_id = ?",
            (first.thread_id,),
        ).fetchone()[0]
    assert count == 3


async def test_channel_reply_chains_get_their_own_threads(tmp_path):
    async with DatabaseMapper(tmp_path / "c.db") as mapper:
        a = await mapper.get_thread_id(channel("19:g@thread.tacv2;messageid=1"))
        a_bob = await mapper.get_thread_id(channel("19:g@thread.tacv2;messageid=1", "29:bob"))
        b = await mapper.get_thread_id(channel("19:g@thread.tacv2;messageid=2"))
    assert a.thread_id == a_bob.thread_id and a_bob.is_new is False
    assert b.thread_id != a.thread_id and b.is_new is True


async def test_housekeeping_forget_delete_list_prune(tmp_path):
    async with DatabaseMapper(tmp_path / "h.db") as mapper:
        ann = await mapper.get_thread_id(personal("29:ann"))
        chain = await mapper.get_thread_id(channel("19:g;messageid=1", "29:ann"))
        await mapper.get_thread_id(channel("19:g;messageid=1", "29:bob"))
        assert set(await mapper.list_threads("29:ann")) == {ann.thread_id, chain.thread_id}
        assert await mapper.list_threads("29:bob") == [chain.thread_id]

        assert await mapper.forget(personal("29:ann")) is True
        assert await mapper.forget(personal("29:ann")) is False
        fresh = await mapper.get_thread_id(personal("29:ann"))
        assert fresh.is_new is True and fresh.thread_id != ann.thread_id

        assert await mapper.delete(chain.thread_id) is True
        assert await mapper.delete(chain.thread_id) is False
        assert await mapper.list_threads("29:bob") == []

        assert await mapper.prune(older_than_seconds=3600) == 0
        assert await mapper.prune(older_than_seconds=-1) == 1
        assert await mapper.list_threads("29:ann") == []


async def test_fifty_concurrent_first_messages_share_one_thread(tmp_path):
    async with DatabaseMapper(tmp_path / "race.db") as mapper:
        ctx = channel("19:race@thread.tacv2;messageid=9")
        results = await asyncio.gather(*(mapper.get_thread_id(ctx) for _ in range(50)))
    assert len({r.thread_id for r in results}) == 1
    assert sum(r.is_new for r in results) == 1


def test_two_mapper_instances_in_threads_agree_on_one_thread(tmp_path):
    path = tmp_path / "shared.db"
    ctx = personal("29:racer")
    barrier = threading.Barrier(2, timeout=30)
    results: list = []
    errors: list = []

    def worker():
        async def run():
            async with DatabaseMapper(path) as mapper:
                barrier.wait()
                return await asyncio.gather(*(mapper.get_thread_id(ctx) for _ in range(25)))

        try:
            results.extend(asyncio.run(run()))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 50
    assert len({r.thread_id for r in results}) == 1
    assert sum(r.is_new for r in results) == 1


def test_two_processes_on_one_file_agree_on_one_thread(tmp_path):
    path = tmp_path / "procs.db"
    script = textwrap.dedent(
        f"""
        import asyncio, sys, time
        from frmk.conversation import ConversationContext, DatabaseMapper
        ctx = ConversationContext("msteams", "19:p;messageid=1", "29:p", "channel")
        async def main():
            async with DatabaseMapper({str(path)!r}) as mapper:
                start = float(sys.argv[1])
                time.sleep(max(0.0, start - time.time()))
                for r in await asyncio.gather(*(mapper.get_thread_id(ctx) for _ in range(20))):
                    print(r.thread_id, int(r.is_new))
        asyncio.run(main())
        """
    )
    import time

    start = str(time.time() + 0.6)
    procs = [
        subprocess.Popen([sys.executable, "-c", script, start], cwd=REPO, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    lines = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        lines += out.split("\n")[:-1]
    assert len(lines) == 40
    assert len({line.split()[0] for line in lines}) == 1
    assert sum(int(line.split()[1]) for line in lines) == 1


def test_many_mappers_opening_a_fresh_file_at_once_all_succeed(tmp_path):
    # Switching a fresh file to WAL answers "database is locked" without waiting for the busy
    # timeout; the mapper must retry instead of failing a fresh replica's first message. The
    # blocking core is called straight from the threads: the event-loop hop of the async API
    # spreads the openings out too much to hit the race reliably.
    errors: list = []
    for trial in range(30):
        path = tmp_path / f"fresh{trial}.db"
        barrier = threading.Barrier(4, timeout=30)
        thread_ids: set = set()

        def worker(path=path, barrier=barrier, thread_ids=thread_ids):
            mapper = DatabaseMapper(path)
            try:
                barrier.wait()
                thread_ids.add(mapper._map(personal("29:fresh"))[0])
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                mapper._close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(thread_ids) == 1
    assert errors == []
