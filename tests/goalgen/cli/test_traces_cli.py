"""`goalgen traces`: trees, --trace, --stats, --format json, bad lines, missing files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from goalgen.cli import cli

T1 = "4bf92f3577b34da6a3ce929d0e0e4736"
T2 = "0af7651916cd43dd8448eb211c80319c"


def record(
    name, span_id, parent=None, *, trace=T1, start=100.0, ms=10.0, service="bot", error=None
):
    data = {
        "name": name,
        "trace_id": trace,
        "span_id": span_id.ljust(16, "0"),
        "parent_span_id": parent.ljust(16, "0") if parent else None,
        "service": service,
        "component": name.split(".")[0],
        "start_time": start,
        "end_time": start + ms / 1000,
        "duration_ms": ms,
        "status": "error" if error else "ok",
        "metadata": {},
    }
    if error:
        data["error"] = {"type": "RuntimeError", "message": error}
    return json.dumps(data)


@pytest.fixture
def files(tmp_path):
    bot = tmp_path / "bot.jsonl"
    bot.write_text(
        "\n".join(
            [
                record("bot.on_message_activity", "a1", ms=400),
                "Traceback (most recent call last):",
                record("mapper.get_thread_id", "a2", "a1", start=100.01, ms=5),
                record("bot.on_turn", "c1", trace=T2, start=200, ms=2),
            ]
        )
        + "\n"
    )
    orchestrator = tmp_path / "orchestrator.jsonl"
    orchestrator.write_text(
        "\n".join(
            [
                record(
                    "api.POST /api/v1/message",
                    "b1",
                    "a1",
                    start=100.05,
                    ms=300,
                    service="orchestrator",
                ),
                record(
                    "agent.FlightAgent.invoke",
                    "b2",
                    "b1",
                    start=100.1,
                    ms=100,
                    service="orchestrator",
                    error="boom",
                ),
            ]
        )
        + "\n"
    )
    return str(bot), str(orchestrator)


def run(*args):
    return CliRunner().invoke(cli, ["traces", *args])


def test_two_files_give_one_cross_process_tree_and_a_warning_for_the_bad_line(files):
    result = run(*files)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:5] == [
        f"trace {T1} · 4 spans · bot, orchestrator · 400.0 ms · 1 error",
        "  bot.on_message_activity  [bot]  400.00 ms  ok",
        "    mapper.get_thread_id  [bot]  5.00 ms  ok",
        "    api.POST /api/v1/message  [orchestrator]  300.00 ms  ok",
        "      agent.FlightAgent.invoke  [orchestrator]  100.00 ms  error  RuntimeError: boom",
    ]
    assert f"trace {T2}" in result.stdout
    assert "skipped 1 line(s) that are not spans" in result.stderr
    assert f"{files[0]}:2: not JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_trace_prefix_filters_and_unknown_prefix_exits_1(files):
    result = run(*files, "--trace", T2[:6])
    assert result.exit_code == 0
    assert T2 in result.stdout and T1 not in result.stdout
    missing = run(*files, "--trace", "ffff")
    assert missing.exit_code == 1
    assert "no trace id starts with 'ffff'" in missing.stderr


def test_stats_table_in_text_and_json(files):
    text = run(*files, "--stats")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0].split()[:3] == ["span", "count", "errors"]
    assert lines[1].split()[0] == "bot.on_message_activity"
    as_json = run(*files, "--stats", "--format", "json", "--trace", T1)
    stats = {s["name"]: s for s in json.loads(as_json.stdout)["stats"]}
    assert set(stats) == {
        "bot.on_message_activity",
        "mapper.get_thread_id",
        "api.POST /api/v1/message",
        "agent.FlightAgent.invoke",
    }
    assert stats["agent.FlightAgent.invoke"]["errors"] == 1
    assert stats["api.POST /api/v1/message"]["p95_ms"] == 300.0
    assert json.loads(as_json.stdout)["models"] == []  # no span named a model
    assert "model" not in text.stdout


def llm_record(span_id, model, tokens_in, tokens_out, start):
    data = json.loads(record(f"chat {model}", span_id, "b1", start=start, service="orchestrator"))
    data["kind"] = "client"
    data["metadata"] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": model,
        "gen_ai.usage.input_tokens": tokens_in,
        "gen_ai.usage.output_tokens": tokens_out,
    }
    return json.dumps(data)


def test_stats_add_tokens_per_model(files, tmp_path):
    calls = tmp_path / "llm.jsonl"
    calls.write_text(
        llm_record("d1", "gpt-4o", 12, 30, 100.2) + "\n" + llm_record("d2", "gpt-4o", 8, 2, 100.3)
        + "\n" + llm_record("d3", "local", 3, 4, 100.4) + "\n"
    )
    text = run(*files, str(calls), "--stats")
    assert text.exit_code == 0
    tail = text.stdout.split("\n\n")[-1].splitlines()
    assert tail == [
        "model   calls  input tokens  output tokens  without usage",
        "gpt-4o      2            20             32              0",
        "local       1             3              4              0",
    ]
    as_json = json.loads(run(*files, str(calls), "--stats", "--format", "json").stdout)
    assert as_json["models"][0] == {
        "model": "gpt-4o", "calls": 2, "input_tokens": 20, "output_tokens": 32,
        "calls_without_usage": 0,
    }
    on_terminal = CliRunner().invoke(cli, ["--color", "traces", *files, str(calls), "--stats"])
    assert "Tokens per model" in on_terminal.stdout and "gpt-4o" in on_terminal.stdout
    tree = run(*files, str(calls)).stdout
    assert "chat gpt-4o  (client, 12 in / 30 out tokens)  [orchestrator]" in tree


def test_json_lists_spans_in_tree_order_with_depths_and_counts_skipped_lines(files):
    result = run(*files, "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["skipped_lines"] == 1
    first = payload["traces"][0]
    assert first["trace_id"] == T1 and first["services"] == ["bot", "orchestrator"]
    assert first["cycles"] == []
    assert [(s["depth"], s["name"]) for s in first["spans"]] == [
        (0, "bot.on_message_activity"),
        (1, "mapper.get_thread_id"),
        (1, "api.POST /api/v1/message"),
        (2, "agent.FlightAgent.invoke"),
    ]
    assert first["spans"][3]["parent_span_id"] == first["spans"][2]["span_id"]
    assert first["spans"][3]["error"] == {"type": "RuntimeError", "message": "boom"}


def test_missing_file_is_exit_2_with_one_clear_line(tmp_path, files):
    result = run(files[0], str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: cannot read trace file {tmp_path / 'nope.jsonl'}: No such file or directory"
    )
    assert result.stdout == ""


def test_empty_file_says_no_spans(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = run(str(empty))
    assert result.exit_code == 0 and "no spans found" in result.stderr


def test_no_file_argument_is_a_usage_error():
    assert run().exit_code == 2


# -- hostile span files ------------------------------------------------------------------------


def chain(path, depth):
    """A file of one trace whose spans each have the one before as parent, ``depth`` deep."""
    lines = [
        record(f"s.{i}", f"{i:016x}", f"{i - 1:016x}" if i else None, start=100 + i / 1e6)
        for i in range(depth)
    ]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_10k_deep_chain_prints_every_span_in_text(tmp_path):
    result = run(chain(tmp_path / "deep.jsonl", 10_000))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 10_001 and lines[1] == "  s.0  [bot]  10.00 ms  ok"
    assert lines[-1].lstrip() == "[depth 9999] s.9999  [bot]  10.00 ms  ok"
    assert max(len(line) for line in lines) < 120  # indentation stops growing


def test_a_10k_deep_chain_is_flat_json_with_depths(tmp_path):
    result = run(chain(tmp_path / "deep.jsonl", 10_000), "--format", "json")
    assert result.exit_code == 0, result.output
    (trace,) = json.loads(result.stdout)["traces"]
    spans = trace["spans"]
    assert [s["depth"] for s in spans] == list(range(10_000))
    assert spans[-1]["name"] == "s.9999" and spans[-1]["parent_span_id"] == f"{9998:016x}"
    assert "children" not in spans[0] and "roots" not in trace


def test_a_deep_chain_draws_as_a_rich_tree_on_a_terminal(tmp_path):
    result = CliRunner().invoke(cli, ["--color", "traces", chain(tmp_path / "d.jsonl", 2_000)])
    assert result.exit_code == 0, result.output
    assert "s.1999" in result.stdout and "depth 1999" in result.stdout


@pytest.fixture
def cycles(tmp_path):
    path = tmp_path / "cycles.jsonl"
    path.write_text(
        "\n".join(
            [
                record("x.a", "a1", "a2"),
                record("x.b", "a2", "a1", start=100.1),
                record("x.c", "a3", "a2", start=100.2),  # hangs off the cycle
                record("x.self", "c1", "c1", trace=T2),
            ]
        )
        + "\n"
    )
    return str(path)


def test_parent_cycles_are_broken_and_each_named_in_a_warning(cycles):
    result = run(cycles)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:4] == [
        "  x.a  [bot]  10.00 ms  ok  (parent cycle: parent a200000000000000 is below it)",
        "    x.b  [bot]  10.00 ms  ok",
        "      x.c  [bot]  10.00 ms  ok",
    ]
    assert "  x.self  [bot]  10.00 ms  ok  (parent cycle: its own parent)" in result.stdout
    assert "orphan" not in result.stdout
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"warning: parent cycle in trace {T1}: x.a a100000000000000 -> x.b a200000000000000 "
        "-> x.a; shown from x.a",
        f"warning: parent cycle in trace {T2}: x.self c100000000000000 -> x.self; "
        "shown from x.self",
    ]


def test_parent_cycles_in_json_are_marked_and_listed(cycles):
    result = run(cycles, "--format", "json")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)["traces"]
    assert [(s["name"], s["depth"], s.get("cycle", False)) for s in first["spans"]] == [
        ("x.a", 0, True),
        ("x.b", 1, False),
        ("x.c", 2, False),
    ]
    assert first["cycles"] == [["a100000000000000", "a200000000000000"]]
    assert second["cycles"] == [["c100000000000000"]]
    assert "parent cycle" in result.stderr


def test_a_5000_span_cycle_does_not_crash(tmp_path):
    path = tmp_path / "ring.jsonl"
    n = 5000
    path.write_text(
        "\n".join(
            record(f"r.{i}", f"{i:016x}", f"{(i - 1) % n:016x}", start=100 + i / 1e6)
            for i in range(n)
        )
        + "\n"
    )
    for fmt in ("text", "json"):
        result = run(str(path), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert "r.4999" in result.stdout
        (warning,) = result.stderr.splitlines()
        assert warning.startswith(f"warning: parent cycle in trace {T1}: r.0 ")
        assert "(4995 more)" in warning


HOSTILE = "evil\x1b]0;pwned\x07\x1b[31mred\r[bold]x[/] :fire: é中"


@pytest.fixture
def hostile(tmp_path):
    data = json.loads(record(HOSTILE, "d1", service="svc\x1b[2J", error="m\x1b[1m\u202e"))
    data["error"]["type"] = "Err\x07"
    odd_status = json.loads(record("plain", "d2", "d1"))
    odd_status["status"] = "ok\x1b[0m"
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(data) + "\n" + json.dumps(odd_status) + "\n")
    return str(path)


ESCAPED = r"evil\x1b]0;pwned\x07\x1b[31mred\r[bold]x[/] :fire: é中"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # rich's own styling on a colour terminal


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["traces"], id="text"),
        pytest.param(["traces", "--stats"], id="stats"),
        pytest.param(["--color", "traces"], id="rich-tree"),
        pytest.param(["--color", "traces", "--stats"], id="rich-table"),
    ],
)
def test_control_characters_are_escaped_and_markup_is_literal(hostile, args):
    result = CliRunner().invoke(cli, [*args, hostile], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    if "--color" not in args:
        assert "\x1b" not in result.stdout
    out = SGR.sub("", result.stdout)  # a span's own SGR would be removed too, and so be missed
    for raw in ("\x1b", "\x07", "\r", "\u202e"):
        assert raw not in out
    assert ESCAPED in out
    if "--stats" not in args:
        assert r"svc\x1b[2J" in out and r"Err\x07: m\x1b[1m\u202e" in out
        assert r"ok\x1b[0m" in out


def test_json_output_keeps_the_strings_but_escaped_by_json(hostile):
    result = run(hostile, "--format", "json")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    span, _ = json.loads(result.stdout)["traces"][0]["spans"]
    assert span["name"] == HOSTILE and span["service"] == "svc\x1b[2J"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(b"not json at all", "not JSON", id="not-json"),
        pytest.param(b"[1, 2]", "not a JSON object", id="array"),
        pytest.param(b'"a string"', "not a JSON object", id="string"),
        pytest.param(b'{"name": "x"}', "trace_id is not 32 hex digits", id="missing-ids"),
        pytest.param(
            b'{"name": "x", "trace_id": 5, "span_id": 1}',
            "trace_id is not 32 hex digits",
            id="id-wrong-type",
        ),
        pytest.param(b'{"name": \x00"x"}', "not JSON", id="nul-byte"),
        pytest.param(b'{"name": "caf\xe9"}', "not UTF-8 (byte 14)", id="invalid-utf8"),
        pytest.param(b"[" * 200_000, "JSON nested too deeply", id="200k-nested"),
        pytest.param(b"x" * 5_000_000, "line longer than 4194304 bytes", id="huge-line"),
    ],
)
def test_a_bad_line_is_one_warning_and_the_rest_still_loads(tmp_path, line, reason):
    path = tmp_path / "bad.jsonl"
    good = record("good.span", "e1").encode()
    path.write_bytes(good + b"\n" + line + b"\n" + good.replace(b'"e1', b'"e2') + b"\n")
    for fmt in ("text", "json"):
        result = run(str(path), "--format", fmt)
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines() == [
            f"warning: skipped 1 line(s) that are not spans (first: {path}:2: {reason})"
        ]
        assert result.stdout.count("good.span") == 2


def test_a_directory_is_exit_2_with_one_line(tmp_path, files):
    result = run(files[0], str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot read trace file {tmp_path}: Is a directory\n"
    assert result.stdout == ""


def test_a_fifo_is_read_as_it_is_written(tmp_path):
    fifo = tmp_path / "spans.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=(record("piped.span", "f1") + "\n",))
    writer.start()
    result = run(str(fifo))
    writer.join()
    assert result.exit_code == 0, result.output
    assert "piped.span" in result.stdout


def test_stdin_with_invalid_utf8_and_a_span_through_the_real_command():
    data = b"\xff\xfe garbage\n" + record("stdin.span", "f2").encode() + b"\n"
    proc = subprocess.run(
        [sys.executable, "-m", "goalgen", "traces", "-"], input=data, capture_output=True
    )
    assert proc.returncode == 0, proc.stderr
    assert b"stdin.span" in proc.stdout
    assert proc.stderr.decode().splitlines() == [
        "warning: skipped 1 line(s) that are not spans (first: <stdin>:1: not UTF-8 (byte 1))"
    ]
