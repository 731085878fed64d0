"""Who is talking where: the conversation facts a mapper needs, read from a Bot Framework activity.

``ConversationContext.from_activity`` accepts a botbuilder ``Activity`` (read through its
attributes, so botbuilder is never imported here) or the activity as a plain dict in the camelCase
JSON the Bot Framework Emulator and Teams send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CONVERSATION_TYPES", "ConversationContext"]

CONVERSATION_TYPES = ("personal", "groupChat", "channel")

_TYPE_ALIASES = {
    "personal": "personal",
    "groupchat": "groupChat",
    "group": "groupChat",
    "channel": "channel",
}

_THREAD_PREFIXES = {"personal": "personal", "groupChat": "group", "channel": "channel"}


@dataclass(frozen=True)
class ConversationContext:
    """The identity of one conversation turn's thread: channel, tenant, conversation and user.

    ``conversation_type`` is ``personal`` (1:1 chat), ``groupChat`` or ``channel`` (a Teams
    channel, where ``conversation_id`` carries ``;messageid=<root>`` for the reply chain).
    """

    channel_id: str
    conversation_id: str
    user_id: str
    conversation_type: str = "personal"
    tenant_id: str = ""
    user_aad_id: str = ""
    user_name: str = ""
    service_url: str = ""
    team_id: str = ""
    teams_channel_id: str = ""

    def __post_init__(self) -> None:
        kind = _TYPE_ALIASES.get(str(self.conversation_type or "personal").lower())
        if kind is None:
            raise ValueError(
                f"unknown conversation type {self.conversation_type!r}; "
                f"expected one of {', '.join(CONVERSATION_TYPES)}"
            )
        object.__setattr__(self, "conversation_type", kind)
        if not self.conversation_id:
            raise ValueError("a conversation context needs a conversation id")
        if kind == "personal" and not (self.user_id or self.user_aad_id):
            raise ValueError("a personal conversation context needs a user id")

    @property
    def user_key(self) -> str:
        """The most stable user identity: the AAD object id when known, else the channel user id."""
        return self.user_aad_id or self.user_id

    @property
    def thread_prefix(self) -> str:
        """A short readable prefix for thread ids of this kind: personal, group or channel."""
        return _THREAD_PREFIXES[self.conversation_type]

    @property
    def base_conversation_id(self) -> str:
        """The conversation id without a Teams ``;messageid=`` reply-chain suffix."""
        return self.conversation_id.split(";messageid=", 1)[0]

    @property
    def reply_chain_id(self) -> str:
        """The root message id of a Teams channel reply chain, or ``""``."""
        _, _, message_id = self.conversation_id.partition(";messageid=")
        return message_id

    def thread_key(self) -> str:
        """The text that identifies this context's thread; equal keys mean the same thread.

        Personal chats map per user (and tenant/channel), group chats per conversation, and
        channel conversations per conversation id including the reply chain.
        """
        if self.conversation_type == "personal":
            scope = self.user_key
        else:
            scope = self.conversation_id
        return "|".join((self.channel_id, self.tenant_id, self.conversation_type, scope))

    @classmethod
    def from_activity(cls, activity: Any) -> ConversationContext:
        """Build a context from a botbuilder ``Activity`` or an activity dict (camelCase JSON)."""
        if isinstance(activity, Mapping):
            return cls._from_dict(activity)
        if hasattr(activity, "conversation") and hasattr(activity, "channel_id"):
            return cls._from_object(activity)
        raise TypeError(
            f"expected a botbuilder Activity or an activity dict, got {type(activity).__name__}"
        )

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> ConversationContext:
        conversation = _mapping(data.get("conversation"))
        sender = _mapping(data.get("from"))
        channel_data = _mapping(data.get("channelData"))
        return cls._build(
            channel_id=data.get("channelId"),
            conversation_id=conversation.get("id"),
            conversation_type=conversation.get("conversationType"),
            is_group=conversation.get("isGroup"),
            tenant_id=conversation.get("tenantId"),
            user_id=sender.get("id"),
            user_aad_id=sender.get("aadObjectId"),
            user_name=sender.get("name"),
            service_url=data.get("serviceUrl"),
            channel_data=channel_data,
        )

    @classmethod
    def _from_object(cls, activity: Any) -> ConversationContext:
        conversation = getattr(activity, "conversation", None)
        sender = getattr(activity, "from_property", None)
        channel_data = getattr(activity, "channel_data", None)
        if channel_data is not None and not isinstance(channel_data, Mapping):
            # botbuilder keeps unknown channel data as a dict; TeamsChannelData objects serialize.
            serialize = getattr(channel_data, "serialize", None)
            channel_data = serialize() if callable(serialize) else {}
        return cls._build(
            channel_id=getattr(activity, "channel_id", None),
            conversation_id=getattr(conversation, "id", None),
            conversation_type=getattr(conversation, "conversation_type", None),
            is_group=getattr(conversation, "is_group", None),
            tenant_id=getattr(conversation, "tenant_id", None),
            user_id=getattr(sender, "id", None),
            user_aad_id=getattr(sender, "aad_object_id", None),
            user_name=getattr(sender, "name", None),
            service_url=getattr(activity, "service_url", None),
            channel_data=_mapping(channel_data),
        )

    @classmethod
    def _build(
        cls,
        *,
        channel_id: Any,
        conversation_id: Any,
        conversation_type: Any,
        is_group: Any,
        tenant_id: Any,
        user_id: Any,
        user_aad_id: Any,
        user_name: Any,
        service_url: Any,
        channel_data: Mapping[str, Any],
    ) -> ConversationContext:
        if not conversation_id:
            raise ValueError("the activity has no conversation.id")
        teams_channel = _mapping(channel_data.get("channel"))
        team = _mapping(channel_data.get("team"))
        if not conversation_type:
            if teams_channel.get("id"):
                conversation_type = "channel"
            elif is_group:
                conversation_type = "groupChat"
            else:
                conversation_type = "personal"
        tenant = tenant_id or _mapping(channel_data.get("tenant")).get("id")
        return cls(
            channel_id=str(channel_id or ""),
            conversation_id=str(conversation_id),
            conversation_type=str(conversation_type),
            tenant_id=str(tenant or ""),
            user_id=str(user_id or ""),
            user_aad_id=str(user_aad_id or ""),
            user_name=str(user_name or ""),
            service_url=str(service_url or ""),
            team_id=str(team.get("id") or ""),
            teams_channel_id=str(teams_channel.get("id") or ""),
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
