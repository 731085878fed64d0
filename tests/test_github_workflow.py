"""The example GitHub Actions workflow (docs/examples/goalgen-instrument.yml): its commands use
real flags, and its steps, run in bash the way a runner does, annotate and fill the job summary."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / "docs" / "examples" / "goalgen-instrument.yml"

APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}
"""


def _steps() -> dict[str, dict]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    assert job["defaults"]["run"]["shell"] == "bash"
    return {step["name"]: step for step in job["steps"] if "name" in step}


def _instrument_calls(script: str) -> list[list[str]]:
    """The argument lists of every ``goalgen instrument`` call in a step's script."""
    found = re.findall(r"goalgen instrument ([^>|&;\n`\\]*)", script)
    return [shlex.split(args) for args in found]


def _goalgen(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None):
    env = {**(env or os.environ), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "goalgen", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_the_workflow_uses_only_real_flags() -> None:
    help_text = _goalgen("instrument", "--help").stdout
    real = set(re.findall(r"--[a-z][a-z-]*", help_text))
    steps = _steps()
    calls = [call for step in steps.values() for call in _instrument_calls(step.get("run", ""))]
    used = {arg.split("=")[0] for call in calls for arg in call if arg.startswith("-")}
    assert used == {"--check", "--format", "--dry-run", "--no-color"}
    assert used <= real, used - real
    check = _instrument_calls(steps["Check tracing"]["run"])[0]
    assert check[check.index("--format") + 1] in re.search(r"\[(text\|json\|github)\]", help_text)[1]
    assert steps["Patch in the job summary"]["if"] == "always()"


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    """What a runner's step sees: ``goalgen`` on PATH (this checkout), the summary file, a temp."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "goalgen"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m goalgen "$@"\n')
    shim.chmod(0o755)
    (tmp_path / "runner-temp").mkdir()
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GOALGEN_CACHE_DIR": str(tmp_path / "cache"),
    }


def _run_step(name: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = project.parent / "step.sh"
    script.write_text(_steps()[name]["run"])
    return subprocess.run(  # the command line a runner uses for `shell: bash`
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


def _fenced_diff(summary: str) -> str:
    """The body of the ``diff`` code block, ended where CommonMark ends it: at the first line of
    at most three spaces and at least as many backticks as opened it."""
    lines = summary.splitlines(keepends=True)
    opening = next(i for i, line in enumerate(lines) if re.fullmatch(r"`{3,}diff\n", line))
    width = len(lines[opening]) - len("diff\n")
    for end in range(opening + 1, len(lines)):
        fence = re.fullmatch(r" {0,3}(`{3,})\s*", lines[end])
        if fence and len(fence[1]) >= width:
            return "".join(lines[opening + 1 : end])
    raise AssertionError(f"unclosed diff block in {summary!r}")


def test_check_step_fails_with_an_annotation_per_target(
    tmp_path: Path, runner: dict[str, str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(APP)
    done = _run_step("Check tracing", project, runner)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::error file=app.py,line=3::would instrument api app",
        "::error file=app.py,line=7::would instrument api health (api.GET /health)",
    ]


def test_summary_step_puts_the_patch_in_a_diff_fence(tmp_path: Path, runner: dict[str, str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(APP)
    assert _run_step("Patch in the job summary", project, runner).returncode == 0
    summary = Path(runner["GITHUB_STEP_SUMMARY"]).read_text()
    patch = _fenced_diff(summary)
    assert patch == _goalgen("instrument", ".", "--dry-run", cwd=project, env=runner).stdout
    assert patch.startswith("diff --git a/app.py b/app.py\n")
    assert '+@trace_span("api.GET /health")  # goalgen: instrument\n' in patch
    subprocess.run(["git", "apply", "--check", "-"], input=patch, text=True, cwd=project, check=True)

    assert _goalgen("instrument", ".", cwd=project, env=runner).returncode == 0
    Path(runner["GITHUB_STEP_SUMMARY"]).write_text("")
    assert _run_step("Patch in the job summary", project, runner).returncode == 0
    assert "Nothing to instrument." in Path(runner["GITHUB_STEP_SUMMARY"]).read_text()


def test_a_fence_inside_the_code_does_not_end_the_diff_block(
    tmp_path: Path, runner: dict[str, str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text('"""Usage:\n\n```\ncurl /health\n```\n"""\n' + APP)
    _run_step("Patch in the job summary", project, runner)
    patch = _fenced_diff(Path(runner["GITHUB_STEP_SUMMARY"]).read_text())
    assert patch == _goalgen("instrument", ".", "--dry-run", cwd=project, env=runner).stdout
