"""The whole engine on a real small project: write, check, diff, remove, failures, exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sample_project import EXPECTED_FUNCTIONS, FILES, snapshot, write_project

from goalgen.instrument.engine import run
from goalgen.instrument.options import Mode, Options
from goalgen.instrument.report import CHANGED, FAILED, UNCHANGED, FileResult, Report


def _run(root: Path, tmp_path: Path, **kwargs) -> Report:
    options = Options(jobs=1, **kwargs)
    return run([root], options, cwd=root, cache_directory=tmp_path / "cache")


def _changed(report: Report) -> set[tuple[str, str, str]]:
    return {
        (f.path, t.kind, t.name)
        for f in report.files
        for t in f.targets
        if t.action in ("added", "removed")
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj")


def test_instrument_then_remove_gives_back_every_byte(project: Path, tmp_path: Path) -> None:
    original = snapshot(project)
    report = _run(project, tmp_path)
    assert report.return_code == 0
    assert EXPECTED_FUNCTIONS <= _changed(report)
    instrumented = snapshot(project)
    assert instrumented != original
    assert {f.path for f in report.changed} == {
        "app/bot.py",
        "app/api.py",
        "app/graph.py",
        "app/legacy.py",
        "app/windows_bot.py",
    }
    assert instrumented["app/util.py"] == original["app/util.py"]

    again = _run(project, tmp_path, use_cache=False)
    assert again.changed == [] and snapshot(project) == instrumented

    removed = _run(project, tmp_path, remove=True)
    assert removed.return_code == 0
    assert {f.path for f in removed.changed} == {f.path for f in report.changed}
    assert snapshot(project) == original


def test_encodings_and_line_endings_survive_instrumenting(project: Path, tmp_path: Path) -> None:
    _run(project, tmp_path)
    legacy = (project / "app/legacy.py").read_bytes()
    assert legacy.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b"caf\xe9" in legacy and b"trace_span" in legacy
    legacy.decode("latin-1")
    windows = (project / "app/windows_bot.py").read_bytes()
    assert b"trace_span" in windows
    assert windows.count(b"\n") == windows.count(b"\r\n"), "a bare LF crept into a CRLF file"
    assert not windows.endswith(b"\n")


@pytest.mark.parametrize("mode", [Mode.CHECK, Mode.DIFF])
def test_check_and_dry_run_write_nothing(project: Path, tmp_path: Path, mode: Mode) -> None:
    original = snapshot(project)
    report = _run(project, tmp_path, mode=mode, diff=mode is Mode.DIFF)
    assert snapshot(project) == original
    assert report.return_code == (1 if mode is Mode.CHECK else 0)
    assert EXPECTED_FUNCTIONS <= _changed(report)
    assert all(bool(f.diff) == (mode is Mode.DIFF) for f in report.changed)


def test_unprocessable_files_are_named_left_untouched_and_the_rest_is_done(
    tmp_path: Path,
) -> None:
    project = write_project(tmp_path / "proj", broken=True)
    original = snapshot(project)
    report = _run(project, tmp_path)
    assert report.return_code == 123
    reasons = {f.path: f.reason for f in report.failed}
    assert set(reasons) == {"app/broken.py", "app/bad_bytes.py", "app/py2.py"}
    assert reasons["app/broken.py"].startswith("syntax error at line 1")
    assert reasons["app/bad_bytes.py"].startswith("undecodable as utf-8 at line 1")
    assert "Python 2" in reasons["app/py2.py"]
    after = snapshot(project)
    for name in reasons:
        assert after[name] == original[name]
    assert EXPECTED_FUNCTIONS <= _changed(report)
    assert after["app/api.py"] != original["app/api.py"]


def test_check_with_a_broken_file_exits_123(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", broken=True)
    assert _run(project, tmp_path, mode=Mode.CHECK).return_code == 123


def test_select_limits_the_kinds(project: Path, tmp_path: Path) -> None:
    report = _run(project, tmp_path, mode=Mode.CHECK, kinds=("node",))
    assert {kind for _, kind, _ in _changed(report)} == {"node"}
    assert {f.path for f in report.changed} == {"app/graph.py"}


def test_nothing_to_do_exits_0(tmp_path: Path) -> None:
    project = write_project(tmp_path / "proj", files={"app/util.py": FILES["app/util.py"]})
    report = _run(project, tmp_path, mode=Mode.CHECK)
    assert report.return_code == 0 and report.changed == []
    assert [f.status for f in report.files] == [UNCHANGED]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_dry_run_patches_apply_and_equal_a_real_run(project: Path, tmp_path: Path) -> None:
    written = tmp_path / "written"
    shutil.copytree(project, written)
    _run(written, tmp_path / "c1")
    report = _run(project, tmp_path / "c2", mode=Mode.DIFF, diff=True)
    patch = b"".join(f.diff for f in report.files)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    result = subprocess.run(["git", "apply", "-"], cwd=project, input=patch, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    shutil.rmtree(project / ".git")
    assert snapshot(project) == snapshot(written)


def test_report_return_codes() -> None:
    changed = FileResult("a.py", CHANGED)
    failed = FileResult("b.py", FAILED, reason="syntax error at line 1: invalid syntax")
    assert Report(Mode.WRITE, files=[changed]).return_code == 0
    assert Report(Mode.DIFF, files=[changed]).return_code == 0
    assert Report(Mode.CHECK, files=[changed]).return_code == 1
    assert Report(Mode.CHECK, files=[FileResult("a.py", UNCHANGED)]).return_code == 0
    assert Report(Mode.CHECK, files=[changed, failed]).return_code == 123
    assert Report(Mode.WRITE, files=[failed]).return_code == 123
    assert Report(Mode.CHECK, remove=True).verb == "would remove tracing from"
    assert Report(Mode.WRITE).verb == "instrumented"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_reported(project: Path, tmp_path: Path) -> None:
    secret = project / "app/secret.py"
    secret.write_text("x = 1\n")
    secret.chmod(0)
    try:
        report = _run(project, tmp_path)
    finally:
        secret.chmod(0o644)
    assert report.return_code == 123
    assert [f.reason for f in report.failed] == ["unreadable: Permission denied"]
