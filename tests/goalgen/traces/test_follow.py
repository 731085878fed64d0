"""goalgen.traces.follow: when a trace gathered from growing files is handed over, and how.

Clock readings are passed in, so each case says exactly when a trace is due.
"""

from __future__ import annotations

import json

import pytest

from goalgen.traces import parse_span
from goalgen.traces.follow import Follower, Timing, TraceAssembler, line_spans
from goalgen.traces.tail import Line

TIMING = Timing(settle=1.0, grace=5.0, timeout=30.0)


@pytest.fixture
def span(span_record):
    def make(name, span_id, parent=None, *, kind="internal", trace=None, **extra):
        record = span_record(name, span_id, parent, **({"trace": trace} if trace else {}), **extra)
        record["kind"] = kind
        return parse_span(record, f"spans.jsonl:{span_id}")

    return make


def names(finished) -> list[list[str]]:
    return [[s.name for s in f.trace.spans] for f in finished]


def test_the_root_makes_a_trace_whole_and_a_late_sibling_restarts_the_wait(span):
    assembler = TraceAssembler(TIMING)
    assembler.add(span("agent.run", "b1", "a1"), now=0.0)
    assembler.add(span("bot.turn", "a1"), now=2.0)
    assert assembler.due(2.9) == []
    assembler.add(span("tool.call", "c1", "b1", service="orchestrator"), now=2.5)
    assert assembler.due(3.4) == []
    (done,) = assembler.due(3.5)
    assert done.incomplete == ""
    assert [s.name for s in done.trace.spans] == ["agent.run", "bot.turn", "tool.call"]
    assert assembler.pending == 0


@pytest.mark.parametrize(
    ("kind", "due_at", "incomplete"),
    [
        ("server", 5.0, ""),
        ("consumer", 5.0, ""),
        ("internal", 30.0, "no span a100000000000000 (the parent of other spans) within 30 s"),
        ("client", 30.0, "no span a100000000000000 (the parent of other spans) within 30 s"),
    ],
    ids=["server", "consumer", "internal", "client"],
)
def test_a_missing_parent_is_awaited_for_the_grace_or_the_timeout(span, kind, due_at, incomplete):
    assembler = TraceAssembler(TIMING)
    assembler.add(span("tool.call", "c1", "b1"), now=0.0)
    assembler.add(span("POST /api", "b1", "a1", kind=kind), now=0.0)
    assert assembler.due(due_at - 0.01) == []
    (done,) = assembler.due(due_at)
    assert done.incomplete == incomplete
    assert [node.orphan for node in done.trace.roots] == [True]


def test_a_cycle_without_a_root_is_incomplete_after_the_timeout(span):
    assembler = TraceAssembler(TIMING)
    assembler.add(span("a", "a1", "b1"), now=0.0)
    assembler.add(span("b", "b1", "a1"), now=0.0)
    (done,) = assembler.due(30.0)
    assert done.incomplete == "no span without a parent within 30 s"
    assert len(done.trace.cycles) == 1


def test_a_span_of_a_trace_already_shown_is_late_and_a_repeat_is_dropped(span):
    assembler = TraceAssembler(TIMING)
    assembler.add(span("bot.turn", "a1"), now=0.0)
    assert names(assembler.due(1.0)) == [["bot.turn"]]
    assembler.add(span("bot.turn", "a1"), now=2.0)  # the same span read again
    assembler.add(span("POST /api", "b1", "a1", kind="server"), now=2.0)
    assert assembler.late == 1
    assert assembler.notices == [
        f"late span 'POST /api' (spans.jsonl:b1) of trace {'4bf92f3577b34da6a3ce929d0e0e4736'} "
        "arrived after the trace was shown"
    ]
    assert assembler.due(100.0) == [] and assembler.pending == 0


def test_drain_hands_over_whole_traces_as_complete_and_the_rest_as_incomplete(span):
    assembler = TraceAssembler(TIMING)
    other = "0af7651916cd43dd8448eb211c80319c"
    assembler.add(span("bot.turn", "a1", start=5.0), now=0.0)
    assembler.add(span("agent.run", "b1", "a0", trace=other, start=1.0), now=0.0)
    drained = assembler.drain()
    assert [(f.trace.trace_id, f.incomplete) for f in drained] == [
        (other, "still waiting when following stopped"),
        ("4bf92f3577b34da6a3ce929d0e0e4736", ""),
    ]


def test_only_traces_with_the_prefix_are_gathered(span):
    assembler = TraceAssembler(TIMING, trace_prefix=" 0AF7 ")
    assembler.add(span("bot.turn", "a1"), now=0.0)
    assembler.add(span("bot.turn", "a1", trace="0af7651916cd43dd8448eb211c80319c"), now=0.0)
    assert [f.trace.trace_id for f in assembler.due(1.0)] == ["0af7651916cd43dd8448eb211c80319c"]


@pytest.mark.parametrize(
    ("raw", "count", "problems"),
    [
        (b"\n", 0, []),
        (b"Traceback (most recent call last):\n", 0, ["not JSON"]),
        (b'{"name": "x"}\n', 0, ["trace_id is not 32 hex digits"]),
        (b'{"resourceSpans": [{"scopeSpans": [{"spans": [{}]}]}]}\n', 0, ["OTLP span has no name"]),
    ],
    ids=["blank", "not-json", "not-a-span", "bad-otlp"],
)
def test_line_spans_reads_lines_as_goalgen_traces_does(raw, count, problems):
    spans, found = line_spans(Line(raw, "f:1", True))
    assert (len(spans), found) == (count, problems)


def test_a_follower_joins_our_lines_and_otlp_lines_from_several_files(tmp_path, span_record):
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    bot, payments = tmp_path / "bot.jsonl", tmp_path / "payments.jsonl"
    client = span_record("POST /pay", "b1", "a1") | {"kind": "client"}
    bot.write_text(json.dumps(client) + "\nnot a span\n")
    request = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "payments"}}]
                },
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": trace,
                                "spanId": "c1".ljust(16, "0"),
                                "parentSpanId": "b1".ljust(16, "0"),
                                "name": "POST /pay",
                                "kind": 2,
                                "startTimeUnixNano": "1790000000001000000",
                                "endTimeUnixNano": "1790000000002000000",
                            }
                        ]
                    }
                ],
            }
        ]
    }
    payments.write_text(json.dumps(request) + "\n")
    follower = Follower([str(bot), str(payments), str(bot)], TIMING)
    assert follower.poll(0.0) == []
    assert follower.warnings == [f"skipping lines that are not spans (first: {bot}:2: not JSON)"]
    with bot.open("a") as handle:
        handle.write(json.dumps(span_record("bot.turn", "a1", start=0, end=20)) + "\n")
    assert follower.poll(1.0) == []
    (done,) = follower.poll(2.0)
    assert done.incomplete == "" and done.trace.services == ["bot", "payments"]
    assert [
        (depth, n.span.name, n.span.kind) for r in done.trace.roots for depth, n in r.walk()
    ] == [
        (0, "bot.turn", "internal"),
        (1, "POST /pay", "client"),
        (2, "POST /pay", "server"),
    ]
    assert follower.skipped == 1
