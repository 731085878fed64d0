"""The target project's isort settings, read the way ruff and isort find them, per directory.

The inserted runtime import must pass the project's own ``ruff check`` (rule I001) or
``isort --check``, so the codemods get an :class:`~goalgen.codemods.import_style.ImportStyle` built from:

- ruff: the nearest ``.ruff.toml``, ``ruff.toml`` or ``pyproject.toml`` holding ``[tool.ruff]``
  (first match in a directory, in that order, as ruff picks), its ``[lint.isort]`` /
  ``[isort]`` (``[tool.ruff.lint.isort]`` / ``[tool.ruff.isort]``), the ``lint`` one winning;
- isort: the nearest ``.isort.cfg``, ``pyproject.toml`` ``[tool.isort]``, ``setup.cfg`` or
  ``tox.ini`` with an ``[isort]`` section (isort's order; the search stops at a ``.git`` or
  ``.hg`` directory), its ``profile`` filling in the keys below first.

When both tools have settings, the nearer file wins, and ruff's in the same directory. Keys
honoured: known-first-party, known-third-party, force-sort-within-sections, force-single-line,
lines-after-imports (isort spells them with underscores). A file that cannot be read or a bad
value is an :class:`ImportSettingsError` naming the file and key.
"""

from __future__ import annotations

import configparser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from goalgen.codemods.import_style import ImportStyle
from goalgen.instrument.config import load_toml_module
from goalgen.instrument.source import SourceError

# The keys above as isort's profiles set them (other profiles set none of them).
_PROFILES: dict[str, dict[str, Any]] = {
    "google": {"force_single_line": True, "force_sort_within_sections": True},
    "open_stack": {"force_single_line": True, "force_sort_within_sections": True},
    "plone": {"force_single_line": True},
    "appnexus": {"force_sort_within_sections": True},
    "pycharm": {"lines_after_imports": 2},
    "attrs": {"lines_after_imports": 2},
}
_TRUE = {"y", "yes", "t", "true", "on", "1"}
_FALSE = {"n", "no", "f", "false", "off", "0"}

Table = tuple[str, dict[str, Any]]  # (where, as "file [table]"; the settings)


class ImportSettingsError(SourceError):
    """The project's isort settings cannot be used; the message names the file and the key."""


def import_style_for(path: Path, cache: dict[Path, ImportStyle] | None = None) -> ImportStyle:
    """The isort settings that apply to the Python file ``path``; ``cache`` (one per run) holds
    them per directory, so each directory's configuration is looked up once."""
    directory = path.resolve().parent
    if cache is not None and directory in cache:
        return cache[directory]
    ruff = _nearest(directory, _ruff_table)
    isort = _nearest(directory, _isort_table, stop=(".git", ".hg"))
    if ruff is not None and (isort is None or ruff[0] <= isort[0]):
        style = _ruff_style(*ruff[1])
    elif isort is not None:
        style = _isort_style(*isort[1])
    else:
        style = ImportStyle()
    if cache is not None:
        cache[directory] = style
    return style


def _nearest(
    directory: Path, read: Callable[[Path], Table | None], stop: tuple[str, ...] = ()
) -> tuple[int, Table] | None:
    """(how many directories up, table) of the first non-empty settings ``read`` finds."""
    for depth, here in enumerate((directory, *directory.parents)):
        found = read(here)
        if found is not None:
            return (depth, found) if found[1] else None
        if any((here / name).exists() for name in stop):
            return None
    return None


def _toml(path: Path) -> dict[str, Any]:
    toml = load_toml_module()
    if toml is None:  # Python 3.10 without tomli: TOML settings cannot be read
        return {}
    try:
        with path.open("rb") as handle:
            return toml.load(handle)
    except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise ImportSettingsError(f"{path}: cannot read: {exc}") from None


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ImportSettingsError(f"{where} must be a table")
    return value


