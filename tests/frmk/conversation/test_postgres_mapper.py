"""PostgresMapper on a real PostgreSQL server: persistence, is_new, housekeeping, and replicas
(several mappers, several processes) agreeing on one thread."""

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg

from frmk.conversation import ConversationContext, PostgresMapper

REPO = Path(__file__).resolve().parents[3]


def personal(user, tenant="t1"):
    return ConversationContext("msteams", f"a:{user}", user, "personal", tenant_id=tenant)


def channel(conversation, user="29:ann"):
    return ConversationContext("msteams", conversation, user, "channel", tenant_id="t1")


async def test_mapping_persists_across_instances_and_is_new_only_first(postgres_url):
    async with PostgresMapper(postgres_url) as mapper:
        first = await mapper.get_thread_id(personal("29:ann"))
        second = await mapper.get_thread_id(personal("29:ann"))
    assert (first.is_new, second.is_new) == (True, False)
    assert first.thread_id == second.thread_id and first.thread_id.startswith("personal-")
    assert first.strategy == "database"

    async with PostgresMapper(postgres_url) as reopened:
        later = await reopened.get_thread_id(personal("29:ann"))
        bob = await reopened.get_thread_id(personal("29:bob"))
    assert later.thread_id == first.thread_id and later.is_new is False
    assert bob.is_new is True and bob.thread_id != first.thread_id

    with psycopg.connect(postgres_url) as conn:
        (count,) = conn.execute(
            "SELECT message_count FROM conversation_threads WHERE thread_id = %s",
            (first.thread_id,),
        ).fetchone()
    assert count == 3


async def test_housekeeping_forget_delete_list_prune(postgres_url):
    async with PostgresMapper(postgres_url) as mapper:
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


async def test_replicas_opening_a_fresh_database_at_once_agree_on_one_thread(postgres_url):
    # Each mapper creates the tables on first use; concurrent CREATE TABLE IF NOT EXISTS fails
    # on a duplicate pg_type row unless the creations take turns.
    mappers = [PostgresMapper(postgres_url) for _ in range(6)]
    ctx = channel("19:race@thread.tacv2;messageid=9")
    try:
        results = await asyncio.gather(*(
            mapper.get_thread_id(ctx) for mapper in mappers for _ in range(5)
        ))
    finally:
        await asyncio.gather(*(mapper.close() for mapper in mappers))
    assert len({r.thread_id for r in results}) == 1
    assert sum(r.is_new for r in results) == 1


def test_two_processes_agree_on_one_thread(postgres_url):
    script = textwrap.dedent(
        """
        import asyncio, sys
        from frmk.conversation import ConversationContext, PostgresMapper
        ctx = ConversationContext("msteams", "19:p;messageid=1", "29:p", "channel")
        async def main():
            async with PostgresMapper(sys.argv[1]) as mapper:
                for r in await asyncio.gather(*(mapper.get_thread_id(ctx) for _ in range(20))):
                    print(r.thread_id, int(r.is_new))
        asyncio.run(main())
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, postgres_url], cwd=REPO, text=True,
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
