"""Pick a conversation mapper from a config dict or the environment.

``create_mapper({"strategy": "database", "path": "data/conversations.db"})``, or with no config
``CONVERSATION_MAPPING_STRATEGY`` (``hash`` by default) and ``CONVERSATION_DB_PATH``. The
database strategy keeps mappings in PostgreSQL instead when given a ``url``, or when the config
names no ``path`` and ``DATABASE_URL`` / ``POSTGRES_URL`` is set: the database the orchestrator
keeps its checkpoints in, shared by every bot replica.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from frmk.conversation.database_mapper import DEFAULT_DB_PATH, DatabaseMapper
from frmk.conversation.hash_mapper import HashMapper
from frmk.conversation.mapper import ConversationMapper
from frmk.conversation.postgres_mapper import PostgresMapper

__all__ = ["STRATEGIES", "create_mapper"]

STRATEGIES = ("hash", "database")
_ALIASES = {"hash": "hash", "database": "database", "db": "database", "sqlite": "database"}


def create_mapper(config: Mapping[str, Any] | None = None) -> ConversationMapper:
    """Build the mapper the config (or, for missing keys, the environment) asks for.

    Config keys: ``strategy`` (``hash`` | ``database``), ``path`` (SQLite file), ``url``
    (PostgreSQL), ``namespace`` (hash mapper). Raises ``ValueError`` naming an unknown strategy and the choices.
    """
    config = dict(config or {})
    raw = config.get("strategy") or os.environ.get("CONVERSATION_MAPPING_STRATEGY") or "hash"
    strategy = _ALIASES.get(str(raw).strip().lower())
    if strategy is None:
        raise ValueError(
            f"unknown conversation mapping strategy {raw!r}; choose one of {', '.join(STRATEGIES)}"
        )
    if strategy == "database":
        url = config.get("url") or (None if config.get("path") else database_url())
        if url:
            return PostgresMapper(str(url))
        path = config.get("path") or os.environ.get("CONVERSATION_DB_PATH") or DEFAULT_DB_PATH
        return DatabaseMapper(path)
    return HashMapper(namespace=str(config.get("namespace") or ""))


def database_url() -> str | None:
    """The PostgreSQL URL from the environment: ``DATABASE_URL``, else ``POSTGRES_URL``."""
    return (os.environ.get("DATABASE_URL") or os.environ.get("POSTGRES_URL") or "").strip() or None