def _ruff_table(directory: Path) -> Table | None:
    """The isort table of ruff's configuration file in ``directory`` ({} when it has none);
    ``None`` when ``directory`` holds no ruff configuration."""
    for name in (".ruff.toml", "ruff.toml", "pyproject.toml"):
        path = directory / name
        if not path.is_file():
            continue
        data = _toml(path)
        prefix = ""
        if name == "pyproject.toml":
            if "ruff" not in data.get("tool", {}):
                continue
            data, prefix = _table(data["tool"]["ruff"], f"{path} [tool.ruff]"), "tool.ruff."
        lint = _table(data.get("lint", {}), f"{path} [{prefix}lint]")
        old = _table(data.get("isort", {}), f"{path} [{prefix}isort]")
        new = _table(lint.get("isort", {}), f"{path} [{prefix}lint.isort]")
        return f"{path} [{prefix}{'lint.' if new else ''}isort]", {**old, **new}
    return None


def _isort_table(directory: Path) -> Table | None:
    """isort's settings from the first file in ``directory`` that has them, else ``None``."""
    for name, sections in (
        (".isort.cfg", ("settings", "isort")),
        ("pyproject.toml", ()),
        ("setup.cfg", ("isort", "tool:isort")),
        ("tox.ini", ("isort", "tool:isort")),
    ):
        path = directory / name
        if not path.is_file():
            continue
        if sections:
            found = _ini_sections(path, sections)
        else:
            tool = _table(_toml(path).get("tool", {}), f"{path} [tool]")
            found = f"{path} [tool.isort]", _table(tool.get("isort", {}), f"{path} [tool.isort]")
        if found[1]:
            return found
    return None


def _ini_sections(path: Path, sections: tuple[str, ...]) -> Table:
    """The ``sections`` of an ini file merged (later ones win), as isort reads them."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise ImportSettingsError(f"{path}: cannot read: {exc}") from None
    present = [section for section in sections if parser.has_section(section)]
    settings: dict[str, Any] = {}
    for section in present:
        settings.update(parser.items(section))
    return f"{path} [{'] ['.join(present)}]", settings


def _ruff_style(where: str, table: dict[str, Any]) -> ImportStyle:
    return _style(where, table, dashes=True)


def _isort_style(where: str, table: dict[str, Any]) -> ImportStyle:
    profile = table.get("profile", "")
    profile_values = _PROFILES.get(profile, {}) if isinstance(profile, str) else {}
    return _style(where, {**profile_values, **table}, dashes=False)


def _style(where: str, settings: dict[str, Any], dashes: bool) -> ImportStyle:
    """The honoured keys of ``settings`` (ruff spells them with dashes), checked."""
    values = {}
    for field, check in _CHECKS:
        key = field.replace("_", "-") if dashes else field
        if key in settings:
            values[field] = check(where, key, settings[key])
    return ImportStyle(**values)


def _names(where: str, key: str, value: Any) -> frozenset[str]:
    """A list of module names; isort also takes them comma- or line-separated in one string."""
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ImportSettingsError(f"{where} {key} must be a list of module names")
    return frozenset(v.strip() for v in value if v.strip())


def _flag(where: str, key: str, value: Any) -> bool:
    """true / false; isort also takes yes / no, on / off, 1 / 0 and the like."""
    text = str(value).strip().lower()
    if isinstance(value, bool | int | str) and text in _TRUE | _FALSE:
        return text in _TRUE
    raise ImportSettingsError(f"{where} {key} must be true or false, not {value!r}")


def _lines(where: str, key: str, value: Any) -> int | None:
    """A count of blank lines; -1 (isort's and ruff's "automatic") is ``None``."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < -1:
        raise ImportSettingsError(f"{where} {key} must be a whole number of at least -1")
    return None if value == -1 else value


_CHECKS: tuple[tuple[str, Callable[[str, str, Any], Any]], ...] = (
    ("known_first_party", _names),
    ("known_third_party", _names),
    ("force_sort_within_sections", _flag),
    ("force_single_line", _flag),
    ("lines_after_imports", _lines),
)
