"""``.pre-commit-hooks.yaml`` through the real ``pre-commit``: it installs this checkout as a hook
repository (a fresh virtualenv with goalgen pip-installed in it, as users get it) and runs the
hooks on a sample repository holding an untraced FastAPI app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}
"""

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_IDENTITY}
    done = subprocess.run(
        ["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def _hook_repository(destination: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's current tree (tracked and new files, not the
    ignored ones) in one commit; pre-commit clones hook repositories, so it needs a commit."""
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(destination, "init", "-q")
    _git(destination, "add", "-A")
    _git(destination, "commit", "-q", "-m", "checkout under test")
    return destination, _git(destination, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return _hook_repository(tmp_path_factory.mktemp("hooks"))


def _pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(home)}
    env["GOALGEN_CACHE_DIR"] = str(home / "goalgen-cache")
    env.pop("PYTHONPATH", None)  # the hook must run the goalgen pre-commit installed, not ours
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_check_fails_then_instrument_rewrites_then_check_passes(
    hook_repository: tuple[Path, str], tmp_path: Path
) -> None:
    hooks, rev = hook_repository
    project = tmp_path / "project"
    (project / "service").mkdir(parents=True)
    (project / "service" / "api.py").write_text(APP)
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: goalgen-check\n"
        "      - id: goalgen-instrument\n"
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    home = tmp_path / "pre-commit-home"

    check = _pre_commit(project, home, "run", "goalgen-check", "--all-files")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "service/api.py:7 api health" in check.stdout
    assert (project / "service" / "api.py").read_text() == APP

    rewrite = _pre_commit(project, home, "run", "goalgen-instrument", "--all-files")
    assert rewrite.returncode == 1, rewrite.stdout  # pre-commit fails a hook that edits files
    assert "files were modified by this hook" in rewrite.stdout
    instrumented = (project / "service" / "api.py").read_text()
    assert '@trace_span("api.GET /health")  # goalgen: instrument' in instrumented

    _git(project, "add", "-A")
    again = _pre_commit(project, home, "run", "goalgen-check", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
