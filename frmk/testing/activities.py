"""Builders for Bot Framework activities shaped the way the Bot Framework Emulator sends them.

Pure dict builders (stdlib only) so tests, the CLI and scripts can craft exactly the JSON a bot
receives from the Emulator: ids, timestamps, ``serviceUrl``, ``channelId`` "emulator", the user
and bot accounts with roles, a personal conversation and the Emulator's client entities.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def new_id() -> str:
    """A fresh activity / account id, as the Emulator makes them (a GUID)."""
    return str(uuid.uuid4())


@dataclass
class EmulatorSession:
    """Who talks to whom in one emulated conversation; every activity built from it shares these."""

    service_url: str
    user_id: str = field(default_factory=new_id)
    user_name: str = "User"
    bot_id: str = field(default_factory=new_id)
    bot_name: str = "Bot"
    conversation_id: str = field(default_factory=lambda: f"{new_id()}|livechat")
    tenant_id: str | None = None
    locale: str = "en-US"

    def _envelope(self, activity_type: str) -> dict[str, Any]:
        now = datetime.now(timezone.utc)
        conversation: dict[str, Any] = {"id": self.conversation_id, "conversationType": "personal"}
        if self.tenant_id:
            conversation["tenantId"] = self.tenant_id
        activity_id = new_id()
        return {
            "type": activity_type,
            "id": activity_id,
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "localTimestamp": now.astimezone().isoformat(timespec="milliseconds"),
            "serviceUrl": self.service_url,
            "channelId": "emulator",
            "from": {"id": self.user_id, "name": self.user_name, "role": "user"},
            "recipient": {"id": self.bot_id, "name": self.bot_name, "role": "bot"},
            "conversation": conversation,
            "locale": self.locale,
            "channelData": {"clientActivityID": activity_id, "clientTimestamp": now.isoformat()},
        }

    def message(self, text: str, **extra: Any) -> dict[str, Any]:
        """A ``message`` activity carrying ``text``; ``extra`` keys are merged in last."""
        activity = self._envelope("message")
        activity.update(
            {
                "text": text,
                "textFormat": "plain",
                "attachments": [],
                "entities": [
                    {
                        "type": "ClientCapabilities",
                        "requiresBotState": True,
                        "supportsListening": True,
                        "supportsTts": True,
                    }
                ],
            }
        )
        activity.update(extra)
        return activity

    def conversation_update(self, **extra: Any) -> dict[str, Any]:
        """The ``conversationUpdate`` the Emulator sends on connect: bot and user join."""
        activity = self._envelope("conversationUpdate")
        activity["membersAdded"] = [
            {"id": self.bot_id, "name": self.bot_name},
            {"id": self.user_id, "name": self.user_name},
        ]
        activity.update(extra)
        return activity
