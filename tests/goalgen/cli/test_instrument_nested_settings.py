"""``goalgen instrument`` in a monorepo: every file uses the nearest [tool.goalgen.instrument]
above it, flags win over all of them, and run-wide keys come from the top-level table only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from goalgen.cli import cli

API = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items():
    return []
"""

BLOCK = 'with TraceSpan("api.GET /items")'
DECORATOR = '@trace_span("api.GET /items")'


def _table(directory: Path, body: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pyproject.toml").write_text(
        f"[project]\nname = '{directory.name}'\n\n[tool.goalgen.instrument]\n{body}\n"
    )


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """repo/ (a git root, style = block) with libs/a (own table: decorator), libs/b (a
    pyproject.toml for packaging only) and libs/c (no pyproject.toml)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    _table(root, 'style = "block"')
    _table(root / "libs" / "a", 'style = "decorator"')
    (root / "libs" / "b").mkdir(parents=True)
    (root / "libs" / "b" / "pyproject.toml").write_text("[project]\nname = 'b'\n")
    for name in ("a", "b", "c"):
        package = root / "libs" / name / "pkg"
        package.mkdir(parents=True, exist_ok=True)
        (package / "api.py").write_text(API)
    monkeypatch.chdir(root)
    monkeypatch.setenv("GOALGEN_CACHE_DIR", str(tmp_path / "cache"))
    return root


def invoke(*args: str):
    return CliRunner().invoke(cli, ["instrument", "--no-color", *args], catch_exceptions=False)


def _api(root: Path, name: str) -> str:
    return (root / "libs" / name / "pkg" / "api.py").read_text()


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(["libs/a", "libs/b", "libs/c"], id="each-library-given"),
        pytest.param(["."], id="walked-from-the-root"),
        pytest.param(["libs"], id="walked-from-their-parent"),
    ],
)
def test_each_file_uses_the_nearest_table_above_it(monorepo: Path, paths: list[str]) -> None:
    result = invoke(*paths)
    assert result.exit_code == 0, result.stderr
    assert DECORATOR in _api(monorepo, "a")  # libs/a/pyproject.toml
    assert BLOCK in _api(monorepo, "b")  # its pyproject.toml has no table: the repo's applies
    assert BLOCK in _api(monorepo, "c")


def test_a_single_nested_library_uses_its_own_table(monorepo: Path) -> None:
    assert invoke("libs/a/pkg/api.py").exit_code == 0
    assert DECORATOR in _api(monorepo, "a")


def test_flags_win_over_every_table(monorepo: Path) -> None:
    result = invoke(".", "--style", "block")
    assert result.exit_code == 0, result.stderr
    assert all(BLOCK in _api(monorepo, name) for name in "abc")


def test_nested_select_and_exclude_are_the_nested_projects_own(monorepo: Path) -> None:
    _table(monorepo / "libs" / "a", 'select = ["node"]\nexclude = ["pkg/skipped.py"]')
    (monorepo / "libs" / "a" / "pkg" / "skipped.py").write_text(
        "from langgraph.graph import StateGraph\n\n\ndef plan(state):\n    return state\n\n\n"
        'StateGraph(dict).add_node("plan", plan)\n'
    )
    result = invoke(".", "--check")
    assert result.exit_code == 1
    listed = result.stdout.splitlines()
    assert not any(line.startswith("libs/a/") for line in listed)  # api not selected there
    assert any(line.startswith("libs/b/pkg/api.py:") for line in listed)
    assert "1 path skipped (excluded)" in result.stderr


def test_run_wide_keys_in_a_nested_table_are_ignored_with_a_warning(monorepo: Path) -> None:
    _table(monorepo / "libs" / "a", "jobs = 4\ncache = false")
    result = invoke(".", "--check")
    assert result.exit_code == 1
    nested = (monorepo / "libs" / "a" / "pyproject.toml").as_posix()
    assert f"warning: {nested}: jobs applies to the whole run" in result.stderr
    assert f"warning: {nested}: cache applies to the whole run" in result.stderr


def test_a_bad_value_in_a_nested_table_is_a_usage_error(monorepo: Path) -> None:
    before = _api(monorepo, "b")
    _table(monorepo / "libs" / "a", 'style = "fancy"')
    result = invoke(".")
    assert result.exit_code == 2
    assert "libs/a/pyproject.toml: [tool.goalgen.instrument] style must be one of" in result.stderr
    assert "Traceback" not in result.stderr
    assert _api(monorepo, "b") == before  # nothing written
