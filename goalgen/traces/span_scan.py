"""One fast pass over span files that keeps nothing per span: behind ``--stats`` and the trace
index of ``--format json``.

Each line takes a fast path first: ``json_lines.decode_fast`` (orjson when installed), then a
check that every field used is there and typed the way the runtime writes it (strings, float
times, lowercase hex ids, integer token counts). A line the fast path does not recognise, valid
or not (an OTLP request, integer times, a missing ``component``, a float token count that may
have been an integer beyond 64 bits, anything malformed), is read again by the reference,
``records.line_spans`` (the standard library's parser and ``parse_span``), so the spans
accepted, the lines skipped and their reasons are those of ``records.read_spans``.

Duplicates: a (trace_id, span_id) read again is dropped, as ``read_spans`` does, exactly and
across all inputs (the same file given twice, overlapping rotated copies): the keys seen are kept
as 24-byte strings in one set, about 100 bytes per distinct span (~100 MB at a million spans).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple

from goalgen.traces.json_lines import MAX_LINE_BYTES, decode_fast, iter_lines
from goalgen.traces.records import ReadResult, Span, line_spans, open_inputs
from goalgen.traces.stats import (
    INPUT_TOKENS,
    OUTPUT_TOKENS,
    ModelUsage,
    SpanStats,
    StatsAccumulator,
    metadata_model,
    metadata_tokens,
)

_EMPTY: dict[str, Any] = {}


class ScannedSpan(NamedTuple):
    """What ``--stats`` and the trace index need of one span, and where its line is."""

    key: bytes  # trace id and span id, 24 bytes
    trace_id: str
    name: str
    component: str
    service: str
    start_time: float
    end_time: float
    duration_ms: float
    failed: bool
    model: str | None
    tokens: tuple[int | None, int | None]
    source: int  # which input (its index in the paths given)
    offset: int  # where its line starts in that input
    line: int  # its line number there


def _fast(value: Any, source: int, offset: int, line: int) -> ScannedSpan | None:
    """The span of a record written as the runtime writes it; ``None`` for anything else."""
    if type(value) is not dict:
        return None
    get = value.get
    name, trace_id, span_id, parent = get("name"), get("trace_id"), get("span_id"), get(
        "parent_span_id"
    )
    service, component, status = get("service"), get("component"), get("status")
    start, end, duration = get("start_time"), get("end_time"), get("duration_ms")
    if not (
        type(name) is str and name and type(service) is str and service
        and type(component) is str and component and type(status) is str and status
        and type(start) is float and type(end) is float and type(duration) is float
        and type(trace_id) is str and len(trace_id) == 32
        and type(span_id) is str and len(span_id) == 16
        and (parent is None or (type(parent) is str and len(parent) == 16))
    ):  # fmt: skip
        return None
    ids = trace_id + span_id if parent is None else trace_id + span_id + parent
    try:
        key = bytes.fromhex(ids)
    except ValueError:
        return None
    if key.hex() != ids:  # upper case (fromhex takes it, parse_span does not)
        return None
    metadata = get("metadata")
    if type(metadata) is not dict:
        metadata = _EMPTY
    model = metadata_model(metadata) if metadata else None
    if model is not None and (
        type(metadata.get(INPUT_TOKENS)) is float or type(metadata.get(OUTPUT_TOKENS)) is float
    ):
        return None  # maybe an integer beyond 64 bits that orjson read as a float
    return ScannedSpan._make(
        (key[:24], trace_id, name, component, service, start, end, duration, status == "error",
         model, metadata_tokens(metadata) if model is not None else (None, None), source, offset,
         line)
    )  # fmt: skip


def _scanned(span: Span, source: int, offset: int, line: int) -> ScannedSpan:
    model = metadata_model(span.metadata)
    return ScannedSpan(
        bytes.fromhex(span.trace_id + span.span_id), span.trace_id, span.name, span.component,
        span.service, span.start_time, span.end_time, span.duration_ms, span.failed, model,
        metadata_tokens(span.metadata) if model is not None else (None, None), source, offset,
        line,
    )  # fmt: skip


def _scan_stream(
    stream: BinaryIO, label: str, source: int, result: ReadResult
) -> Iterator[ScannedSpan]:
    offset = 0
    for number, raw in enumerate(iter_lines(stream), start=1):
        here = offset
        offset += len(raw)
        if len(raw) > MAX_LINE_BYTES and stream.seekable():
            offset = stream.tell()  # iter_lines read the rest of that line and dropped it
        try:
            span = _fast(decode_fast(raw, number == 1), source, here, number)
        except ValueError:  # LineError is a ValueError: the reference says why
            span = None
        if span is not None:
            yield span
        elif raw.strip():
            for parsed in line_spans(raw, number, label, result):
                yield _scanned(parsed, source, here, number)


def scan_spans(
    inputs: Iterable[tuple[str, BinaryIO]], result: ReadResult
) -> Iterator[ScannedSpan]:
    """Every span of the (label, binary stream) ``inputs`` in input order, less duplicates
    (counted in ``result.duplicates``); lines that are not spans are counted in ``result``."""
    seen: set[bytes] = set()
    for source, (label, stream) in enumerate(inputs):
        for span in _scan_stream(stream, label, source, result):
            if span.key in seen:
                result.duplicates += 1
                continue
            seen.add(span.key)
            yield span


@dataclass
class StreamedStats:
    """``--stats`` figures from one pass, how many spans they cover, and the lines skipped."""

    stats: list[SpanStats]
    usage: list[ModelUsage]
    spans: int
    read: ReadResult


def stream_stats(
    paths: Iterable[str], stdin: BinaryIO | None = None, trace_prefix: str | None = None
) -> StreamedStats:
    """``compute_stats`` and ``compute_model_usage`` of the spans ``read_spans`` would give
    (only those of traces whose id starts with ``trace_prefix``, case-insensitive), in one pass
    that keeps one 8-byte duration per span and the duplicate keys (see the module docstring)."""
    read = ReadResult()
    accumulator = StatsAccumulator()
    add = accumulator.add
    prefix = trace_prefix.strip().lower() if trace_prefix is not None else ""
    count = 0
    for span in scan_spans(open_inputs(paths, stdin), read):
        if prefix and not span.trace_id.startswith(prefix):
            continue
        count += 1
        add(span.name, span.component, span.duration_ms, span.failed, span.model, span.tokens)
    return StreamedStats(accumulator.stats(), accumulator.usage(), count, read)
