"""ConversationContext from Emulator/Teams activity dicts and from real botbuilder Activities."""

import pytest
from botbuilder.schema import Activity

from frmk.conversation import ConversationContext

EMULATOR = {
    "type": "message",
    "id": "a1",
    "channelId": "emulator",
    "serviceUrl": "http://127.0.0.1:53412",
    "conversation": {"id": "conv-emulator-1"},
    "from": {"id": "user-1", "name": "User"},
    "recipient": {"id": "bot"},
    "text": "hello",
}

TEAMS_CHANNEL = {
    "type": "message",
    "id": "1690000000001",
    "channelId": "msteams",
    "serviceUrl": "https://smba.trafficmanager.net/emea/",
    "conversation": {
        "id": "19:general@thread.tacv2;messageid=1690000000000",
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": "tenant-a",
    },
    "from": {"id": "29:ann", "aadObjectId": "aad-ann", "name": "Ann"},
    "channelData": {
        "tenant": {"id": "tenant-a"},
        "team": {"id": "19:team@thread.tacv2"},
        "channel": {"id": "19:general@thread.tacv2"},
    },
}


def test_emulator_dict_is_a_personal_conversation():
    ctx = ConversationContext.from_activity(EMULATOR)
    assert ctx.channel_id == "emulator"
    assert ctx.conversation_id == "conv-emulator-1"
    assert ctx.conversation_type == "personal"
    assert ctx.user_id == "user-1" and ctx.user_name == "User"
    assert ctx.service_url == "http://127.0.0.1:53412"
    assert ctx.tenant_id == ""


def test_teams_channel_dict_reads_tenant_team_and_reply_chain():
    ctx = ConversationContext.from_activity(TEAMS_CHANNEL)
    assert ctx.conversation_type == "channel"
    assert ctx.tenant_id == "tenant-a"
    assert ctx.user_key == "aad-ann"
    assert ctx.team_id == "19:team@thread.tacv2"
    assert ctx.base_conversation_id == "19:general@thread.tacv2"
    assert ctx.reply_chain_id == "1690000000000"


def test_botbuilder_activity_gives_the_same_context_as_its_json():
    activity = Activity().deserialize(TEAMS_CHANNEL)
    assert ConversationContext.from_activity(activity) == ConversationContext.from_activity(
        TEAMS_CHANNEL
    )


def test_tenant_falls_back_to_channel_data_and_type_to_channel_data():
    data = {
        "channelId": "msteams",
        "conversation": {"id": "19:x@thread.skype;messageid=5"},
        "from": {"id": "29:bob"},
        "channelData": {"tenant": {"id": "tenant-b"}, "channel": {"id": "19:x@thread.skype"}},
    }
    ctx = ConversationContext.from_activity(data)
    assert ctx.tenant_id == "tenant-b"
    assert ctx.conversation_type == "channel"
    group = {"channelId": "msteams", "conversation": {"id": "19:g", "isGroup": True},
             "from": {"id": "29:bob"}}
    assert ConversationContext.from_activity(group).conversation_type == "groupChat"


def test_bad_inputs_give_clear_errors():
    with pytest.raises(ValueError, match="no conversation.id"):
        ConversationContext.from_activity({"channelId": "emulator", "from": {"id": "u"}})
    with pytest.raises(TypeError, match="Activity or an activity dict"):
        ConversationContext.from_activity("hello")
    with pytest.raises(ValueError, match="unknown conversation type 'meeting'"):
        ConversationContext("msteams", "c1", "u1", conversation_type="meeting")
