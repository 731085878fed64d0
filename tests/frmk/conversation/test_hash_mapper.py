"""HashMapper: stable ids across instances, one thread per personal user / group / reply chain."""

from frmk.conversation import ConversationContext, HashMapper


def personal(user, conversation="a:1", tenant="t1"):
    return ConversationContext("msteams", conversation, user, "personal", tenant_id=tenant)


def group(conversation, user):
    return ConversationContext("msteams", conversation, user, "groupChat", tenant_id="t1")


def channel(conversation, user):
    return ConversationContext("msteams", conversation, user, "channel", tenant_id="t1")


async def test_same_context_gives_same_id_across_instances_and_is_new_once():
    first, second = HashMapper(), HashMapper()
    one = await first.get_thread_id(personal("29:ann"))
    again = await first.get_thread_id(personal("29:ann"))
    other_process = await second.get_thread_id(personal("29:ann"))
    assert one.thread_id == again.thread_id == other_process.thread_id
    assert one.thread_id.startswith("personal-") and len(one.thread_id) == len("personal-") + 32
    assert (one.is_new, again.is_new, other_process.is_new) == (True, False, True)
    assert one.strategy == "hash"


async def test_personal_threads_are_per_user_and_tenant():
    mapper = HashMapper()
    ann = (await mapper.get_thread_id(personal("29:ann", conversation="a:1"))).thread_id
    # Teams gives a personal chat a new conversation id per bot install; the thread follows the user.
    ann_again = (await mapper.get_thread_id(personal("29:ann", conversation="a:2"))).thread_id
    bob = (await mapper.get_thread_id(personal("29:bob"))).thread_id
    other_tenant = (await mapper.get_thread_id(personal("29:ann", tenant="t2"))).thread_id
    assert ann == ann_again
    assert len({ann, bob, other_tenant}) == 3


async def test_group_chat_is_one_thread_for_all_members():
    mapper = HashMapper()
    ann = await mapper.get_thread_id(group("19:chat@thread.v2", "29:ann"))
    bob = await mapper.get_thread_id(group("19:chat@thread.v2", "29:bob"))
    elsewhere = await mapper.get_thread_id(group("19:other@thread.v2", "29:ann"))
    assert ann.thread_id == bob.thread_id and ann.thread_id.startswith("group-")
    assert bob.is_new is False
    assert elsewhere.thread_id != ann.thread_id


async def test_channel_keeps_one_thread_per_reply_chain():
    mapper = HashMapper()
    chain_a = "19:general@thread.tacv2;messageid=100"
    chain_b = "19:general@thread.tacv2;messageid=200"
    a1 = await mapper.get_thread_id(channel(chain_a, "29:ann"))
    a2 = await mapper.get_thread_id(channel(chain_a, "29:bob"))
    b1 = await mapper.get_thread_id(channel(chain_b, "29:ann"))
    assert a1.thread_id == a2.thread_id and a1.thread_id.startswith("channel-")
    assert b1.thread_id != a1.thread_id


async def test_types_never_share_a_thread_and_namespace_separates_bots():
    same_id = "19:x@thread.v2"
    ids = {
        (await HashMapper().get_thread_id(group(same_id, "29:ann"))).thread_id,
        (await HashMapper().get_thread_id(channel(same_id, "29:ann"))).thread_id,
        (await HashMapper(namespace="bot-b").get_thread_id(group(same_id, "29:ann"))).thread_id,
    }
    assert len(ids) == 3


async def test_housekeeping_forget_delete_list_threads():
    async with HashMapper() as mapper:
        ann = await mapper.get_thread_id(personal("29:ann"))
        chat = await mapper.get_thread_id(group("19:chat", "29:ann"))
        await mapper.get_thread_id(personal("29:bob"))
        assert await mapper.list_threads("29:ann") == [ann.thread_id, chat.thread_id]
        assert await mapper.forget(personal("29:ann")) is True
        assert await mapper.forget(personal("29:ann")) is False
        assert (await mapper.get_thread_id(personal("29:ann"))).is_new is True
        assert await mapper.delete(chat.thread_id) is True
        assert await mapper.list_threads("29:ann") == [ann.thread_id]
