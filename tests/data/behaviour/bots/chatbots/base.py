from botbuilder.core import (
    ActivityHandler,
    CardFactory,
    ConversationState,
    MemoryStorage,
    MessageFactory,
    TurnContext,
)
from botbuilder.schema import Activity, ActivityTypes, CardAction, ChannelAccount, HeroCard


class EchoBot(ActivityHandler):
    """Welcome, echo with a per-conversation counter, help, and handlers calling handlers."""

    def __init__(self, storage: MemoryStorage | None = None) -> None:
        self.calls: list[str] = []
        self.conversation_state = ConversationState(storage or MemoryStorage())
        self.counter = self.conversation_state.create_property("counter")

    async def on_turn(self, turn_context: TurnContext):
        self.calls.append(f"on_turn:{turn_context.activity.type}")
        await super().on_turn(turn_context)
        await self.conversation_state.save_changes(turn_context)
        self.calls.append("on_turn:saved")

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ):
        self.calls.append("welcome")
        for member in members_added:
            if member.id != turn_context.activity.recipient.id:
                await turn_context.send_activity(f"Welcome, {member.name}!")

    async def on_members_removed_activity(self, members_removed, turn_context):
        names = ", ".join(m.name for m in members_removed)
        await turn_context.send_activity(MessageFactory.text(f"Bye {names}"))

    async def on_message_activity(self, turn_context: TurnContext):
        self.calls.append("message")
        text = (turn_context.activity.text or "").strip()
        if text == "help":
            return await self.on_help(turn_context)
        if text == "welcome me":
            return await self.on_members_added_activity(
                [turn_context.activity.from_property], turn_context
            )
        if text == "fail":
            raise ValueError(f"cannot handle {text!r}")
        count = (await self.counter.get(turn_context, lambda: 0)) + 1
        await self.counter.set(turn_context, count)
        reply = MessageFactory.text(f"echo #{count}: {text}", input_hint="acceptingInput")
        return await turn_context.send_activity(reply)

    async def on_help(self, turn_context: TurnContext):
        """A plain method (not a handler) that handlers call."""
        self.calls.append("help")
        card = HeroCard(
            title="Help",
            buttons=[CardAction(type="imBack", title="Say hi", value="hi")],
        )
        await turn_context.send_activities(
            [
                MessageFactory.text("I echo what you say."),
                MessageFactory.attachment(CardFactory.hero_card(card)),
                MessageFactory.suggested_actions(
                    [CardAction(type="imBack", title="help", value="help")], "Try:"
                ),
            ]
        )

    async def on_event_activity(self, turn_context: TurnContext):
        if turn_context.activity.name == "ping":
            await turn_context.send_activity(MessageFactory.text("pong"))
            return
        await super().on_event_activity(turn_context)

    async def on_event(self, turn_context: TurnContext):
        await turn_context.send_activity(f"event {turn_context.activity.name}: {turn_context.activity.value}")

    async def on_message_reaction_activity(self, turn_context: TurnContext):
        await super().on_message_reaction_activity(turn_context)
        await turn_context.send_activity("reactions handled")

    async def on_reactions_added(self, message_reactions, turn_context):
        for reaction in message_reactions:
            await turn_context.send_activity(f"you reacted {reaction.type}")

    async def on_typing_activity(self, turn_context: TurnContext):
        await turn_context.send_activity(Activity(type=ActivityTypes.typing))

    async def on_unrecognized_activity_type(self, turn_context: TurnContext):
        await turn_context.send_activity(f"unknown type {turn_context.activity.type}")

