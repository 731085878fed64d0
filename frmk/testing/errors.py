"""Errors the bot test client raises; each message is one line a person can act on."""

from __future__ import annotations


class BotTestError(Exception):
    """Base class: talking to the bot did not go as a test expects."""


class BotUnreachableError(BotTestError):
    """Nothing answers at the bot's URL (refused, DNS, timeout while connecting)."""


class BotRejectedError(BotTestError):
    """The bot answered the activity with an HTTP error status."""

    def __init__(self, message: str, status: int, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class NoReplyError(BotTestError):
    """The bot accepted the activity but did not reply in time."""
