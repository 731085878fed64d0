"""create_mapper picks the mapper from a config dict or the environment."""

import pytest

from frmk.conversation import (
    ConversationContext,
    DatabaseMapper,
    HashMapper,
    PostgresMapper,
    create_mapper,
)


def test_default_is_hash(monkeypatch):
    monkeypatch.delenv("CONVERSATION_MAPPING_STRATEGY", raising=False)
    assert isinstance(create_mapper(), HashMapper)


async def test_config_selects_database_with_its_path(tmp_path):
    path = tmp_path / "db" / "map.db"
    mapper = create_mapper({"strategy": "database", "path": str(path)})
    assert isinstance(mapper, DatabaseMapper)
    async with mapper:
        ctx = ConversationContext("emulator", "c1", "u1")
        assert (await mapper.get_thread_id(ctx)).is_new
    assert path.exists()


async def test_environment_selects_database_and_path(monkeypatch, tmp_path):
    path = tmp_path / "env.db"
    monkeypatch.setenv("CONVERSATION_MAPPING_STRATEGY", "Database")
    monkeypatch.setenv("CONVERSATION_DB_PATH", str(path))
    mapper = create_mapper()
    assert isinstance(mapper, DatabaseMapper) and mapper.path == str(path)
    # An explicit config wins over the environment.
    assert isinstance(create_mapper({"strategy": "hash"}), HashMapper)
    await mapper.close()


def test_unknown_strategy_names_it_and_the_choices(monkeypatch):
    with pytest.raises(ValueError, match=r"'redis'.*hash, database"):
        create_mapper({"strategy": "redis"})
    monkeypatch.setenv("CONVERSATION_MAPPING_STRATEGY", "memcache")
    with pytest.raises(ValueError, match="'memcache'"):
        create_mapper()


@pytest.mark.parametrize(
    ("variable", "config", "chosen"),
    [
        ("DATABASE_URL", {}, PostgresMapper),
        ("POSTGRES_URL", {}, PostgresMapper),
        ("DATABASE_URL", {"path": "data/x.db"}, DatabaseMapper),
    ],
    ids=["DATABASE_URL", "POSTGRES_URL", "a configured path wins"],
)
async def test_a_database_url_in_the_environment_keeps_mappings_in_postgres(
    monkeypatch, postgres_url, variable, config, chosen
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("POSTGRES_URL", raising=False)
    monkeypatch.setenv(variable, postgres_url)
    monkeypatch.setenv("CONVERSATION_MAPPING_STRATEGY", "database")

    mapper = create_mapper(config)

    assert type(mapper) is chosen
    if chosen is PostgresMapper:
        async with mapper:
            assert (await mapper.get_thread_id(ConversationContext("emulator", "c", "u"))).is_new
