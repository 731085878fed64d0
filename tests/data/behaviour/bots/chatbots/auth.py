"""An OAuth bot deriving from the project's base bot, and a skill implementing ``Bot`` itself."""

import botbuilder.core as bb
from botbuilder.schema import AdaptiveCardInvokeResponse

from chatbots.helpers import logged
from chatbots.signin import SignInBot


class AuthBot(SignInBot):
    async def on_message_activity(self, turn_context: bb.TurnContext):
        if turn_context.activity.text == "help":
            return await self.on_help(turn_context)
        return await turn_context.send_activity("say login")

    async def on_help(self, turn_context: bb.TurnContext):
        """A plain method (not a hook) that a handler calls."""
        self.calls.append("help")
        await turn_context.send_activity("I sign you in.")

    async def on_event_activity(self, turn_context: bb.TurnContext):
        self.calls.append(f"event:{turn_context.activity.name}")
        return await super().on_event_activity(turn_context)

    async def on_event(self, turn_context: bb.TurnContext):
        await turn_context.send_activity(f"event {turn_context.activity.name}")

    @logged
    async def on_adaptive_card_invoke(self, turn_context: bb.TurnContext, invoke_value):
        verb = invoke_value.action.get("verb")
        if verb == "fail":
            raise ValueError(f"cannot {verb}")
        return AdaptiveCardInvokeResponse(
            status_code=200,
            type="application/vnd.microsoft.activity.message",
            value={"result": f"did {verb}"},
        )

    async def on_reactions_added(self, message_reactions, turn_context: bb.TurnContext):
        await turn_context.send_activity("+" + ",".join(r.type for r in message_reactions))

    async def on_reactions_removed(self, message_reactions, turn_context: bb.TurnContext):
        await turn_context.send_activity("-" + ",".join(r.type for r in message_reactions))

    async def on_installation_update_add(self, turn_context: bb.TurnContext):
        await turn_context.send_activity(f"installed ({turn_context.activity.action})")

    async def on_installation_update_remove(self, turn_context: bb.TurnContext):
        self.calls.append("uninstalled")

    async def on_unrecognized_activity_type(self, turn_context: bb.TurnContext):
        await turn_context.send_activity(f"unknown {turn_context.activity.type}")


class SkillBot(bb.Bot):
    """A skill: ``Bot.on_turn`` implemented directly (its ``on_event`` is a plain helper)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_turn(self, turn_context: bb.TurnContext):
        if turn_context.activity.type == "event":
            return await self.on_event(turn_context)
        await turn_context.send_activity(f"skill: {turn_context.activity.text}")

    async def on_event(self, turn_context: bb.TurnContext):
        self.calls.append(f"skill event {turn_context.activity.name}")
        await turn_context.send_activity(bb.MessageFactory.text("skill event"))
