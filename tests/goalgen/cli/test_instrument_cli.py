"""``goalgen instrument`` through the real CLI: flags, output streams, formats, exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "instrument"))
from sample_project import EXPECTED_FUNCTIONS, snapshot, write_project  # noqa: E402

from goalgen.cli import cli  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_project(tmp_path / "proj")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GOALGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


def invoke(*args: str):
    return CliRunner().invoke(cli, ["instrument", *args], catch_exceptions=False)


def test_check_lists_targets_on_stdout_and_exits_1(project: Path) -> None:
    before = snapshot(project)
    result = invoke("app", "--check", "--no-color")
    assert result.exit_code == 1
    listed = set(result.stdout.splitlines())
    assert "app/api.py:7 api read_item" in listed
    for path, kind, name in EXPECTED_FUNCTIONS:
        assert any(
            line.startswith(f"{path}:") and line.endswith(f" {kind} {name}") for line in listed
        )
    assert "would instrument 5 files" in result.stderr
    assert snapshot(project) == before


def test_write_then_check_then_remove(project: Path) -> None:
    before = snapshot(project)
    result = invoke("app", "--no-color")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "7 files scanned; instrumented 5 files" in result.stderr
    assert invoke("app", "--check", "--no-cache").exit_code == 0
    assert "nothing to instrument" in invoke("app", "--check").stderr
    removed = invoke("app", "--remove")
    assert removed.exit_code == 0 and "removed tracing from 5 files" in removed.stderr
    assert snapshot(project) == before


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_dry_run_prints_a_patch_git_apply_accepts(project: Path) -> None:
    before = snapshot(project)
    result = CliRunner().invoke(cli, ["instrument", ".", "--dry-run"], catch_exceptions=False)
    assert result.exit_code == 0
    assert snapshot(project) == before
    patch = result.stdout_bytes
    assert b"diff --git a/app/api.py b/app/api.py\n" in patch
    assert b"caf\xe9" in patch  # the latin-1 file's context stays latin-1
    subprocess.run(["git", "init", "-q"], check=True)
    check = subprocess.run(["git", "apply", "--check", "-"], input=patch, capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    assert "would instrument 5 files" in result.stderr


def test_remove_with_dry_run_and_check(project: Path) -> None:
    invoke("app")
    instrumented = snapshot(project)
    check = invoke("app", "--remove", "--check")
    assert check.exit_code == 1 and "would remove tracing from 5 files" in check.stderr
    dry = invoke("app", "--remove", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.count("diff --git") == 5
    assert snapshot(project) == instrumented


def test_broken_files_exit_123_and_are_named(project: Path) -> None:
    write_project(project, broken=True, files={})
    result = invoke(".", "--no-color")
    assert result.exit_code == 123
    assert "error: cannot process app/broken.py: syntax error at line 1" in result.stderr
    assert "error: cannot process app/bad_bytes.py: undecodable as utf-8" in result.stderr
    assert "error: cannot process app/py2.py: syntax error at line 1" in result.stderr
    assert "3 files could not be processed" in result.stderr
    assert "Traceback" not in result.stderr
    assert b"trace_span" in (project / "app/api.py").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "bot,nodes"], "unknown kind 'nodes'"),
        (["--style", "inline"], "Invalid value for '--style'"),
        (["--jobs", "0"], "Invalid value for '--jobs'"),
        (["--format", "xml"], "Invalid value for '--format'"),
        (["missing_dir"], "Path 'missing_dir' does not exist"),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    project: Path, args: list[str], message: str
) -> None:
    result = invoke("app", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_no_paths_is_a_usage_error(project: Path) -> None:
    assert invoke().exit_code == 2


def test_json_report(project: Path) -> None:
    result = invoke("app", "--check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["mode"] == "check" and report["return_code"] == 1
    assert report["summary"]["files_scanned"] == 7
    assert report["summary"]["files_changed"] == 5
    assert report["summary"]["targets"]["bot"] == 4  # three handlers and one reply
    found = {
        (f["path"], t["kind"], t["name"])
        for f in report["files"]
        for t in f["targets"]
        if t["action"] == "added"
    }
    assert EXPECTED_FUNCTIONS <= found


def test_github_annotations(project: Path) -> None:
    write_project(project, files={"app/broken.py": b"def f(:\n"})
    result = invoke("app", "--check", "--format", "github")
    assert result.exit_code == 123
    lines = result.stdout.splitlines()
    assert (
        "::error file=app/broken.py,line=1::cannot process: syntax error at line 1: invalid syntax"
        in lines
    )
    assert any(
        line.startswith("::error file=app/api.py,line=7::would instrument api read_item")
        for line in lines
    )


DYNAMIC_ROUTE = b"""\
from fastapi import FastAPI

from app.config import settings

app = FastAPI()


@app.get(settings.PREFIX + "/x")
def read():
    return 1
