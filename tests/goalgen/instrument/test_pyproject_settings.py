"""[tool.goalgen.instrument] in the target project's pyproject.toml files: which table applies
to a directory, how values are checked, and the per-directory options a run gets from them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from goalgen.instrument.config import ProjectSettings, check_table, parse_kinds
from goalgen.instrument.options import Mode, OptionError, Options


def _table(directory: Path, body: str | None) -> Path:
    """A pyproject.toml in ``directory``; ``body`` None: one without our table."""
    directory.mkdir(parents=True, exist_ok=True)
    section = "" if body is None else f"\n[tool.goalgen.instrument]\n{body}\n"
    (directory / "pyproject.toml").write_text(f"[project]\nname = 'x'\n{section}")
    return directory / "pyproject.toml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root (it holds .git, so nothing above tmp_path is ever read)."""
    root = tmp_path.resolve() / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def test_the_top_table_is_the_nearest_above_the_common_parent(repo: Path) -> None:
    path = _table(
        repo,
        'style = "block"\nselect = ["node", "api"]\nexclude = "tests/*"\njobs = 3\ncache = false',
    )
    (repo / "src" / "pkg").mkdir(parents=True)
    settings = ProjectSettings([repo / "src" / "pkg", repo / "src"])
    assert settings.top is not None and settings.top.path == path
    assert settings.top.values == {
        "style": "block",
        "select": ("api", "node"),
        "exclude": ("tests/*",),
        "jobs": 3,
        "cache": False,
    }
    assert settings.warnings == []


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        pytest.param({"": "1", "lib": "2"}, "lib", id="nearest-table-wins"),
        pytest.param({"": "1", "lib": None}, "", id="a-pyproject-without-the-table-is-passed"),
        pytest.param({"lib": None}, None, id="no-table-at-all"),
        pytest.param({"": "1", "lib/.git": None}, None, id="stops-at-a-nested-repository-root"),
    ],
)
def test_which_table_applies_to_a_directory(
    repo: Path, layout: dict[str, str | None], expected: str | None
) -> None:
    for where, jobs in layout.items():
        if where.endswith(".git"):
            (repo / where).mkdir(parents=True)
        else:
            _table(repo / where, None if jobs is None else f"jobs = {jobs}")
    (repo / "lib" / "pkg").mkdir(parents=True, exist_ok=True)
    config = ProjectSettings([repo]).config_for(repo / "lib" / "pkg")
    if expected is None:
        assert config is None
    else:
        assert config is not None and config.directory == repo / expected


def test_a_repository_root_is_searched_but_not_passed(tmp_path: Path) -> None:
    outer = tmp_path.resolve()
    _table(outer, 'style = "block"')
    (outer / "repo" / ".git").mkdir(parents=True)
    assert ProjectSettings([outer / "repo"]).top is None
    _table(outer / "repo", 'style = "decorator"')
    top = ProjectSettings([outer / "repo"]).top
    assert top is not None and top.values == {"style": "decorator"}


def test_options_for_each_directory(repo: Path) -> None:
    """The nearest table wins whole (unset keys are defaults, not the outer table's), exclude
    is relative to its table, flags win, and run-wide keys come from the top table only."""
    _table(repo, 'style = "block"\nselect = "api"\njobs = 2')
    nested = _table(repo / "libs" / "a", 'exclude = ["gen"]\njobs = 5')
    settings = ProjectSettings([repo])
    run = Options(style="block", kinds=("api",), jobs=2)
    options_for = settings.options_for(run, given=())

    assert options_for(repo) == Options(style="block", kinds=("api",), jobs=2)
    a = options_for(repo / "libs" / "a")
    assert a == Options(exclude=("gen",), exclude_root=repo / "libs" / "a", jobs=2)
    assert options_for(repo / "libs" / "a") is a  # derived once per table
    assert settings.warnings == [
        f"{nested}: jobs applies to the whole run; ignored here "
        f"(set it in {repo / 'pyproject.toml'} or on the command line)"
    ]

    flags = Options(style="decorator", kinds=("bot",), exclude=("x",), jobs=2)
    given = settings.options_for(flags, given=("style", "select", "exclude"))
    assert given(repo / "libs" / "a") == flags


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            "style = 3", "style must be one of auto, decorator, block, not 3", id="style-type"
        ),
        pytest.param(
            'style = "fancy"',
            "style must be one of auto, decorator, block, not 'fancy'",
            id="style",
        ),
        pytest.param(
            "select = 5", "select must be a string or a list of strings", id="select-type"
        ),
        pytest.param('select = ["nodes"]', "select unknown kind 'nodes'", id="select-kind"),
        pytest.param("select = []", "select select names no kind", id="select-empty"),
        pytest.param(
            "exclude = [1]", "exclude must be a string or a list of strings", id="exclude"
        ),
        pytest.param('jobs = "many"', "jobs must be a whole number of at least 1", id="jobs-type"),
        pytest.param("jobs = 0", "jobs must be a whole number of at least 1", id="jobs-zero"),
        pytest.param("jobs = true", "jobs must be a whole number of at least 1", id="jobs-bool"),
        pytest.param('cache = "yes"', "cache must be true or false", id="cache"),
        pytest.param('gitignore = "no"', "gitignore must be true or false", id="gitignore"),
        pytest.param("instrument = 1", "must be a table", id="not-a-table"),
    ],
)
def test_bad_values_are_one_line_errors_naming_the_file(
    repo: Path, body: str, message: str
) -> None:
    if body.startswith("instrument ="):
        (repo / "pyproject.toml").write_text(f"[tool.goalgen]\n{body}\n")
    else:
        _table(repo, body)
    with pytest.raises(OptionError, match=rf"^{repo / 'pyproject.toml'}: .*{message}") as exc:
        ProjectSettings([repo])
    assert "\n" not in str(exc.value)


def test_unknown_keys_are_warned_about_and_underscores_read_as_dashes(repo: Path) -> None:
    path = repo / "pyproject.toml"
    values, warnings = check_table(path, {"colour": True, "style": "block"})
    assert values == {"style": "block"}
    assert warnings == [f"{path}: unknown key 'colour' in [tool.goalgen.instrument]"]


def test_broken_toml_is_an_error_only_when_it_may_hold_the_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.goalgen.instrument\n")
    with pytest.raises(OptionError, match="cannot read"):
        ProjectSettings([repo])
    (repo / "pyproject.toml").write_text("[tool.black\n")  # someone else's broken file
    assert ProjectSettings([repo]).top is None


def test_kinds_are_checked_and_put_in_report_order() -> None:
    assert parse_kinds("node, api") == ("api", "node")
    assert parse_kinds(["bot"]) == ("bot",)
    with pytest.raises(OptionError, match="unknown kind 'nodes'"):
        parse_kinds("nodes")
    with pytest.raises(OptionError, match="select names no kind"):
        parse_kinds(" , ")
    assert Mode.from_flags(dry_run=True, check=True) is Mode.CHECK
    assert Mode.from_flags(dry_run=True, check=False) is Mode.DIFF


def test_without_a_toml_reader_the_table_is_ignored_with_a_warning(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Python 3.10 without tomli sees: no tomllib module at all."""
    _table(repo, 'style = "block"')
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    settings = ProjectSettings([repo])
    assert settings.top is None
    assert len(settings.warnings) == 1 and "pip install tomli" in settings.warnings[0]
