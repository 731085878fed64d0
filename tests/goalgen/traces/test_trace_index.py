"""``indexed_traces`` gives the traces ``build_traces`` gives, in the same order, holding one
trace's spans at a time."""

from __future__ import annotations

import gc
import io
import json
import os
import threading

from goalgen.traces import Span, build_traces, read_spans
from goalgen.traces.trace_index import indexed_traces

OTHER = "0af7651916cd43dd8448eb211c80319c"


def reference(paths, stdin=None):
    read = read_spans(paths, stdin)
    return [t.to_dict() for t in build_traces(read.spans)], read.skipped


def streamed(paths, stdin=None, trace_prefix=None):
    with indexed_traces(paths, stdin, trace_prefix) as indexed:
        traces = [t.to_dict() for t in indexed.traces]
        assert indexed.count == len(traces)
        return traces, indexed.read.skipped


def test_a_runtime_corpus_gives_the_same_traces_in_the_same_order(corpus):
    traces, skipped = streamed([str(corpus)])
    assert (traces, skipped) == reference([str(corpus)])
    assert len(traces) == 200 and {len(t["spans"]) for t in traces} == {10}


def test_files_of_two_processes_merged_give_the_same_trees(corpus, tmp_path):
    bot, orchestrator = tmp_path / "bot.jsonl", tmp_path / "orchestrator.jsonl"
    with open(corpus) as lines, open(bot, "w") as b, open(orchestrator, "w") as o:
        for line in lines:
            (b if json.loads(line)["service"] == "bot" else o).write(line)
    traces, _ = streamed([str(orchestrator), str(bot)])
    assert traces == reference([str(orchestrator), str(bot)])[0]
    assert all(t["services"] == ["bot", "orchestrator"] for t in traces)
    assert not any(s.get("orphan") for t in traces for s in t["spans"])


def test_a_file_twice_and_noise_give_the_same_trees(corpus, tmp_path):
    noisy = tmp_path / "noisy.log"
    noisy.write_bytes(b"\xef\xbb\xbf" + corpus.read_bytes().replace(b"\n", b"\nnoise\n", 50))
    paths = [str(noisy), str(corpus)]
    assert streamed(paths) == reference(paths)


def test_a_pipe_is_copied_so_it_can_be_read_again(corpus):
    data = corpus.read_bytes()
    read_end, write_end = os.pipe()

    def feed():
        with open(write_end, "wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    with open(read_end, "rb") as stdin:
        assert not stdin.seekable()
        traces, _ = streamed(["-"], stdin)
    writer.join()
    assert traces == reference(["-"], io.BytesIO(data))[0]


def test_an_otlp_line_holding_two_traces_gives_each_its_spans(tmp_path, corpus):
    first = json.loads(corpus.read_text().splitlines()[0])["trace_id"]

    def otlp_span(trace, span_id, start):
        return {"traceId": trace, "spanId": span_id, "name": f"tool.{span_id}",
                "startTimeUnixNano": str(start), "endTimeUnixNano": str(start + 10**6)}

    request = {"resourceSpans": [{"scopeSpans": [{"spans": [
        otlp_span(OTHER, "00000000000000c1", 5 * 10**18),
        otlp_span(first, "00000000000000c2", 10**18),
        otlp_span(OTHER, "00000000000000c3", 10**18),
    ]}]}]}
    path = tmp_path / "otlp.jsonl"
    path.write_text(json.dumps(request) + "\n")
    paths = [str(corpus), str(path)]
    traces, _ = streamed(paths)
    assert traces == reference(paths)[0]
    assert [len(t["spans"]) for t in traces if t["trace_id"] == OTHER] == [2]


def test_a_trace_prefix_keeps_that_trace(corpus):
    first = json.loads(corpus.read_text().splitlines()[0])["trace_id"]
    traces, _ = streamed([str(corpus)], trace_prefix=f" {first[:8].upper()}")
    assert [t["trace_id"] for t in traces] == [first]


def test_spans_alive_at_once_are_those_of_one_trace(corpus):
    """Counting parsed spans alive while the traces go by: never more than one trace's (other
    tests may have left spans alive: those are counted first)."""

    def alive():
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, Span))

    before, most = alive(), 0
    with indexed_traces([str(corpus)]) as indexed:
        for trace in indexed.traces:
            most = max(most, alive() - before)
            del trace
    assert most == 10  # one trace: 10 spans
