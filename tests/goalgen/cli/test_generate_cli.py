"""`goalgen generate`: exit codes, messages, --force, --dry-run, nothing written on errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from goalgen.cli import cli

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["generate", *args])


def write_spec(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return path


@pytest.fixture
def sample() -> dict[str, Any]:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["domain_module"] = str(SAMPLE.parent / doc["domain_module"])  # found from a copy too
    return doc


def test_generate_writes_the_project(tmp_path: Path) -> None:
    out = tmp_path / "travel"

    result = run("--spec", str(SAMPLE), "--out", str(out))

    assert result.exit_code == 0, result.output
    assert (out / "workflow" / "agents" / "flight_agent.py").exists()
    assert "generated 'Travel Planning Assistant'" in result.stderr
    assert result.stdout == ""


def test_a_broken_spec_lists_every_error_exits_2_and_writes_nothing(
    tmp_path: Path, sample: dict[str, Any]
) -> None:
    del sample["agents"]["flight_agent"]["kind"]
    sample["agents"]["supervisor_agent"]["kind"] = "llm_agent"
    sample["tasks"][0]["agent"] = "ghost"
    out = tmp_path / "out"

    result = run("--spec", str(write_spec(tmp_path, sample)), "--out", str(out))

    assert result.exit_code == 2
    assert "agents.flight_agent.kind: missing (expected a string)" in result.stderr
    assert "no supervisor" in result.stderr
    assert "tasks[0].agent: unknown agent 'ghost'" in result.stderr
    assert "3 errors; nothing written" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "spec.json"]


def test_warnings_are_listed_with_the_errors(tmp_path: Path, sample: dict[str, Any]) -> None:
    sample["colour"] = "blue"
    sample["agents"]["flight_agent"]["kind"] = "bogus"

    result = run("--spec", str(write_spec(tmp_path, sample)), "--out", str(tmp_path / "out"))

    assert result.exit_code == 2
    assert "warning: colour: unknown key" in result.stderr
    assert "agents.flight_agent.kind: expected one of" in result.stderr
    assert "1 error; nothing written" in result.stderr


def test_a_json_syntax_error_exits_2_with_line_and_column(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, '{"id": "x",\n "title": }')

    result = run("--spec", str(spec), "--out", str(tmp_path / "out"))

    assert result.exit_code == 2
    assert "invalid JSON at line 2, column 11" in result.stderr


def test_a_missing_spec_file_exits_2(tmp_path: Path) -> None:
    result = run("--spec", str(tmp_path / "missing.json"), "--out", str(tmp_path / "out"))

    assert result.exit_code == 2
    assert "spec file not found" in result.stderr


def test_warnings_are_shown_and_generation_goes_on(tmp_path: Path, sample: dict[str, Any]) -> None:
    sample["state_management"]["checkpointing"]["backend"] = "cosmos"
    sample["colour"] = "blue"
    out = tmp_path / "out"

    result = run("--spec", str(write_spec(tmp_path, sample)), "--out", str(out))

    assert result.exit_code == 0
    assert "warning: state_management.checkpointing.backend: 'cosmos' is not available" in result.stderr
    assert "warning: colour: unknown key" in result.stderr
    assert json.loads((out / "goal_spec.json").read_text())["colour"] == "blue"


def test_a_non_empty_out_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")

    refused = run("--spec", str(SAMPLE), "--out", str(out))

    assert refused.exit_code == 2
    assert "is not empty; use --force to replace it" in refused.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    forced = run("--spec", str(SAMPLE), "--out", str(out), "--force")

    assert forced.exit_code == 0
    assert not (out / "notes.txt").exists()
    assert (out / "orchestrator" / "main.py").exists()


def test_dry_run_lists_paths_and_sizes_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = run("--spec", str(SAMPLE), "--out", str(out), "--dry-run")

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    listed = {line.split()[1]: int(line.split()[0]) for line in lines}
    assert "workflow/graph.py" in listed
    assert listed["goal_spec.json"] == len(json.dumps(json.loads(SAMPLE.read_text()), indent=2)) + 1
    assert f"would create {out} with {len(lines)} files" in result.stderr
    assert not out.exists()


def test_dry_run_on_a_non_empty_out_without_force_still_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "x").write_text("x")

    result = run("--spec", str(SAMPLE), "--out", str(out), "--dry-run")

    assert result.exit_code == 2
    assert "use --force" in result.stderr
