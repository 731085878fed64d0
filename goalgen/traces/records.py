"""Read span records (one JSON object per line) from trace files written by frmk.utils.tracing.

Lines that are not spans — invalid JSON, other log output, objects missing fields — are skipped
and counted, never fatal: a trace file is often shared with a process's other stderr output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

_HEX = frozenset("0123456789abcdef")


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
    """Spans read from all inputs (duplicates dropped) and the lines that were skipped."""

    spans: list[Span] = field(default_factory=list)
    bad_lines: list[BadLine] = field(default_factory=list)
    duplicates: int = 0


def _is_hex(value: object, size: int) -> bool:
    return isinstance(value, str) and len(value) == size and set(value) <= _HEX


def _number(data: dict[str, Any], key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key!r} is not a number")
    return float(value)


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
        error=error if isinstance(error, dict) else None,
        metadata=metadata if isinstance(metadata, dict) else {},
        source=source,
    )


def read_lines(lines: Iterable[str], label: str, result: ReadResult, seen: set) -> None:
    """Add the spans in ``lines`` to ``result``; ``seen`` holds (trace_id, span_id) read so far."""
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        source = f"{label}:{number}"
        try:
            span = parse_span(json.loads(text), source)
        except ValueError as exc:  # JSONDecodeError is a ValueError
            reason = "not JSON" if isinstance(exc, json.JSONDecodeError) else str(exc)
            result.bad_lines.append(BadLine(source, reason))
            continue
        key = (span.trace_id, span.span_id)
        if key in seen:
            result.duplicates += 1
            continue
        seen.add(key)
        result.spans.append(span)


def read_spans(paths: Iterable[str], stdin: TextIO | None = None) -> ReadResult:
    """Read and merge spans from every path (``-`` is ``stdin``); ``OSError`` on a missing
    file propagates so the caller can name it."""
    result = ReadResult()
    seen: set[tuple[str, str]] = set()
    for path in paths:
        if path == "-" and stdin is not None:
            read_lines(stdin, "<stdin>", result, seen)
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            read_lines(handle, path, result, seen)
    return result
