"""Bot handlers: ``on_turn``, ``on_*_activity`` and ``on_teams_*`` of botbuilder bots.

A class is a bot when it derives from botbuilder's ``ActivityHandler`` or
``TeamsActivityHandler`` — imported under any alias, used as a module attribute
(``botbuilder.core.ActivityHandler``) or through a subclass anywhere in the project. Each handler
gets a span named ``bot.<method>``::

    class EchoBot(ActivityHandler):                 class EchoBot(ActivityHandler):
        async def on_message_activity(self, tc):  ->    @trace_span("bot.on_message_activity")  # goalgen: instrument
            await tc.send_activity("hi")                async def on_message_activity(self, tc):
                                                            await tc.send_activity("hi")
"""

from __future__ import annotations

from codemods.plan import Context
from codemods.registry import Kind

BASES = ("botbuilder", frozenset({"ActivityHandler", "TeamsActivityHandler"}))


def is_handler(name: str) -> bool:
    return (
        name == "on_turn"
        or name.startswith("on_teams_")
        or (name.startswith("on_") and name.endswith("_activity"))
    )


def trace_bot_handlers(ctx: Context) -> None:
    for func in ctx.scan.funcs.values():
        if func.class_key is None or not is_handler(func.name):
            continue
        if "bot" in ctx.class_kinds(func.class_key):
            ctx.trace_function(func, "bot", f"bot.{func.name}")


KIND = Kind(
    name="bot",
    order=0,
    plan=trace_bot_handlers,
    span_prefix="bot.",
    words=("ActivityHandler",),
    bases=(BASES,),
)
