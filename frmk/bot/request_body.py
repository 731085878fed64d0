"""Read a POST to a bot's messages endpoint as an activity dict, whichever SDK serves it.

Both SDKs answer 500 to JSON too deep for the parser and reply into an error when an activity
has no conversation. ``read_activity_body`` turns each of those into an ``ActivityRefused`` with
the 4xx that fits: 415 not JSON, 413 too large, 400 malformed. Each SDK's own schema check
comes after it (``check_activity_request``, ``check_agents_activity_request``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from frmk.bot.errors import ActivityRefused

MAX_DEPTH = 64  # Adaptive Cards nest a few dozen levels; nothing an activity carries needs more


async def read_activity_body(request: web.Request) -> dict[str, Any]:
    """The request's activity as a dict; ``ActivityRefused`` unless it has the fields replies need."""
    if request.content_type != "application/json":
        raise ActivityRefused(415, "expected an application/json body")
    try:
        body = await request.json()
    except web.HTTPRequestEntityTooLarge:
        raise ActivityRefused(
            413, f"the body is larger than {request.client_max_size} bytes"
        ) from None
    except LookupError:
        raise ActivityRefused(415, f"unknown charset {request.charset!r}") from None
    except RecursionError:
        raise ActivityRefused(400, f"the body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        raise ActivityRefused(400, "the body is not valid JSON") from None
    if _nests_deeper(body, MAX_DEPTH):
        raise ActivityRefused(400, f"the body nests deeper than {MAX_DEPTH} levels")
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        raise ActivityRefused(400, "the body is not an activity (a JSON object with a type)")
    if not isinstance(body.get("serviceUrl"), str):
        raise ActivityRefused(400, "the activity has no serviceUrl to reply to")
    conversation = body.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) \
            or not conversation["id"]:
        raise ActivityRefused(400, "the activity has no conversation (an object with an id)")
    return body


def _nests_deeper(value: Any, limit: int) -> bool:
    """True when JSON ``value`` has arrays or objects more than ``limit`` levels deep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
    return False
