"""[tool.goalgen.instrument] in the target project's pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from instrument.config import find_pyproject, load_settings
from instrument.options import Mode, OptionError, Options, parse_kinds


def _project(tmp_path: Path, section: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n{section}\n")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    return tmp_path


def test_settings_come_from_the_nearest_pyproject_above_the_paths(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        '[tool.goalgen.instrument]\nstyle = "block"\nselect = ["node", "api"]\n'
        'exclude = "tests/*"\njobs = 3\ncache = false\ngitignore = false\n',
    )
    settings = load_settings([root / "src" / "pkg", root / "src"])
    assert settings.path == root / "pyproject.toml"
    assert settings.values == {
        "style": "block",
        "select": ["node", "api"],
        "exclude": ["tests/*"],
        "jobs": 3,
        "cache": False,
        "gitignore": False,
    }
    assert settings.warnings == []


def test_a_nested_project_uses_its_own_pyproject(tmp_path: Path) -> None:
    _project(tmp_path, '[tool.goalgen.instrument]\nstyle = "block"\n')
    inner = tmp_path / "sub"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert find_pyproject([inner]) == inner / "pyproject.toml"
    assert load_settings([inner]).values == {}


def test_no_pyproject_means_no_settings(tmp_path: Path) -> None:
    lonely = tmp_path / "a" / "b"
    lonely.mkdir(parents=True)
    if find_pyproject([lonely]) is None:  # a pyproject.toml above tmp would be found, rightly
        assert load_settings([lonely]).values == {}


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("style = 3", "style must be one of auto, decorator, block, not 3"),
        ('style = "fancy"', "style must be one of auto, decorator, block, not 'fancy'"),
        ("select = 5", "select must be a string or a list of strings"),
        ('jobs = "many"', "jobs must be a whole number of at least 1"),
        ("jobs = 0", "jobs must be a whole number of at least 1"),
        ('cache = "yes"', "cache must be true or false"),
        ('gitignore = "no"', "gitignore must be true or false"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path: Path, section: str, message: str) -> None:
    root = _project(tmp_path, f"[tool.goalgen.instrument]\n{section}\n")
    with pytest.raises(OptionError, match=message):
        load_settings([root])


def test_unknown_keys_are_warned_about_and_broken_toml_is_an_error(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.goalgen.instrument]\ncolour = true\n")
    settings = load_settings([root])
    assert settings.values == {}
    assert settings.warnings == [
        f"{root / 'pyproject.toml'}: unknown key 'colour' in [tool.goalgen.instrument]"
    ]
    (root / "pyproject.toml").write_text("[tool.goalgen.instrument\n")
    with pytest.raises(OptionError, match="cannot read"):
        load_settings([root])


def test_options_validate_kinds_style_and_jobs() -> None:
    assert parse_kinds("node, api") == ("api", "node")
    assert parse_kinds(["bot"]) == ("bot",)
    with pytest.raises(OptionError, match="unknown kind 'nodes'"):
        parse_kinds("nodes")
    with pytest.raises(OptionError, match="unknown style"):
        Options(style="inline")
    with pytest.raises(OptionError, match="jobs must be at least 1"):
        Options(jobs=0)
    assert Mode.from_flags(dry_run=True, check=True) is Mode.CHECK
    assert Mode.from_flags(dry_run=True, check=False) is Mode.DIFF


def test_without_a_toml_reader_the_section_is_ignored_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Python 3.10 without tomli sees: no tomllib module at all."""
    root = _project(tmp_path, '[tool.goalgen.instrument]\nstyle = "block"\n')
    monkeypatch.setitem(__import__("sys").modules, "tomllib", None)
    monkeypatch.setitem(__import__("sys").modules, "tomli", None)
    settings = load_settings([root])
    assert settings.values == {}
    assert len(settings.warnings) == 1 and "pip install tomli" in settings.warnings[0]
