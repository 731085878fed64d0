"""The one Terminal of the CLI: colour from --color/--no-color, GOALGEN_COLOR, NO_COLOR and
FORCE_COLOR, and user text printed literally (never read as rich markup or emoji codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalgen.cli import cli

ANSI = "\x1b["


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "GOALGEN_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOALGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def invoke(args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        pytest.param([], {}, False, id="not-a-terminal"),
        pytest.param(["--color"], {}, True, id="global-flag"),
        pytest.param(["--no-color"], {"FORCE_COLOR": "1"}, False, id="flag-beats-force-color"),
        pytest.param(["--color"], {"NO_COLOR": "1"}, True, id="flag-beats-no-color"),
        pytest.param([], {"GOALGEN_COLOR": "1"}, True, id="goalgen-color-on"),
        pytest.param([], {"GOALGEN_COLOR": "0", "FORCE_COLOR": "1"}, False, id="goalgen-color-off"),
        pytest.param([], {"FORCE_COLOR": "1"}, True, id="force-color"),
        pytest.param([], {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, id="no-color-wins"),
        pytest.param([], {"NO_COLOR": ""}, False, id="empty-no-color-is-unset"),
    ],
)
def test_colour_of_the_error_line(args: list[str], env: dict[str, str], coloured: bool) -> None:
    result = invoke([*args, "traces", "missing.jsonl"], env)
    assert result.exit_code == 2
    assert "cannot read trace file missing.jsonl" in result.stderr
    assert (ANSI in result.stderr) is coloured


@pytest.mark.parametrize(
    ("args", "coloured"),
    [
        pytest.param(["--color", "instrument", "--no-color"], False, id="command-flag-wins-off"),
        pytest.param(["--no-color", "instrument", "--color"], True, id="command-flag-wins-on"),
        pytest.param(["--color", "instrument"], True, id="global-flag-reaches-instrument"),
    ],
)
def test_instrument_keeps_its_own_colour_flag(
    tmp_path: Path, args: list[str], coloured: bool
) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n")
    result = invoke([*args, "broken.py"])
    assert result.exit_code == 123
    assert (ANSI in result.stderr) is coloured


@pytest.mark.parametrize("color", ["--color", "--no-color"])
def test_markup_and_emoji_codes_in_file_names_and_settings_print_literally(
    tmp_path: Path, color: str
) -> None:
    (tmp_path / "[bold]pkg").mkdir()
    for name in ("[red]x.py", ":fire:.py", "[bold]pkg/y.py"):
        (tmp_path / name).write_text("def f(:\n")
    (tmp_path / "pyproject.toml").write_text('[tool.goalgen.instrument]\n"[bold]k" = 1\n')
    result = invoke([color, "instrument", "."])
    assert result.exit_code == 123
    plain = result.stderr.replace("\x1b[31m", "").replace("\x1b[33m", "").replace("\x1b[0m", "")
    assert "error: cannot process [red]x.py: syntax error at line 1" in plain
    assert "error: cannot process :fire:.py: syntax error" in plain
    assert "error: cannot process [bold]pkg/y.py: syntax error" in plain
    assert "warning: " + str(tmp_path / "pyproject.toml") in plain
    assert "unknown key '[bold]k' in [tool.goalgen.instrument]" in plain


def test_a_usage_error_from_a_table_names_the_file_literally(tmp_path: Path) -> None:
    project = tmp_path / "[red]proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.goalgen.instrument]\nstyle = "[bold]"\n')
    result = invoke(["--color", "instrument", str(project)])
    assert result.exit_code == 2
    assert "[red]proj/pyproject.toml: [tool.goalgen.instrument] style must be one of" in (
        result.stderr
    )
    assert "not '[bold]'" in result.stderr


def test_generate_errors_print_spec_text_literally(tmp_path: Path) -> None:
    spec = tmp_path / "[red]spec.json"
    spec.write_text(json.dumps({"id": "[bold]x"}))
    result = invoke(["--color", "generate", "--spec", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "[red]spec.json" in result.stderr
    assert ANSI in result.stderr
