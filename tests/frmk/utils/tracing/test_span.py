"""TraceSpan: record format, parents, errors, the simple API."""

import re

import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan


def by_name(records):
    return {r["name"]: r for r in records}

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")


def test_record_has_the_documented_fields(spans):
    with TraceSpan("agent.FlightAgent.invoke", city="Paris") as span:
        assert tracing.get_trace_id() == span.trace_id
    (rec,) = spans
    assert set(rec) == {
        "name", "trace_id", "span_id", "parent_span_id", "service", "component", "kind",
        "start_time", "end_time", "duration_ms", "status", "metadata",
    }
    assert HEX32.match(rec["trace_id"]) and HEX16.match(rec["span_id"])
    assert rec["parent_span_id"] is None
    assert rec["service"] == "test" and rec["component"] == "agent"
    assert rec["status"] == "ok"
    assert rec["metadata"] == {"city": "Paris", "gen_ai.operation.name": "invoke_agent"}
    assert rec["end_time"] >= rec["start_time"]
    assert rec["duration_ms"] == pytest.approx((rec["end_time"] - rec["start_time"]) * 1000, abs=0.01)


def test_children_share_the_trace_and_point_at_their_parent(spans):
    with TraceSpan("bot.on_turn") as root:
        with TraceSpan("mapper.get_thread_id"):
            pass
        with TraceSpan("langgraph.node.supervisor") as node:
            with TraceSpan("agent.A.invoke"):
                pass
    recs = by_name(spans)
    assert {r["trace_id"] for r in spans} == {root.trace_id}
    assert recs["mapper.get_thread_id"]["parent_span_id"] == root.span_id
    assert recs["agent.A.invoke"]["parent_span_id"] == node.span_id
    assert recs["langgraph.node.supervisor"]["component"] == "node"
    assert tracing.get_trace_id() is None


def test_exception_is_recorded_and_propagates_unchanged(spans):
    err = KeyError("missing")
    with pytest.raises(KeyError) as caught:
        with TraceSpan("api.GET /x"):
            raise err
    assert caught.value is err
    (rec,) = spans
    assert rec["status"] == "error"
    assert rec["error"] == {"type": "KeyError", "message": "'missing'"}


def test_manual_api_end_is_idempotent_and_to_dict_matches(spans):
    span = TraceSpan("work", trace_id="ab" * 16, step=1)
    span.add_metadata(step=2, extra="x")
    span.end()
    span.end()
    assert len(spans) == 1
    assert spans[0]["trace_id"] == "ab" * 16
    assert spans[0]["metadata"] == {"step": 2, "extra": "x"}
    assert span.to_dict()["span_id"] == spans[0]["span_id"]


def test_explicit_trace_id_different_from_current_starts_a_new_root(spans):
    with TraceSpan("outer"):
        with TraceSpan("other", trace_id="cd" * 16):
            pass
    assert by_name(spans)["other"]["parent_span_id"] is None


def test_start_trace_and_add_trace_metadata(spans):
    async def run():
        trace_id = tracing.start_trace()
        assert tracing.get_trace_id() == trace_id
        assert tracing.add_trace_metadata(user="u1") is False  # no span yet
        with TraceSpan("first"):
            assert tracing.add_trace_metadata(user="u1") is True
        return trace_id

    import asyncio

    trace_id = asyncio.run(run())
    assert spans[0]["trace_id"] == trace_id
    assert spans[0]["parent_span_id"] is None
    assert spans[0]["metadata"] == {"user": "u1"}


def test_explicit_component_overrides_prefix(spans):
    with TraceSpan("custom.thing", component="bot"):
        pass
    assert spans[0]["component"] == "bot" and spans[0]["metadata"] == {}


def test_disabled_tracing_makes_spans_noops():
    sink = tracing.MemorySink()
    tracing.configure(output=sink, enabled=False)
    try:
        with TraceSpan("x") as span:
            span.add_metadata(a=1)
        assert sink.records == []

        def f():
            return 1

        assert tracing.trace_span("f")(f) is f
    finally:
        tracing.configure(output="none")


@pytest.mark.parametrize("kind", ["internal", "server", "client", "producer", "consumer"])
def test_record_says_its_span_kind(kind, spans):
    with TraceSpan("api.GET /x", kind=kind):
        pass
    assert spans[-1]["kind"] == kind


def test_an_unknown_span_kind_is_refused():
    with pytest.raises(ValueError, match="span kind 'clinet'"):
        TraceSpan("x", kind="clinet")


class Watched:
    """A metadata value and turn context that count how often the span path looks at them."""

    looks = 0

    def __repr__(self) -> str:
        Watched.looks += 1
        return "<watched>"

    @property
    def activity(self):
        Watched.looks += 1
        return None


UNWRITTEN = [
    pytest.param({"output": "none"}, id="output-none"),
    pytest.param({"output": "stderr", "sample_rate": 0.0}, id="sampled-out"),
]


@pytest.mark.parametrize("settings", UNWRITTEN)
def test_a_span_that_is_not_written_builds_nothing(settings, monkeypatch):
    import json

    encoded = []
    real_dumps = json.dumps
    monkeypatch.setattr(json, "dumps", lambda *a, **k: encoded.append(a) or real_dumps(*a, **k))
    Watched.looks = 0
    tracing.configure(enabled=True, **settings)
    try:
        for n in range(3):
            with TraceSpan(f"bot.never_seen_{settings['output']}_{n}", thing=Watched()):
                pass

            @tracing.trace_span(f"agent.Never{n}.invoke")
            def invoke(agent, state):
                return state

            invoke(Watched(), {})
    finally:
        tracing.configure(output="none")
    assert encoded == [] and Watched.looks == 0
