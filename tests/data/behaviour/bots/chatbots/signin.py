"""A project base bot: the OAuth sign-in completion handlers live here, bots derive from it."""

from botbuilder.core import ActivityHandler as Handler
from botbuilder.core import TurnContext


class SignInBot(Handler):
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_turn(self, turn_context: TurnContext):
        self.calls.append(f"on_turn:{turn_context.activity.type}")
        await super().on_turn(turn_context)

    async def on_token_response_event(self, turn_context: TurnContext):
        self.calls.append("token")
        await turn_context.send_activity(f"signed in with {turn_context.activity.value['token']}")

    async def on_sign_in_invoke(self, turn_context: TurnContext):
        self.calls.append("verify")
        await turn_context.send_activity(f"verified {turn_context.activity.value['state']}")
