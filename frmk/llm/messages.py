"""The chat message format shared by every provider: ``{"role": ..., "content": str}`` dicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ROLES", "Message", "normalize_messages"]

ROLES = ("system", "user", "assistant")

Message = dict[str, str]


def normalize_messages(messages: str | Sequence[Mapping[str, Any]]) -> list[Message]:
    """Check and copy ``messages``; a bare string becomes one user message.

    Raises ``ValueError`` for an unknown role or a message without text content, so a wrong call
    fails at once instead of at the provider.
    """
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    result: list[Message] = []
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise ValueError(f"message {index} is a {type(message).__name__}, expected a dict")
        role = message.get("role")
        if role not in ROLES:
            raise ValueError(
                f"message {index} has role {role!r}; expected one of {', '.join(ROLES)}"
            )
        content = message.get("content")
        if not isinstance(content, str):
            raise ValueError(f"message {index} needs text content, got {type(content).__name__}")
        result.append({"role": role, "content": content})
    return result
