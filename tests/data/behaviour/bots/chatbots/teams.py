from __future__ import annotations

import botbuilder.core as core
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler as Teams
from botbuilder.schema import ChannelAccount, ThumbnailCard
from botbuilder.schema.teams import (
    ChannelInfo,
    MessagingExtensionAttachment,
    MessagingExtensionQuery,
    MessagingExtensionResponse,
    MessagingExtensionResult,
    TaskModuleMessageResponse,
    TaskModuleRequest,
    TaskModuleResponse,
    TeamInfo,
    TeamsChannelAccount,
)


class TeamsBot(Teams):
    """Teams welcome and channel events; also reached through an alias of the base class."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_conversation_update_activity(self, turn_context: TurnContext):
        self.calls.append("conversation_update")
        return await super().on_conversation_update_activity(turn_context)

    async def on_teams_members_added(
        self,
        teams_members_added: list[TeamsChannelAccount],
        team_info: TeamInfo,
        turn_context: TurnContext,
    ):
        team = team_info.name if team_info else "this chat"
        for member in teams_members_added:
            if member.id == turn_context.activity.recipient.id:
                continue
            await turn_context.send_activity(f"Welcome to {team}, {member.name}!")

    async def on_teams_members_removed(self, members, team_info, turn_context: TurnContext):
        await turn_context.send_activity(f"{len(members)} left {team_info.name}")

    async def on_teams_channel_created(
        self, channel_info: ChannelInfo, team_info: TeamInfo, turn_context: TurnContext
    ):
        await turn_context.send_activity(
            MessageFactory.text(f"Channel {channel_info.name} created in {team_info.name}")
        )

    async def on_teams_channel_renamed(self, channel_info, team_info, turn_context: TurnContext):
        await turn_context.send_activity(f"Channel renamed to {channel_info.name}")

    async def on_teams_task_module_fetch(
        self, turn_context: TurnContext, task_module_request: TaskModuleRequest
    ) -> TaskModuleResponse:
        title = (task_module_request.data or {}).get("title", "untitled")
        return TaskModuleResponse(task=TaskModuleMessageResponse(value=f"fetched {title}"))

    async def on_teams_signin_verify_state(self, turn_context: TurnContext):
        await turn_context.send_activity(f"teams verified {turn_context.activity.value['state']}")

    async def on_teams_messaging_extension_query(
        self, turn_context: TurnContext, query: MessagingExtensionQuery
    ) -> MessagingExtensionResponse:
        if query.command_id != "search":
            raise ValueError(f"unknown command {query.command_id}")
        term = query.parameters[0].value if query.parameters else ""
        card = core.CardFactory.thumbnail_card(ThumbnailCard(title=f"Result for {term}"))
        attachment = MessagingExtensionAttachment(
            content_type=card.content_type, content=card.content
        )
        return MessagingExtensionResponse(
            compose_extension=MessagingExtensionResult(
                type="result", attachment_layout="list", attachments=[attachment]
            )
        )

    async def on_message_activity(self, turn_context: TurnContext):
        TurnContext.remove_recipient_mention(turn_context.activity)
        text = (turn_context.activity.text or "").strip()
        if text == "welcome team":
            info = TeamInfo(id="t-1", name="Team One")
            member = TeamsChannelAccount(id="u-9", name="Nine")
            return await self.on_teams_members_added([member], info, turn_context)
        return await turn_context.send_activity(f"teams echo: {text}")


class ModuleBot(core.ActivityHandler):
    """Derives from botbuilder.core.ActivityHandler spelled as a module attribute."""

    async def on_message_activity(self, turn_context: TurnContext):
        await turn_context.send_activity("module bot")

    async def on_members_added_activity(self, members_added: list[ChannelAccount], turn_context):
        await turn_context.send_activity(f"{len(members_added)} joined")
