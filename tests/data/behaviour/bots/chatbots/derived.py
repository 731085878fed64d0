from botbuilder.core import TurnContext

from chatbots.base import EchoBot


class FancyBot(EchoBot):
    """A project bot subclassing a project bot from another module."""

    async def on_message_activity(self, turn_context: TurnContext):
        text = (turn_context.activity.text or "").strip()
        if text.startswith("shout "):
            self.calls.append("shout")
            await turn_context.send_activity(text[len("shout ") :].upper() + "!")
            return None
        return await super().on_message_activity(turn_context)

    async def on_end_of_conversation_activity(self, turn_context: TurnContext):
        await turn_context.send_activity("goodbye")
