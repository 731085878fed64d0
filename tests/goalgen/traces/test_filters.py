"""Which traces the filters keep, and how --since/--until times are read."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from goalgen.traces import build_traces, read_spans
from goalgen.traces.filters import TraceFilter, parse_time

T_FAST = "0af7651916cd43dd8448eb211c80319c"
T_FAILED = "11111111111111111111111111111111"
T_SLOW = "22222222222222222222222222222222"
NOW = 1_790_000_000.0


@pytest.fixture
def traces(write_spans, span_record):
    path = write_spans(
        [
            span_record("bot.turn", "a", trace=T_FAST, start=0, end=10),
            span_record("bot.turn", "b", trace=T_FAILED, start=1000, end=1050),
            span_record(
                "api.POST",
                "c",
                "b",
                trace=T_FAILED,
                start=1010,
                end=1040,
                service="orchestrator",
                error="boom",
            ),
            span_record("bot.turn", "d", trace=T_SLOW, start=2000, end=2500),
        ]
    )
    return build_traces(read_spans([str(path)]).spans)


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        pytest.param(TraceFilter(), [T_FAST, T_FAILED, T_SLOW], id="nothing-keeps-all"),
        pytest.param(TraceFilter(service="orchestrator"), [T_FAILED], id="service"),
        pytest.param(TraceFilter(service="nobody"), [], id="unknown-service"),
        pytest.param(TraceFilter(errors=True), [T_FAILED], id="errors"),
        pytest.param(TraceFilter(slowest=2), [T_SLOW, T_FAILED], id="slowest-longest-first"),
        pytest.param(
            TraceFilter(slowest=9), [T_SLOW, T_FAILED, T_FAST], id="slowest-more-than-all"
        ),
        pytest.param(TraceFilter(since=NOW + 1.0), [T_FAILED, T_SLOW], id="since-inclusive"),
        pytest.param(TraceFilter(until=NOW + 1.0), [T_FAST, T_FAILED], id="until-inclusive"),
        pytest.param(
            TraceFilter(since=NOW + 0.5, until=NOW + 1.5), [T_FAILED], id="since-and-until"
        ),
        pytest.param(TraceFilter(errors=True, slowest=1, service="bot"), [T_FAILED], id="combined"),
    ],
)
def test_filters_keep_whole_traces(traces, chosen, expected):
    assert [t.trace_id for t in chosen.apply(traces)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1790000000", NOW, id="epoch"),
        pytest.param("1790000000.5", NOW + 0.5, id="epoch-fraction"),
        pytest.param("90s", NOW - 90, id="seconds-ago"),
        pytest.param("15m", NOW - 900, id="minutes-ago"),
        pytest.param("2h", NOW - 7200, id="hours-ago"),
        pytest.param("1.5d", NOW - 1.5 * 86400, id="days-ago"),
        pytest.param(
            "2026-05-01T12:00:00Z",
            datetime(2026, 5, 1, 12, tzinfo=timezone.utc).timestamp(),
            id="iso-utc",
        ),
        pytest.param(
            "2026-05-01T14:00+02:00",
            datetime(2026, 5, 1, 12, tzinfo=timezone.utc).timestamp(),
            id="iso-offset",
        ),
        pytest.param("2026-05-01", datetime(2026, 5, 1).timestamp(), id="iso-date-local"),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text, NOW) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["yesterday", "15x", "", "2026-13-01"])
def test_parse_time_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError, match="is not a time"):
        parse_time(text, NOW)
