"""Context propagation across await, gather, create_task and threads."""

import asyncio
import contextvars
import threading

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan, trace_span


def test_gather_and_create_task_children_have_the_right_parents(spans):
    @trace_span("leaf")
    async def leaf(i):
        await asyncio.sleep(0.001 * (i % 3))
        return tracing.get_current_span().parent_span_id

    async def main():
        with TraceSpan("root") as root:
            parents = await asyncio.gather(*(leaf(i) for i in range(5)))
            task = asyncio.create_task(leaf(9))
            parents.append(await task)
        return root, parents

    root, parents = asyncio.run(main())
    assert parents == [root.span_id] * 6


def test_thousand_concurrent_tasks_never_see_each_others_spans(spans):
    async def worker(i):
        with TraceSpan("task", i=i) as mine:
            for _ in range(3):
                await asyncio.sleep(0)
                assert tracing.get_current_span() is mine
                with TraceSpan("child", i=i) as child:
                    await asyncio.sleep(0)
                    assert tracing.get_current_span() is child
                assert tracing.get_current_span() is mine
        return mine.trace_id

    async def main():
        return await asyncio.gather(*(worker(i) for i in range(1000)))

    trace_ids = asyncio.run(main())
    assert len(set(trace_ids)) == 1000
    tasks = {r["span_id"]: r for r in spans if r["name"] == "task"}
    children = [r for r in spans if r["name"] == "child"]
    assert len(tasks) == 1000 and len(children) == 3000
    for child in children:
        parent = tasks[child["parent_span_id"]]
        assert parent["metadata"]["i"] == child["metadata"]["i"]
        assert parent["trace_id"] == child["trace_id"]


def test_thread_with_copied_context_keeps_parent(spans):
    result = {}

    def in_thread():
        with TraceSpan("in_thread") as span:
            result["parent"] = span.parent_span_id

    with TraceSpan("main") as main:
        ctx = contextvars.copy_context()
        thread = threading.Thread(target=ctx.run, args=(in_thread,))
        thread.start()
        thread.join()
    assert result["parent"] == main.span_id


def test_to_thread_keeps_parent(spans):
    async def main():
        with TraceSpan("main") as main_span:
            def work():
                return tracing.get_current_span()
            return main_span, await asyncio.to_thread(work)

    main_span, seen = asyncio.run(main())
    assert seen is main_span


def test_span_ended_in_another_task_does_not_break(spans):
    async def main():
        span = TraceSpan("handoff")
        span.__enter__()

        async def finish():
            span.__exit__(None, None, None)

        await asyncio.create_task(finish())

    asyncio.run(main())
    assert spans[0]["name"] == "handoff"
