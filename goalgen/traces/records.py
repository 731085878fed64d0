"""Read span records (one JSON object per line) from trace files written by frmk.utils.tracing.

Lines that are not spans — invalid JSON, other log output, objects missing fields, lines too
long or nested too deep (``goalgen.traces.json_lines``) — are skipped and counted, never fatal:
a trace file is often shared with a process's other stderr output. A line holding an OTLP JSON
export request (the OpenTelemetry Collector's file exporter) gives its spans
(``goalgen.traces.otlp_json``). Files are read a line at a
time, so memory grows with the spans kept, not the size of the input.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from goalgen.traces.json_lines import decode_line, iter_lines
from goalgen.traces.otlp_json import is_otlp, otlp_records

_HEX = frozenset("0123456789abcdef")
KEPT_BAD_LINES = 100  # skipped lines remembered with their reason; all are counted


@dataclass
class Span:
    """One finished span, as the tracing runtime wrote it."""

    name: str
    trace_id: str
    span_id: str
    parent_span_id: str | None
    service: str
    component: str
    start_time: float
    end_time: float
    duration_ms: float
    status: str
    error: dict[str, Any] | None = None
    kind: str = "internal"  # the OpenTelemetry span kind; files written before it had none
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # "file:line" it was read from

    @property
    def failed(self) -> bool:
        return self.status == "error"

    def to_dict(self) -> dict[str, Any]:
        data = {
            "name": self.name,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id,
            "service": self.service,
            "component": self.component,
            "kind": self.kind,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "duration_ms": self.duration_ms,
            "status": self.status,
            "metadata": self.metadata,
        }
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass
class BadLine:
    """A line that was skipped, and why."""

    source: str
    reason: str


@dataclass
class ReadResult:
    """Spans read from all inputs (duplicates dropped), how many lines were skipped, and the
    first ``KEPT_BAD_LINES`` of those with their reason."""

    spans: list[Span] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    skipped: int = 0
    duplicates: int = 0

    def skip(self, source: str, reason: str) -> None:
        self.skipped += 1
        if len(self.bad_lines) < KEPT_BAD_LINES:
            self.bad_lines.append(BadLine(source, reason))


def _is_hex(value: object, size: int) -> bool:
    return isinstance(value, str) and len(value) == size and set(value) <= _HEX


def _number(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{key!r} is not a finite number")
    return number


def _error(value: object) -> dict[str, Any] | None:
    """The error record, its ``type`` and ``message`` as text whatever the writer put there."""
    if not isinstance(value, dict):
        return None
    error = dict(value)
    for key in ("type", "message"):
        if key in error and not isinstance(error[key], str):
            error[key] = str(error[key])
    return error


def parse_span(data: object, source: str = "") -> Span:
    """Turn one decoded JSON value into a Span; ``ValueError`` says what is wrong with it."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("no span name")
    if not _is_hex(data.get("trace_id"), 32):
        raise ValueError("trace_id is not 32 hex digits")
    if not _is_hex(data.get("span_id"), 16):
        raise ValueError("span_id is not 16 hex digits")
    parent = data.get("parent_span_id")
    if parent is not None and not _is_hex(parent, 16):
        raise ValueError("parent_span_id is not 16 hex digits or null")
    start, end = _number(data, "start_time"), _number(data, "end_time")
    duration = data.get("duration_ms")
    duration_ms = _number(data, "duration_ms") if duration is not None else (end - start) * 1000
    metadata = data.get("metadata")
    error = data.get("error")
    status = data.get("status") or ("error" if error else "ok")
    return Span(
        name=name,
        trace_id=data["trace_id"],
        span_id=data["span_id"],
        parent_span_id=parent,
        service=str(data.get("service") or "unknown"),
        component=str(data.get("component") or name.split(".", 1)[0]),
        start_time=start,
        end_time=end,
        duration_ms=duration_ms,
        status=str(status),
        error=_error(error),
        kind=str(data.get("kind") or "internal"),
        metadata=metadata if isinstance(metadata, dict) else {},
        source=source,
    )


def parse_line(raw: bytes, first: bool, source: str) -> tuple[list[Span], list[str]]:
    """The spans on one line (one of our records, or all of an OTLP request's), and the reason
    for each part of it that is not a span; ``first``: the file's first line (may have a BOM)."""
    try:
        value = decode_line(raw, first=first)
        records, problems = otlp_records(value) if is_otlp(value) else ([value], [])
    except ValueError as exc:  # LineError is a ValueError
        return [], [str(exc)]
    spans = []
    for record in records:
        try:
            spans.append(parse_span(record, source))
        except ValueError as exc:
            problems.append(str(exc))
    return spans, problems


def line_spans(raw: bytes, number: int, label: str, result: ReadResult) -> list[Span]:
    """The spans on line ``number`` of input ``label``; what is not a span is counted in
    ``result`` with its reason."""
    source = f"{label}:{number}"
    spans, problems = parse_line(raw, number == 1, source)
    for problem in problems:
        result.skip(source, problem)
    return spans


def _read_stream(stream: BinaryIO, label: str, result: ReadResult, seen: set) -> None:
    """Add the spans in ``stream`` to ``result``; ``seen`` holds (trace_id, span_id) read so far."""
    for number, raw in enumerate(iter_lines(stream), start=1):
        if not raw.strip():
            continue
        for span in line_spans(raw, number, label, result):
            key = (span.trace_id, span.span_id)
            if key in seen:
                result.duplicates += 1
                continue
            seen.add(key)
            result.spans.append(span)


def open_inputs(paths: Iterable[str], stdin: BinaryIO | None) -> Iterator[tuple[str, BinaryIO]]:
    """(label, binary stream) for each path in turn, ``-`` being ``stdin``; each file is closed
    when the next is asked for. ``OSError`` on a file that cannot be read (missing, a directory)
    propagates so the caller can name it."""
    for path in paths:
        if path == "-" and stdin is not None:
            yield "<stdin>", stdin
            continue
        with open(path, "rb") as handle:
            yield path, handle


def read_spans(paths: Iterable[str], stdin: BinaryIO | None = None) -> ReadResult:
    """Read and merge spans from every path (``-`` is the binary stream ``stdin``); ``OSError``
    on a file that cannot be read (missing, a directory) propagates so the caller can name it."""
    result = ReadResult()
    seen: set[tuple[str, str]] = set()
    for label, stream in open_inputs(paths, stdin):
        _read_stream(stream, label, result, seen)
    return result
