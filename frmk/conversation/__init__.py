"""Conversation -> workflow thread mapping for bots.

    from frmk.conversation import ConversationContext, create_mapper

    mapper = create_mapper()                       # CONVERSATION_MAPPING_STRATEGY, default hash
    ctx = ConversationContext.from_activity(turn_context.activity)
    result = await mapper.get_thread_id(ctx)       # MappingResult(thread_id, is_new, strategy)
"""

from frmk.conversation.context import CONVERSATION_TYPES, ConversationContext
from frmk.conversation.database_mapper import DEFAULT_DB_PATH, DatabaseMapper
from frmk.conversation.factory import STRATEGIES, create_mapper, database_url
from frmk.conversation.hash_mapper import HashMapper
from frmk.conversation.mapper import ConversationMapper, MappingResult
from frmk.conversation.postgres_mapper import PostgresMapper

__all__ = [
    "CONVERSATION_TYPES",
    "DEFAULT_DB_PATH",
    "STRATEGIES",
    "ConversationContext",
    "ConversationMapper",
    "DatabaseMapper",
    "HashMapper",
    "MappingResult",
    "PostgresMapper",
    "create_mapper",
    "database_url",
]
