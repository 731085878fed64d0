"""@trace_span keeps a function's kind and shape, and spans follow generators correctly."""

import asyncio
import inspect

import pytest

from frmk.utils.tracing import TraceSpan, trace_span


def by_name(records):
    return {r["name"]: r for r in records}


def sync_fn(a: int, b: str = "x", *, c: float = 1.0) -> str:
    """Doc of sync_fn."""
    return f"{a}{b}{c}"


async def async_fn(a: int) -> int:
    """Doc of async_fn."""
    await asyncio.sleep(0)
    return a * 2


def gen_fn(n: int):
    yield from range(n)


async def agen_fn(n: int):
    for i in range(n):
        await asyncio.sleep(0)
        yield i


KINDS = [
    (sync_fn, inspect.isfunction),
    (async_fn, inspect.iscoroutinefunction),
    (gen_fn, inspect.isgeneratorfunction),
    (agen_fn, inspect.isasyncgenfunction),
]


@pytest.mark.parametrize("fn,kind", KINDS, ids=lambda v: getattr(v, "__name__", ""))
def test_wrapper_keeps_kind_name_doc_signature(fn, kind):
    wrapped = trace_span("x")(fn)
    assert wrapped is not fn
    for check in (inspect.iscoroutinefunction, inspect.isgeneratorfunction,
                  inspect.isasyncgenfunction):
        assert check(wrapped) == check(fn)
    assert kind(wrapped)
    assert wrapped.__name__ == fn.__name__ and wrapped.__doc__ == fn.__doc__
    assert wrapped.__wrapped__ is fn
    assert inspect.signature(wrapped) == inspect.signature(fn)


def test_sync_and_async_return_values_and_spans(spans):
    assert trace_span("s")(sync_fn)(1, "y", c=2.0) == "1y2.0"
    assert asyncio.run(trace_span("a")(async_fn)(4)) == 8
    assert [r["name"] for r in spans] == ["s", "a"]


def test_bare_decorator_uses_qualname(spans):
    @trace_span
    def named():
        return 3

    assert named() == 3
    assert spans[0]["name"].endswith("named")


def test_methods_static_and_class_methods(spans):
    class C:
        @trace_span("C.m")
        def m(self, x):
            return x + 1

        @staticmethod
        @trace_span("C.s")
        def s(x):
            return x * 3

        @trace_span("C.c")
        @classmethod
        def c(cls):
            return cls.__name__

    assert C().m(1) == 2 and C.s(2) == 6 and C.c() == "C"
    assert [r["name"] for r in spans] == ["C.m", "C.s", "C.c"]


def test_exception_in_decorated_function_propagates(spans):
    @trace_span("boom")
    async def boom():
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        asyncio.run(boom())
    assert spans[0]["status"] == "error" and spans[0]["error"]["type"] == "ValueError"


def test_generator_span_runs_from_first_iteration_to_exhaustion(spans):
    traced = trace_span("gen")(gen_fn)
    with TraceSpan("caller") as caller:
        gen = traced(3)
        assert spans == []  # creating the generator starts nothing
        out = []
        for value in gen:
            out.append(value)
            with TraceSpan("between"):  # caller code between iterations
                pass
    assert out == [0, 1, 2]
    recs = by_name(spans)
    assert recs["gen"]["parent_span_id"] == caller.span_id
    assert recs["between"]["parent_span_id"] == caller.span_id
    assert sum(r["name"] == "gen" for r in spans) == 1


def test_generator_inner_spans_are_children_and_send_throw_close_work(spans):
    @trace_span("echo")
    def echo():
        received = None
        try:
            while True:
                with TraceSpan("step"):
                    received = yield received
        except KeyError:
            yield "handled"

    gen = echo()
    assert next(gen) is None
    assert gen.send("a") == "a"
    assert gen.throw(KeyError("k")) == "handled"
    gen.close()
    recs = [r for r in spans]
    echo_rec = next(r for r in recs if r["name"] == "echo")
    assert echo_rec["status"] == "ok"
    steps = [r for r in recs if r["name"] == "step"]
    assert steps and all(r["parent_span_id"] == echo_rec["span_id"] for r in steps)


def test_generator_return_value_is_kept(spans):
    @trace_span("ret")
    def gen():
        yield 1
        return "done"

    def outer():
        result = yield from gen()
        return result

    g = outer()
    next(g)
    with pytest.raises(StopIteration) as stop:
        next(g)
    assert stop.value.value == "done"


def test_async_generator_span_and_caller_context(spans):
    traced = trace_span("agen")(agen_fn)

    async def main():
        with TraceSpan("caller") as caller:
            out = []
            async for value in traced(3):
                out.append(value)
                with TraceSpan("between"):
                    pass
            return caller, out

    caller, out = asyncio.run(main())
    assert out == [0, 1, 2]
    recs = by_name(spans)
    assert recs["agen"]["parent_span_id"] == caller.span_id
    assert recs["between"]["parent_span_id"] == caller.span_id


def test_async_generator_error_recorded(spans):
    @trace_span("bad_agen")
    async def bad():
        yield 1
        raise RuntimeError("x")

    async def main():
        async for _ in bad():
            pass

    with pytest.raises(RuntimeError):
        asyncio.run(main())
    assert spans[0]["status"] == "error"
