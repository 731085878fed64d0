"""Reading span lines from several files: merge, skip bad lines, drop duplicates."""

from __future__ import annotations

import io
import json

import pytest

from goalgen.traces import parse_span, read_spans
from goalgen.traces.json_lines import MAX_LINE_BYTES
from goalgen.traces.records import KEPT_BAD_LINES

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def span(name, span_id, parent=None, *, start=100.0, ms=10.0, service="bot", **extra):
    record = {
        "name": name,
        "trace_id": extra.pop("trace_id", TRACE),
        "span_id": span_id,
        "parent_span_id": parent,
        "service": service,
        "component": name.split(".")[0],
        "start_time": start,
        "end_time": start + ms / 1000,
        "duration_ms": ms,
        "status": "ok",
        "metadata": {},
    }
    record.update(extra)
    return record


def write_lines(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return str(path)


def test_spans_from_two_files_are_merged_with_their_source(tmp_path):
    a = write_lines(tmp_path / "bot.jsonl", [span("bot.on_turn", "a" * 16)])
    b = write_lines(
        tmp_path / "orch.jsonl",
        [span("api.POST /x", "b" * 16, "a" * 16, service="orchestrator")],
    )
    result = read_spans([a, b])
    assert [(s.name, s.service, s.source) for s in result.spans] == [
        ("bot.on_turn", "bot", f"{a}:1"),
        ("api.POST /x", "orchestrator", f"{b}:1"),
    ]
    assert result.bad_lines == [] and result.duplicates == 0


def test_bad_lines_are_skipped_and_counted_with_a_reason(tmp_path):
    path = write_lines(
        tmp_path / "mixed.log",
        [
            "INFO: Uvicorn running on http://127.0.0.1:8000",
            span("ok.span", "c" * 16),
            "[1, 2]",
            json.dumps(span("x", "short")),
            json.dumps(span("y", "d" * 16, trace_id="nothex")),
            json.dumps(span("z", "e" * 16, start_time="soon")),
            "",
            '{"name": "truncated", "trace_id": "',
        ],
    )
    result = read_spans([path])
    assert [s.name for s in result.spans] == ["ok.span"]
    assert [(b.source.rsplit(":", 1)[1], b.reason) for b in result.bad_lines] == [
        ("1", "not JSON"),
        ("3", "not a JSON object"),
        ("4", "span_id is not 16 hex digits"),
        ("5", "trace_id is not 32 hex digits"),
        ("6", "'start_time' is not a number"),
        ("8", "not JSON"),
    ]


def test_the_same_file_twice_does_not_double_the_spans(tmp_path):
    path = write_lines(tmp_path / "t.jsonl", [span("a.b", "1" * 16), span("a.c", "2" * 16)])
    result = read_spans([path, path])
    assert len(result.spans) == 2 and result.duplicates == 2


def test_stdin_is_read_for_dash():
    stdin = io.BytesIO(json.dumps(span("a.b", "1" * 16)).encode() + b"\n")
    assert [s.name for s in read_spans(["-"], stdin=stdin).spans] == ["a.b"]


def test_missing_file_raises_oserror_naming_it(tmp_path):
    with pytest.raises(OSError) as info:
        read_spans([str(tmp_path / "absent.jsonl")])
    assert info.value.filename.endswith("absent.jsonl")


def test_optional_fields_get_sensible_defaults():
    record = span("agent.Flight.invoke", "f" * 16)
    for key in ("component", "duration_ms", "status", "metadata", "service"):
        del record[key]
    record["error"] = {"type": "ValueError", "message": "boom"}
    parsed = parse_span(record)
    assert parsed.component == "agent" and parsed.service == "unknown"
    assert parsed.duration_ms == pytest.approx(10.0)
    assert parsed.status == "error" and parsed.failed
    assert parsed.to_dict()["error"] == {"type": "ValueError", "message": "boom"}


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(b'{"name": NaN}', "not JSON (NaN)", id="nan-literal"),
        pytest.param(b"[-Infinity]", "not JSON (-Infinity)", id="infinity-literal"),
        pytest.param(b"[" + b"9" * 500 + b"]", "number out of range", id="huge-int"),
        pytest.param(b"[1e999]", "number out of range", id="huge-float"),
        pytest.param(b"\xff{}", "not UTF-8 (byte 1)", id="invalid-utf8"),
        pytest.param(b"[" * 2_000 + b"]" * 2_000, "JSON nested too deeply", id="deep-but-valid"),
        pytest.param(b"[" * 33 + b"]" * 33, "JSON nested too deeply", id="deeper-than-32"),
        pytest.param(b"\x00\x00\x00", "not JSON", id="nul-bytes"),
        pytest.param(b"x" * (MAX_LINE_BYTES + 1), "line longer than 4194304 bytes", id="huge"),
    ],
)
def test_hostile_lines_are_skipped_with_a_reason(tmp_path, line, reason):
    path = tmp_path / "hostile.log"
    path.write_bytes(line + b"\n" + json.dumps(span("after", "a" * 16)).encode() + b"\n")
    result = read_spans([str(path)])
    assert [(b.source, b.reason) for b in result.bad_lines] == [(f"{path}:1", reason)]
    assert [(s.name, s.source) for s in result.spans] == [("after", f"{path}:2")]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        pytest.param("start_time", 10**350, "'start_time' is not a finite number", id="big-int"),
        pytest.param("end_time", [1], "'end_time' is not a number", id="list"),
        pytest.param("span_id", 1234567890123456, "span_id is not 16 hex digits", id="int-id"),
        pytest.param("trace_id", None, "trace_id is not 32 hex digits", id="null-id"),
        pytest.param(
            "parent_span_id",
            ["a" * 16],
            "parent_span_id is not 16 hex digits or null",
            id="list-parent",
        ),
        pytest.param("name", {"a": 1}, "no span name", id="dict-name"),
    ],
)
def test_fields_of_the_wrong_type_are_skipped_with_a_reason(tmp_path, field, value, reason):
    record = span("x.y", "b" * 16)
    record[field] = value
    path = write_lines(tmp_path / "t.jsonl", [record])
    (bad,) = read_spans([path]).bad_lines
    assert bad.reason == reason


