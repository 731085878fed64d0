"""Fixtures for the trace tests: span files built by hand: records in the runtime's line format, written to a tmp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
EPOCH = 1_790_000_000.0  # every test trace starts here; times below are ms after it


def _span_record(
    name: str,
    span_id: str,
    parent: str | None = None,
    *,
    start: float = 0.0,
    end: float = 10.0,
    service: str = "bot",
    trace: str = TRACE,
    error: str | None = None,
    metadata: dict | None = None,
) -> dict:
    """One span line's record; ids are short hex padded to 16 digits, times ms after EPOCH."""
    record = {
        "name": name,
        "trace_id": trace,
        "span_id": span_id.ljust(16, "0"),
        "parent_span_id": parent.ljust(16, "0") if parent else None,
        "service": service,
        "component": name.split(".")[0],
        "kind": "internal",
        "start_time": EPOCH + start / 1000,
        "end_time": EPOCH + end / 1000,
        "duration_ms": end - start,
        "status": "error" if error else "ok",
        "metadata": metadata or {},
    }
    if error:
        record["error"] = {"type": "RuntimeError", "message": error}
    return record


@pytest.fixture
def span_record():
    """Build one span record (see ``_span_record``)."""
    return _span_record


@pytest.fixture
def write_spans(tmp_path):
    """Write records as JSON lines to tmp_path/NAME and return its path."""

    def write(records: list[dict], name: str = "spans.jsonl") -> Path:
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path

    return write
