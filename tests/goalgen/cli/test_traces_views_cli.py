"""`goalgen traces`: --critical-path, the filters, and --html through the real command."""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from goalgen.cli import cli

T_SLOW = "4bf92f3577b34da6a3ce929d0e0e4736"
T_FAST = "0af7651916cd43dd8448eb211c80319c"


@pytest.fixture
def spans(write_spans, span_record):
    return str(
        write_spans(
            [
                span_record("bot.turn", "a", start=0, end=100),
                span_record("api.POST", "b", "a", start=10, end=90, service="orchestrator"),
                span_record("cache.get", "c", "a", start=10, end=20),
                span_record("bot.turn", "d", trace=T_FAST, start=500, end=510, error="boom"),
            ]
        )
    )


def run(*args):
    return CliRunner().invoke(cli, ["traces", *args])


def test_critical_path_follows_each_tree_in_text(spans):
    result = run(spans, "--critical-path")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"trace {T_SLOW} · 3 spans · bot, orchestrator · 100.0 ms\n"
        "  bot.turn  [bot]  100.00 ms  ok\n"
        "    cache.get  [bot]  10.00 ms  ok\n"
        "    api.POST  [orchestrator]  80.00 ms  ok\n"
        f"critical path of trace {T_SLOW}: 2 span(s)\n"
        "  bot.turn  [bot]  20.00 of 100.00 ms\n"
        "  api.POST  [orchestrator]  80.00 of 80.00 ms\n"
        "\n"
        f"trace {T_FAST} · 1 span · bot · 10.0 ms · 1 error\n"
        "  bot.turn  [bot]  10.00 ms  error  RuntimeError: boom\n"
        f"critical path of trace {T_FAST}: 1 span(s)\n"
        "  bot.turn  [bot]  10.00 of 10.00 ms\n"
    )


def test_critical_path_in_json(spans):
    result = run(spans, "--critical-path", "--format", "json")
    (slow, fast) = json.loads(result.stdout)["traces"]
    assert [(p["name"], p["critical_ms"]) for p in slow["critical_path"]] == [
        ("bot.turn", 20.0),
        ("api.POST", 80.0),
    ]
    assert "critical_path" not in json.loads(run(spans, "--format", "json").stdout)["traces"][0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["--errors"], [T_FAST], id="errors"),
        pytest.param(["--service", "orchestrator"], [T_SLOW], id="service"),
        pytest.param(["--slowest", "1"], [T_SLOW], id="slowest"),
        pytest.param(["--since", "1790000000.2"], [T_FAST], id="since"),
        pytest.param(["--until", "1790000000.2"], [T_SLOW], id="until"),
        pytest.param(["--since", "2026-01-01T00:00Z"], [T_SLOW, T_FAST], id="since-iso"),
    ],
)
def test_filters_choose_the_traces_shown(spans, args, expected):
    result = run(spans, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [t["trace_id"] for t in json.loads(result.stdout)["traces"]] == expected


def test_filters_that_match_nothing_exit_1_with_one_line(spans):
    result = run(spans, "--service", "nobody")
    assert result.exit_code == 1
    assert result.stderr == "error: no trace matches the filters\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--since", "yesterday"], "'yesterday' is not a time", id="bad-since"),
        pytest.param(["--slowest", "0"], "0 is not in the range x>=1", id="slowest-zero"),
        pytest.param(
            ["--html", "x.html", "--stats"], "--html cannot be combined", id="html-and-stats"
        ),
    ],
)
def test_bad_options_are_usage_errors(spans, args, message):
    result = run(spans, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_html_is_written_and_reported_on_stderr(spans, tmp_path):
    out = tmp_path / "page.html"
    result = run(spans, "--html", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr == f"wrote 2 trace(s), 4 span(s) to {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        pytest.param("missing/page.html", "No such file or directory", id="missing-directory"),
        pytest.param(".", "Is a directory", id="a-directory"),
        pytest.param(
            "locked/page.html",
            "Permission denied",
            id="no-permission",
            marks=pytest.mark.skipif(
                sys.platform == "win32" or os.geteuid() == 0, reason="root may write anywhere"
            ),
        ),
    ],
)
def test_an_unwritable_html_target_is_exit_2_with_one_line(spans, tmp_path, target, reason):
    (tmp_path / "locked").mkdir(mode=0o500)
    path = tmp_path / target
    result = run(spans, "--html", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot write HTML file {path}: {reason}\n"
    assert result.stdout == ""