def test_odd_optional_fields_become_text():
    record = span("x.y", "c" * 16, service=["a"], status=3)
    record["error"] = {"type": ["Boom"], "message": 5}
    parsed = parse_span(record)
    assert (parsed.service, parsed.status) == ("['a']", "3")
    assert parsed.error == {"type": "['Boom']", "message": "5"}


def test_only_the_first_bad_lines_are_kept_but_all_are_counted(tmp_path):
    path = tmp_path / "noise.log"
    path.write_text("noise\n" * (KEPT_BAD_LINES + 50))
    result = read_spans([str(path)])
    assert result.skipped == KEPT_BAD_LINES + 50
    assert len(result.bad_lines) == KEPT_BAD_LINES
    assert result.bad_lines[0].source == f"{path}:1"


def test_a_directory_raises_oserror_naming_it(tmp_path):
    with pytest.raises(IsADirectoryError) as info:
        read_spans([str(tmp_path)])
    assert info.value.filename == str(tmp_path)


def test_a_byte_order_mark_on_the_first_line_is_allowed(tmp_path):
    path = tmp_path / "bom.jsonl"
    line = json.dumps(span("bom.span", "a" * 16)).encode()
    path.write_bytes(b"\xef\xbb\xbf" + line + b"\r\n\xef\xbb\xbf" + line + b"\r\n")
    result = read_spans([str(path)])
    assert [s.name for s in result.spans] == ["bom.span"]
    assert [b.reason for b in result.bad_lines] == ["not JSON"]  # only the first line may
