"""Which ruff / isort settings apply to a file, found the way those tools find them."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalgen.cli import main as goalgen_main
from goalgen.codemods import ImportStyle
from goalgen.instrument.import_settings import ImportSettingsError, import_style_for

FIRST = ImportStyle(known_first_party=frozenset({"corp"}))
SINGLE = ImportStyle(force_single_line=True)
LINES2 = ImportStyle(lines_after_imports=2)

# (config files, the Python file's directory, the style that applies)
CASES = [
    pytest.param({}, "pkg", ImportStyle(), id="no-configuration"),
    pytest.param(
        {"pyproject.toml": '[tool.ruff.lint.isort]\nknown-first-party = ["corp"]\n'},
        "pkg",
        FIRST,
        id="ruff-pyproject",
    ),
    pytest.param(
        {
            "pyproject.toml": "[tool.ruff.isort]\nforce-single-line = true\nlines-after-imports = 2\n"
            "[tool.ruff.lint.isort]\nlines-after-imports = 1\n"
        },
        "pkg",
        ImportStyle(force_single_line=True, lines_after_imports=1),
        id="ruff-lint-table-wins-over-the-old-one",
    ),
    pytest.param(
        {
            "ruff.toml": "[lint.isort]\nforce-single-line = true\n",
            "pyproject.toml": "[tool.ruff.lint.isort]\nlines-after-imports = 2\n",
        },
        "pkg",
        SINGLE,
        id="ruff-toml-before-pyproject",
    ),
    pytest.param(
        {".ruff.toml": "[isort]\nforce-single-line = true\n", "ruff.toml": "[lint.isort]\n"},
        "pkg",
        SINGLE,
        id="dot-ruff-toml-first-old-table",
    ),
    pytest.param(
        {
            "ruff.toml": "[lint.isort]\nforce-single-line = true\n",
            "pkg/pyproject.toml": "[project]\nname = 'pkg'\n",
        },
        "pkg",
        SINGLE,
        id="pyproject-without-tool-ruff-is-not-ruffs",
    ),
    pytest.param(
        {
            "ruff.toml": "[lint.isort]\nforce-single-line = true\n",
            "pkg/pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        },
        "pkg",
        ImportStyle(),
        id="nearest-ruff-config-shadows-the-parent",
    ),
    pytest.param(
        {
            "ruff.toml": "[lint.isort]\nforce-single-line = true\n",
            "pkg/.isort.cfg": "[settings]\nlines_after_imports = 2\n",
        },
        "pkg",
        LINES2,
        id="nearer-isort-config-wins",
    ),
    pytest.param(
        {
            "pyproject.toml": "[tool.ruff.lint.isort]\nforce-single-line = true\n"
            "[tool.isort]\nlines_after_imports = 2\n"
        },
        "pkg",
        SINGLE,
        id="ruff-wins-in-the-same-directory",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff]\nline-length = 100\n[tool.isort]\nforce_single_line = 1\n"},
        "pkg",
        SINGLE,
        id="isort-when-ruff-has-no-isort-settings",
    ),
    pytest.param(
        {
            ".isort.cfg": "[isort]\nforce_single_line = yes\n",
            "pyproject.toml": "[tool.isort]\nlines_after_imports = 2\n",
        },
        "pkg",
        SINGLE,
        id="isort-cfg-before-pyproject",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.isort]\nforce_single_line = true\n", "pkg/.git/HEAD": ""},
        "pkg/sub",
        ImportStyle(),
        id="isort-search-stops-at-git",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.isort]\nprofile = "google"\nforce_single_line = false\n'},
        "pkg",
        ImportStyle(force_sort_within_sections=True),
        id="isort-profile-then-own-keys",
    ),
    pytest.param(
        {
            "setup.cfg": "[isort]\nknown_first_party = corp,\n  other\n"
            "known_third_party=vendor\nlines_after_imports = -1\n"
        },
        "pkg",
        ImportStyle(
            known_first_party=frozenset({"corp", "other"}), known_third_party=frozenset({"vendor"})
        ),
        id="setup-cfg-strings",
    ),
    pytest.param(
        {"tox.ini": "[tool:isort]\nknown_first_party = corp\n"}, "pkg", FIRST, id="tox-ini"
    ),
    pytest.param(
        {"pyproject.toml": '[tool.isort]\nknown-first-party = ["corp"]\n'},
        "pkg",
        ImportStyle(),
        id="isort-ignores-dashed-keys-as-isort-does",
    ),
]


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest.mark.parametrize(("files", "where", "expected"), CASES)
def test_the_settings_that_apply(
    tmp_path: Path, files: dict[str, str], where: str, expected: ImportStyle
) -> None:
    root = tmp_path / "proj"
    _write(root, {**files, f"{where}/mod.py": ""})
    assert import_style_for(root / where / "mod.py") == expected


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"pyproject.toml": "[tool.ruff.lint.isort]\nknown-first-party = [3]\n"},
            "[tool.ruff.lint.isort] known-first-party must be a list of module names",
        ),
        (
            {"ruff.toml": "[lint.isort]\nlines-after-imports = -2\n"},
            "[lint.isort] lines-after-imports must be a whole number of at least -1",
        ),
        (
            {"setup.cfg": "[isort]\nforce_single_line = maybe\n"},
            "[isort] force_single_line must be true or false, not 'maybe'",
        ),
        ({"pyproject.toml": "[tool.ruff\n"}, "pyproject.toml: cannot read"),
    ],
    ids=["names-not-a-list", "lines-below-minus-one", "not-a-flag", "broken-toml"],
)
def test_bad_settings_name_the_file_and_key(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    _write(tmp_path, {**files, "mod.py": ""})
    with pytest.raises(ImportSettingsError) as raised:
        import_style_for(tmp_path / "mod.py")
    assert message in str(raised.value)
    assert str(tmp_path) in str(raised.value)


def test_settings_are_looked_up_once_per_directory(tmp_path: Path) -> None:
    _write(tmp_path, {"ruff.toml": "[lint.isort]\nforce-single-line = true\n"})
    cache: dict[Path, ImportStyle] = {}
    assert import_style_for(tmp_path / "a.py", cache) == SINGLE
    (tmp_path / "ruff.toml").write_text("[lint.isort]\n")
    assert import_style_for(tmp_path / "b.py", cache) == SINGLE  # same run, same directory
    assert cache == {tmp_path.resolve(): SINGLE}
    assert import_style_for(tmp_path / "b.py") == ImportStyle()  # a new run reads it again


def test_a_bad_setting_fails_its_files_only(tmp_path: Path, capsys) -> None:
    bot = "from botbuilder.core import ActivityHandler\n\n\nclass B(ActivityHandler):\n"
    bot += "    async def on_turn(self, turn_context):\n        pass\n"
    _write(
        tmp_path,
        {
            "good/bot.py": bot,
            "bad/bot.py": bot,
            "bad/ruff.toml": '[lint.isort]\nforce-single-line = "sometimes"\n',
        },
    )
    code = goalgen_main(["instrument", str(tmp_path), "--no-cache", "--jobs", "1", "--no-color"])
    assert code == 123
    err = capsys.readouterr().err
    assert "bad/bot.py: " in err and "good/bot.py" not in err
    assert "force-single-line must be true or false" in err
    assert "@trace_span" in (tmp_path / "good" / "bot.py").read_text()
    assert (tmp_path / "bad" / "bot.py").read_text() == bot
