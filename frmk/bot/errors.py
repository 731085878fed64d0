"""The one error a bot's guards raise: an activity refused with an HTTP status and a reason."""

from __future__ import annotations


class ActivityRefused(Exception):
    """The request cannot be served as sent; ``status`` is the 4xx to answer, ``reason`` why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


LOCAL_MODE_TOKEN = (
    "local mode takes no Authorization header: the bot has no MicrosoftAppId and "
    "MicrosoftAppPassword to check it against"
)
