"""Check a POST to a botbuilder bot's messages endpoint before botbuilder reads it.

On top of ``read_activity_body``: botbuilder answers 500 to fields of the wrong type
(``"conversation": "abc"``), so the body must also deserialize as botbuilder's ``Activity``.
"""

from __future__ import annotations

from aiohttp import web
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from frmk.bot.errors import ActivityRefused
from frmk.bot.request_body import read_activity_body


async def check_activity_request(request: web.Request) -> None:
    """Raise ``ActivityRefused`` unless the request body is an activity botbuilder can serve."""
    body = await read_activity_body(request)
    try:
        Activity().deserialize(body)
    except DeserializationError:
        raise ActivityRefused(
            400, "the activity has a field of the wrong type for the Bot Framework schema"
        ) from None
