"""What a ``bot.*`` span handled: activity type, channel, bot class or SDK, conversation hash.

``TraceSpan`` calls ``note_turn`` for recorded spans whose name starts with ``bot.``, with the
frame that made the span (its arguments read by ``frames.traced_arguments``). The turn context
is found by duck typing — the first argument with an ``.activity`` that has a ``.type``:
botbuilder's and the Agents SDK's ``TurnContext``, the Teams SDK's ``ActivityContext`` and
``ErrorEvent`` — so no SDK is imported. The conversation id is never recorded, only
``conversation_hash`` of it; the user's text never is.
"""

from __future__ import annotations

import hashlib
from types import FrameType
from typing import Any

from frmk.utils.tracing.frames import traced_arguments

_SALT = b"goalgen.bot.conversation\x00"


def conversation_hash(conversation_id: str) -> str:
    """The first 16 hex digits of SHA-256 over a fixed salt and the id: the same in every process,
    so spans of one conversation can be grouped, while the raw id stays out of the spans."""
    return hashlib.sha256(_SALT + conversation_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = getattr(value, "value", value)  # a str enum
    return value if isinstance(value, str) else str(value)


def note_turn(metadata: dict[str, Any], name: str, frame: FrameType) -> None:
    """Add the ``bot.*`` attributes of the turn in ``frame``'s arguments to ``metadata``.

    Never raises: a span without a recognisable turn context just gets no attributes.
    """
    try:
        values = traced_arguments(frame)
        context = next(
            (v for v in values if getattr(getattr(v, "activity", None), "type", None)), None
        )
        if context is None:
            return
        activity = context.activity
        metadata["bot.activity.type"] = _text(activity.type)
        channel = _text(getattr(activity, "channel_id", None))
        if channel is not None:
            metadata["bot.channel_id"] = channel
        conversation_id = getattr(getattr(activity, "conversation", None), "id", None)
        if isinstance(conversation_id, str):
            metadata["bot.conversation.hash"] = conversation_hash(conversation_id)
        metadata["bot.sdk"] = type(context).__module__.split(".", 1)[0]
        if name.count(".") >= 2 and values[0] is not context:  # bot.<Class>.<method>: self
            metadata["bot.class"] = type(values[0]).__qualname__
    except Exception:  # an odd argument must never break the bot
        return