"""


def test_traced_targets_with_a_note_show_it(project: Path) -> None:
    write_project(project, files={"app/dyn.py": DYNAMIC_ROUTE})
    github = invoke("app", "--check", "--format", "github")
    assert (
        "::notice file=app/dyn.py,line=9::api read (api.GET <dynamic>/x): "
        "path not static: settings.PREFIX" in github.stdout.splitlines()
    )
    text = invoke("app", "--check", "--no-color")
    assert "1 traced target with a note (see --format json)" in text.stderr
    report = json.loads(invoke("app", "--check", "--format", "json").stdout)
    assert report["summary"]["noted_targets"] == {"api": 1}


def test_pyproject_settings_apply_and_flags_win(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.goalgen.instrument]\nselect = ["node"]\nexclude = ["app/legacy.py"]\n'
    )
    result = invoke(".", "--check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "app/graph.py:10 node increment",
        "app/graph.py:15 node build.<locals>.double",
    ]
    assert "1 path skipped (excluded)" in result.stderr
    flags = invoke(".", "--check", "--select", "api")
    assert {line.split()[1] for line in flags.stdout.splitlines()} == {"api"}
    assert not any("legacy" in line for line in flags.stdout.splitlines())

    (project / "pyproject.toml").write_text('[tool.goalgen.instrument]\nstyle = "fancy"\n')
    bad = invoke(".", "--check")
    assert bad.exit_code == 2
    assert "pyproject.toml: [tool.goalgen.instrument] style must be one of" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_gitignored_paths_are_counted_and_no_gitignore_walks_them(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("app/api.py\napp/legacy.py\n")
    result = invoke(".", "--check", "--no-color")
    assert result.exit_code == 1
    listed = result.stdout.splitlines()
    assert not any(line.startswith(("app/api.py", "app/legacy.py")) for line in listed)
    assert "2 paths skipped (gitignored)" in result.stderr
    named = invoke("app/api.py", "--check")  # a file named on the command line is always taken
    assert "app/api.py:7 api read_item" in named.stdout.splitlines()
    walked = invoke(".", "--check", "--no-gitignore")
    assert "app/api.py:7 api read_item" in walked.stdout.splitlines()
    assert "gitignored" not in walked.stderr
    (project / "pyproject.toml").write_text("[tool.goalgen.instrument]\ngitignore = false\n")
    assert invoke(".", "--check").stdout == walked.stdout


def test_color_flags(project: Path) -> None:
    write_project(project, files={"app/broken.py": b"def f(:\n"})
    assert "\x1b[" in invoke("app", "--check", "--color").stderr
    assert "\x1b[" not in invoke("app", "--check", "--no-color").stderr


def _goalgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "goalgen", "instrument", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
    )


def test_real_process_exit_codes_and_streams(project: Path) -> None:
    check = _goalgen("app", "--check", cwd=project)
    assert check.returncode == 1, check.stderr.decode()
    assert b"app/graph.py:" in check.stdout
    assert b"would instrument" in check.stderr and b"would instrument" not in check.stdout
    write = _goalgen("app", "--jobs", "2", cwd=project)
    assert write.returncode == 0, write.stderr.decode()
    assert _goalgen("app", "--check", "--no-cache", cwd=project).returncode == 0
    usage = _goalgen("app", "--select", "nope", cwd=project)
    assert usage.returncode == 2 and b"Traceback" not in usage.stderr


def test_block_style_round_trip(project: Path) -> None:
    before = snapshot(project)
    result = invoke("app", "--style", "block")
    assert result.exit_code == 0, result.stderr
    assert b'with TraceSpan("api.POST /items")' in (project / "app/api.py").read_bytes()
    assert invoke("app", "--style", "block", "--check", "--no-cache").exit_code == 0
    assert invoke("app", "--remove").exit_code == 0
    assert snapshot(project) == before


def test_check_with_dry_run_prints_only_the_patch_and_exits_1(project: Path) -> None:
    result = invoke("app", "--check", "--dry-run")
    assert result.exit_code == 1
    assert result.stdout.startswith("diff --git ")
    assert "app/api.py:7 api read_item" not in result.stdout


NEWER_SYNTAX_API = """\
from fastapi import FastAPI

type Payload = dict[str, object]

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item[T](item_id: int, extra: T | None = None) -> Payload:
    return {"id": item_id}
"""


def test_python_312_syntax_is_instrumented_on_any_python(project: Path) -> None:
    newer = project / "app" / "newer.py"
    newer.write_text(NEWER_SYNTAX_API)
    check = _goalgen("app/newer.py", "--check", cwd=project)
    assert check.returncode == 1, check.stderr.decode()
    assert check.stdout.decode().splitlines() == [
        "app/newer.py:5 api app",
        "app/newer.py:9 api read_item",
    ]
    assert _goalgen("app/newer.py", cwd=project).returncode == 0
    assert '@trace_span("api.GET /items/{item_id}")' in newer.read_text()
    assert _goalgen("app/newer.py", "--check", "--no-cache", cwd=project).returncode == 0
    assert _goalgen("app/newer.py", "--remove", cwd=project).returncode == 0
    assert newer.read_text() == NEWER_SYNTAX_API


def test_broken_file_with_newer_syntax_still_exits_123(project: Path) -> None:
    (project / "app" / "newer.py").write_text("type X = int\n\nx = b'\u00e9'\n")
    result = _goalgen("app/newer.py", cwd=project)
    assert result.returncode == 123
    assert "app/newer.py: syntax error at line 3: bytes can only contain ASCII" in (
        result.stderr.decode()
    )


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="Python 3.14 reads it")
def test_file_needing_a_newer_python_says_which(project: Path) -> None:
    (project / "app" / "newer.py").write_text(
        "try:\n    pass\nexcept KeyError, ValueError:\n    pass\n"
    )
    result = _goalgen("app/newer.py", "--no-color", cwd=project)
    assert result.returncode == 123
    running = ".".join(map(str, sys.version_info[:3]))
    assert (
        "app/newer.py: syntax error at line 3: this file needs Python 3.14+ to read "
        f"(except without parentheses); goalgen runs on Python {running}"
    ) in " ".join(result.stderr.decode().split())
