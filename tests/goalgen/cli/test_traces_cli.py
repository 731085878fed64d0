"""`goalgen traces`: trees, --trace, --stats, --format json, bad lines, missing files."""

from __future__ import annotations

import json

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


def test_json_trees_nest_children_and_count_skipped_lines(files):
    result = run(*files, "--format", "json")
    payload = json.loads(result.stdout)
    assert payload["skipped_lines"] == 1
    first = payload["traces"][0]
    assert first["trace_id"] == T1 and first["services"] == ["bot", "orchestrator"]
    (root,) = first["roots"]
    assert root["name"] == "bot.on_message_activity"
    assert [c["name"] for c in root["children"]] == [
        "mapper.get_thread_id",
        "api.POST /api/v1/message",
    ]
    assert root["children"][1]["children"][0]["error"] == {
        "type": "RuntimeError",
        "message": "boom",
    }


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
