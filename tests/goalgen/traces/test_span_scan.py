"""``stream_stats`` gives what the in-memory path gives, on real and on awkward lines, and keeps
one duration per span, not the spans."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from goalgen.traces import (
    build_traces,
    compute_model_usage,
    compute_stats,
    read_spans,
    select_traces,
)
from goalgen.traces.span_scan import stream_stats

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def reference(paths, trace_prefix=None):
    """The in-memory figures: read every span, build the trees, then count."""
    read = read_spans(paths)
    traces = build_traces(read.spans)
    if trace_prefix is not None:
        traces = select_traces(traces, trace_prefix)
    kept = {t.trace_id for t in traces}
    spans = [s for s in read.spans if s.trace_id in kept]
    return compute_stats(spans), compute_model_usage(spans), len(spans), read


def assert_same(paths, trace_prefix=None):
    stats, usage, count, read = reference(paths, trace_prefix)
    streamed = stream_stats(paths, trace_prefix=trace_prefix)
    assert [s.to_dict() for s in streamed.stats] == [s.to_dict() for s in stats]
    assert streamed.usage == usage
    assert streamed.spans == count
    assert (streamed.read.skipped, streamed.read.bad_lines) == (read.skipped, read.bad_lines)
    assert streamed.read.duplicates == read.duplicates
    return streamed


def test_a_runtime_corpus_gives_the_same_stats_and_tokens(corpus):
    streamed = assert_same([str(corpus)])
    assert streamed.spans == 2000 and len(streamed.usage) == 3


def test_files_of_two_processes_merged_give_the_same_stats(corpus, tmp_path):
    bot, orchestrator = tmp_path / "bot.jsonl", tmp_path / "orchestrator.jsonl"
    with open(corpus) as lines, open(bot, "w") as b, open(orchestrator, "w") as o:
        for line in lines:
            (b if json.loads(line)["service"] == "bot" else o).write(line)
    assert_same([str(orchestrator), str(bot)])


def test_the_same_file_twice_counts_each_span_once(corpus):
    streamed = assert_same([str(corpus), str(corpus)])
    assert streamed.spans == 2000 and streamed.read.duplicates == 2000


def test_a_trace_prefix_keeps_only_its_spans(corpus):
    first = json.loads(corpus.read_text().splitlines()[0])["trace_id"]
    streamed = assert_same([str(corpus)], first[:6].upper())
    assert streamed.spans == 10


def record(span_id, **fields):
    data = {"name": "chat gpt-4o", "trace_id": TRACE, "span_id": span_id, "parent_span_id": None,
            "service": "orchestrator", "component": "chat", "kind": "client",
            "start_time": 100.0, "end_time": 100.25, "duration_ms": 250.0, "status": "ok",
            "metadata": {"gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 12,
                         "gen_ai.usage.output_tokens": 3}}
    data.update(fields)
    return json.dumps(data)


OTLP = json.dumps({"resourceSpans": [{
    "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "tools"}}]},
    "scopeSpans": [{"spans": [
        {"traceId": TRACE, "spanId": "00000000000000e1", "name": "tool.search",
         "startTimeUnixNano": "100000000000", "endTimeUnixNano": "100500000000"},
        {"traceId": TRACE, "spanId": "zz", "name": "broken",
         "startTimeUnixNano": "1", "endTimeUnixNano": "2"},
    ]}],
}]})

AWKWARD = [
    pytest.param(record("00000000000000a1"), id="plain"),
    pytest.param(record("00000000000000a2", start_time=100, end_time=101, duration_ms=1000),
                 id="integer-times"),
    pytest.param(record("00000000000000a3", duration_ms=None), id="no-duration"),
    pytest.param(record("00000000000000a4", component=None, service=None, status=None,
                        error={"type": "E", "message": "m"}), id="defaults-and-error"),
    pytest.param(record("00000000000000A5"), id="upper-case-id"),
    pytest.param(record("00000000000000a6", parent_span_id="00000000000000A1"),
                 id="upper-case-parent"),
    pytest.param(record("0000000 000000a7"), id="space-in-id"),
    pytest.param(record("00000000000000a8", metadata={
        "gen_ai.response.model": "gpt-4o", "gen_ai.usage.input_tokens": 2**70,
        "gen_ai.usage.output_tokens": 1.0}), id="token-count-beyond-64-bits"),
    pytest.param(record("00000000000000a9", service=2**70), id="service-beyond-64-bits"),
    pytest.param(record("00000000000000aa", metadata=[1]), id="metadata-not-an-object"),
    pytest.param(record("00000000000000ab", status="error"), id="failed"),
    pytest.param(record("00000000000000ac", start_time="100"), id="time-as-text"),
    pytest.param(OTLP, id="otlp-request"),
    pytest.param("INFO: Uvicorn running on http://127.0.0.1:8000", id="other-output"),
    pytest.param('{"name": NaN}', id="nan"),
    pytest.param("", id="blank"),
]


@pytest.mark.parametrize("line", AWKWARD)
def test_awkward_lines_give_the_same_stats_as_the_reference(tmp_path, line):
    path = tmp_path / "spans.jsonl"
    path.write_text(line + "\n" + record("00000000000000ff", name="after") + "\n")
    assert_same([str(path)])


def test_all_awkward_lines_together_give_the_same_stats(tmp_path):
    path = tmp_path / "spans.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(p.values[0] for p in AWKWARD).encode() + b"\n")
    streamed = assert_same([str(path)])
    assert streamed.read.skipped > 0


def _memory(path, spans):
    """(bytes still allocated once ``stream_stats`` is done, peak bytes during it)."""
    tracemalloc.start()
    try:
        streamed = stream_stats([str(path)])
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert streamed.spans == spans
    return kept, peak


def test_memory_grows_by_a_key_and_a_duration_per_span_not_by_a_span(tmp_path):
    """While reading, a span costs its 24-byte duplicate key in a set and its 8-byte duration;
    after, only the duration is left. A parsed ``Span`` with its metadata is over 1 KB."""
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    lines = [record(f"{i:016x}", start_time=100.0 + i) for i in range(20_000)]
    small.write_text("\n".join(lines[:2_000]) + "\n")
    large.write_text("\n".join(lines) + "\n")
    (kept_small, peak_small), (kept_large, peak_large) = _memory(small, 2_000), _memory(large, 20_000)
    per_span_kept = (kept_large - kept_small) / 18_000
    per_span_peak = (peak_large - peak_small) / 18_000
    assert per_span_kept <= 16  # array('d') grows by over-allocation: under 2 x 8 bytes
    assert per_span_peak <= 256  # the key (64) and its set slot, resizes included
