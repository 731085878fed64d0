"""Mapper codemod: project ConversationMapper subclasses and call sites of frmk's mappers."""

from __future__ import annotations

import pytest
from codemod_cases import check, check_noop, dedent, remove, run

MAPPER = ("mapper",)

REWRITES = [
    pytest.param(
        """
        from frmk.conversation import ConversationMapper, MappingResult


        class TenantMapper(ConversationMapper):
            async def get_thread_id(self, ctx):
                return MappingResult(ctx.conversation_id, True, "tenant")
        """,
        """
        from frmk.conversation import ConversationMapper, MappingResult
        from frmk.utils.tracing import trace_span


        class TenantMapper(ConversationMapper):
            @trace_span("mapper.get_thread_id")  # goalgen: instrument
            async def get_thread_id(self, ctx):
                return MappingResult(ctx.conversation_id, True, "tenant")
        """,
        id="subclass",
    ),
    pytest.param(
        """
        from frmk.conversation import ConversationContext, create_mapper


        class Bot:
            def __init__(self):
                self.mapper = create_mapper()

            async def handle(self, activity):
                ctx = ConversationContext.from_activity(activity)
                # find the thread
                result = await self.mapper.get_thread_id(ctx)
                return result.thread_id
        """,
        """
        from frmk.conversation import ConversationContext, create_mapper
        from frmk.utils.tracing import TraceSpan


        class Bot:
            def __init__(self):
                self.mapper = create_mapper()

            async def handle(self, activity):
                ctx = ConversationContext.from_activity(activity)
                # find the thread
                with TraceSpan("mapper.get_thread_id"):  # goalgen: instrument
                    result = await self.mapper.get_thread_id(ctx)
                return result.thread_id
        """,
        id="call-site-self-attribute",
    ),
    pytest.param(
        """
        from frmk.conversation import ConversationMapper


        async def lookup(mapper: ConversationMapper, ctx):
            return (await mapper.get_thread_id(ctx)).thread_id
        """,
        """
        from frmk.conversation import ConversationMapper
        from frmk.utils.tracing import TraceSpan


        async def lookup(mapper: ConversationMapper, ctx):
            with TraceSpan("mapper.get_thread_id"):  # goalgen: instrument
                return (await mapper.get_thread_id(ctx)).thread_id
        """,
        id="annotated-parameter",
    ),
]


@pytest.mark.parametrize(("before", "after"), REWRITES)
def test_rewrites(before: str, after: str) -> None:
    check(before, after, kinds=MAPPER)


def test_header_calls_skipped_and_wrapped_by_hand_present() -> None:
    result = check_noop(
        """
        from frmk.conversation import HashMapper
        from frmk.utils.tracing import TraceSpan

        mapper = HashMapper()


        async def f(ctx):
            if (await mapper.get_thread_id(ctx)).is_new:
                pass
            with TraceSpan("mapper.get_thread_id"):
                r = await mapper.get_thread_id(ctx)
            return r
        """,
        kinds=MAPPER,
    )
    assert [(t.action, t.reason) for t in result.targets] == [
        ("skipped", "call in a compound statement header"),
        ("present", ""),
    ]


def test_project_mapper_calls_are_not_wrapped() -> None:
    code = """
    from app.mappers import TenantMapper

    mapper = TenantMapper()


    async def f(ctx):
        return await mapper.get_thread_id(ctx)
    """
    others = {"app.mappers": dedent(REWRITES[0].values[0])}
    check_noop(code, others=others, kinds=MAPPER)


BOT = """
from frmk.conversation import ConversationContext, HashMapper

mapper = HashMapper()


async def thread_for(activity):
    ctx = ConversationContext.from_activity(activity)
    result = await mapper.get_thread_id(ctx)
    return result.thread_id
"""


async def test_wrapped_call_site_behaves_the_same(load, spans) -> None:
    code = run(dedent(BOT), module="tracedmapper.bot", kinds=MAPPER).code
    assert remove(code).code == dedent(BOT)
    module = load({"tracedmapper.bot": code}, "tracedmapper.bot")
    activity = {
        "channelId": "msteams",
        "conversation": {"id": "c1", "conversationType": "personal", "tenantId": "t"},
        "from": {"id": "u1"},
    }
    first = await module.thread_for(activity)
    assert first == await module.thread_for(activity)
    assert [s["name"] for s in spans] == ["mapper.get_thread_id"] * 2


def test_statements_sharing_a_line_are_skipped_not_half_done() -> None:
    result = check_noop(
        """
        from frmk.conversation import HashMapper

        mapper = HashMapper()


        async def one_liner(ctx): return await mapper.get_thread_id(ctx)


        async def multi_line_header(ctx, a, b):
            if (a and
                    b): r = await mapper.get_thread_id(ctx)
            x = 1; r = await mapper.get_thread_id(ctx)
        """,
        kinds=MAPPER,
    )
    assert [(t.line, t.action) for t in result.targets] == [
        (6, "skipped"), (11, "skipped"), (12, "skipped"),
    ]  # fmt: skip
    assert {t.reason for t in result.targets} == {
        "statement shares its line (one-line suite or `;`)"
    }
