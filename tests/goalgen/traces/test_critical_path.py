"""The critical path of traces read from span files: which spans, and how long each held it."""

from __future__ import annotations

import random

import pytest

from goalgen.traces import build_traces, read_spans
from goalgen.traces.critical_path import critical_path, critical_path_text


def path_of(write_spans, records):
    (trace,) = build_traces(read_spans([str(write_spans(records))]).spans)
    return critical_path(trace)


def summary(path):
    """[(name, critical ms rounded)] in tree order."""
    totals = path.critical_ms()
    return [(s.name, round(totals.get(s.span_id, 0.0), 3)) for s in path.spans]


CASES = [
    pytest.param(
        [("root", "a", None, 0, 100), ("first", "b", "a", 10, 40), ("second", "c", "a", 50, 90)],
        [("root", 30), ("first", 30), ("second", 40)],
        id="sequential-children-all-on-the-path",
    ),
    pytest.param(
        [("root", "a", None, 0, 100), ("long", "b", "a", 10, 90), ("short", "c", "a", 10, 50)],
        [("root", 20), ("long", 80)],
        id="parallel-children-the-one-ending-last",
    ),
    pytest.param(
        [("root", "a", None, 0, 100), ("early", "b", "a", 0, 60), ("late", "c", "a", 40, 95)],
        [("root", 45), ("late", 55)],
        id="a-child-overlapping-the-cursor-is-passed-over",
    ),
    pytest.param(
        [
            ("root", "a", None, 0, 100),
            ("mid", "b", "a", 10, 90),
            ("leaf", "c", "b", 20, 80),
            ("side", "d", "b", 15, 25),
        ],
        [("root", 20), ("mid", 20), ("leaf", 60)],
        id="nested-and-a-sibling-ending-before-is-not-waited-on",
    ),
    pytest.param(
        [("root", "a", None, 0, 50), ("async", "b", "a", 10, 80), ("after", "c", "a", 60, 70)],
        [("root", 10), ("async", 40)],
        id="same-service-child-outliving-the-parent-is-cut-at-its-end",
    ),
    pytest.param(
        [("root", "a", None, 0, 100), ("one", "b", "a", 20, 60), ("two", "c", "a", 40, 60)],
        [("root", 60), ("one", 40)],
        id="tie-on-the-end-goes-to-the-earlier-start",
    ),
    pytest.param(
        [("root", "a", None, 0, 100)],
        [("root", 100)],
        id="a-lone-span",
    ),
]


@pytest.mark.parametrize(("spans", "expected"), CASES)
def test_critical_path_picks_the_spans_the_trace_waited_on(
    write_spans, span_record, spans, expected
):
    records = [span_record(n, i, p, start=s, end=e) for n, i, p, s, e in spans]
    path = path_of(write_spans, records)
    assert summary(path) == expected
    root = path.trace.roots[0].span
    assert sum(s.duration_ms for s in path.segments) == pytest.approx(root.duration_ms)


def test_a_skewed_child_from_another_service_is_moved_inside_its_parent(write_spans, span_record):
    # the orchestrator's clock runs 130 ms ahead: its spans look as if they came after the bot's
    path = path_of(
        write_spans,
        [
            span_record("bot.turn", "a", start=0, end=100, service="bot"),
            span_record("api.POST", "b", "a", start=120, end=170, service="orchestrator"),
            span_record("agent.invoke", "c", "b", start=130, end=160, service="orchestrator"),
        ],
    )
    # 50 ms centred in 100 ms: [25, 75]; the agent moves with it to [35, 65]
    assert summary(path) == [("bot.turn", 50), ("api.POST", 20), ("agent.invoke", 30)]
    starts = [round((s.start - path.trace.start_time) * 1000, 3) for s in path.segments]
    assert starts == [0, 25, 35, 65, 75]


def test_a_child_from_another_service_that_fits_is_not_moved(write_spans, span_record):
    path = path_of(
        write_spans,
        [
            span_record("bot.turn", "a", start=0, end=100, service="bot"),
            span_record("api.POST", "b", "a", start=10, end=30, service="orchestrator"),
        ],
    )
    assert summary(path) == [("bot.turn", 80), ("api.POST", 20)]


def test_orphans_are_extra_roots_and_the_gap_between_them_is_named(write_spans, span_record):
    path = path_of(
        write_spans,
        [
            span_record("api.POST", "b", "f", start=0, end=40, service="orchestrator"),
            span_record("agent.invoke", "c", "b", start=5, end=35, service="orchestrator"),
            span_record("late.orphan", "d", "e", start=60, end=100, service="worker"),
        ],
    )
    assert summary(path) == [("api.POST", 10), ("agent.invoke", 30), ("late.orphan", 40)]
    missing = [s for s in path.segments if s.span is None]
    assert [round(s.duration_ms, 3) for s in missing] == [20]
    text = critical_path_text(path)
    assert "(no span in the input)  20.00 ms" in text
    assert "late.orphan  [worker]  40.00 of 40.00 ms" in text


def test_a_10k_deep_chain_does_not_recurse(write_spans, span_record):
    depth = 10_000
    records = [
        span_record(
            f"s{i}", f"{i + 1:016x}", f"{i:016x}" if i else None, start=i / 100, end=200 - i / 100
        )
        for i in range(depth)
    ]
    path = path_of(write_spans, records)
    assert len(path.spans) == depth
    assert sum(s.duration_ms for s in path.segments) == pytest.approx(200)


def test_segments_never_overlap_and_cover_the_trace(write_spans, span_record):
    rng = random.Random(11)
    records = [span_record("root", f"{1:016x}", start=0, end=1000)]
    for index in range(2, 300):
        parent = records[rng.randrange(len(records))]
        low = (parent["start_time"] - records[0]["start_time"]) * 1000
        high = (parent["end_time"] - records[0]["start_time"]) * 1000
        start = rng.uniform(low, high)
        end = rng.uniform(start, high)
        records.append(
            span_record(f"s{index}", f"{index:016x}", parent["span_id"], start=start, end=end)
        )
    path = path_of(write_spans, records)
    segments = path.segments
    assert all(a.end <= b.start + 1e-9 for a, b in zip(segments, segments[1:], strict=False))
    assert segments[0].start == pytest.approx(path.trace.start_time)
    assert sum(s.duration_ms for s in segments) == pytest.approx(1000)
    # each span on the path has a parent on the path
    on_path = path.span_ids
    assert all(s.parent_span_id is None or s.parent_span_id in on_path for s in path.spans)
