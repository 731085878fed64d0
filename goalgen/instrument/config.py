"""``[tool.goalgen.instrument]`` tables from the target project's pyproject.toml files.

Each file uses the nearest pyproject.toml at or above its directory that has a
``[tool.goalgen.instrument]`` table; a pyproject.toml without the table (a library's packaging
file) does not hide the repository's settings. The search stops at a repository root (a
directory holding ``.git``). The nearest table wins whole: keys it does not set take the
built-in defaults, not the values of a table further up. ``exclude`` globs are relative to the
table's directory. Run-wide keys (``jobs``, ``cache``) are read from the top-level table only,
the one for the common parent of the given paths. Flags on the command line win over every
table. Python 3.10 has no ``tomllib``: ``tomli`` is used when installed, otherwise the tables
are ignored with a warning.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goalgen.codemods import KINDS, STYLES
from goalgen.instrument.files import split_globs
from goalgen.instrument.options import OptionError, Options

TABLE = "[tool.goalgen.instrument]"


def parse_kinds(value: str | Sequence[str]) -> tuple[str, ...]:
    """``"api,bot"`` or ``["api", "bot"]`` -> ``("bot", "api")`` in report order, validated."""
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    wanted = [item.strip() for item in items if item.strip()]
    for kind in wanted:
        if kind not in KINDS:
            raise OptionError(f"unknown kind {kind!r} in select (choose from {', '.join(KINDS)})")
    if not wanted:
        raise OptionError("select names no kind")
    return tuple(kind for kind in KINDS if kind in wanted)


def _style(value: Any) -> str:
    if value not in STYLES:
        raise OptionError(f"must be one of {', '.join(STYLES)}, not {value!r}")
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise OptionError("must be a string or a list of strings")


def _kinds(value: Any) -> tuple[str, ...]:
    return parse_kinds(_strings(value))


def _globs(value: Any) -> tuple[str, ...]:
    return split_globs(_strings(value))


def _jobs(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError("must be a whole number of at least 1")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise OptionError("must be true or false")
    return value


@dataclass(frozen=True)
class Key:
    """One key of the table: how to check its TOML value, the ``Options`` field it sets, and
    whether it is run-wide (read from the top-level table only)."""

    check: Callable[[Any], Any]
    field: str
    run_wide: bool = False


# Key -> how it is read. The names are also the names of the command's click parameters, so a
# table's values go straight into click's default_map.
KEYS: dict[str, Key] = {
    "style": Key(_style, "style"),
    "select": Key(_kinds, "kinds"),
    "exclude": Key(_globs, "exclude"),
    "jobs": Key(_jobs, "jobs", run_wide=True),
    "cache": Key(_flag, "use_cache", run_wide=True),
    "gitignore": Key(_flag, "gitignore", run_wide=True),
}


def check_table(path: Path, table: Any) -> tuple[dict[str, Any], list[str]]:
    """The one validation of a table: checked values by key, and warnings (unknown keys).

    Raises ``OptionError`` naming the file and key for a bad value.
    """
    if not isinstance(table, dict):
        raise OptionError(f"{path}: {TABLE} must be a table")
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for raw_key, value in table.items():
        name = raw_key.replace("_", "-")
        key = KEYS.get(name)
        if key is None:
            warnings.append(f"{path}: unknown key {raw_key!r} in {TABLE}")
            continue
        try:
            values[name] = key.check(value)
        except OptionError as exc:
            raise OptionError(f"{path}: {TABLE} {name} {exc}") from None
    return values, warnings


@dataclass(frozen=True)
class ProjectConfig:
    """One pyproject.toml that has the table, with its checked values (only the keys set)."""

    path: Path
    values: dict[str, Any]

    @property
    def directory(self) -> Path:
        return self.path.parent


def load_toml_module():
    """``tomllib`` (3.11+), else ``tomli`` when installed, else ``None``."""
    try:
        import tomllib  # Python 3.11+

        return tomllib
    except ModuleNotFoundError:
        try:
            import tomli  # type: ignore[import-not-found]

            return tomli
        except ModuleNotFoundError:
            return None


def common_directory(paths: Sequence[Path]) -> Path:
    """The deepest directory holding all ``paths`` (resolved)."""
    dirs = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    return Path(os.path.commonpath([str(d) for d in dirs])) if dirs else Path.cwd().resolve()


class ProjectSettings:
    """The tables that apply to one run: ``top`` (for the common parent of the paths) and the
    nearest one above any directory (``config_for``, cached per directory)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.warnings: list[str] = []  # for the user; the caller prints and clears them
        self._by_directory: dict[Path, ProjectConfig | None] = {}
        self.top = self.config_for(common_directory(paths))

    def config_for(self, directory: Path) -> ProjectConfig | None:
        """The nearest table at or above ``directory`` (resolved), up to a repository root."""
        passed: list[Path] = []
        current = directory
        while True:
            if current in self._by_directory:
                found = self._by_directory[current]
                break
            passed.append(current)
            found = self._read(current / "pyproject.toml")
            if found is not None or (current / ".git").exists() or current.parent == current:
                break
            current = current.parent
        for seen in passed:
            self._by_directory[seen] = found
        return found

    def _read(self, path: Path) -> ProjectConfig | None:
        try:
            data = path.read_bytes()
        except OSError:  # no pyproject.toml here (or unreadable: nothing to go on)
            return None
        if b"goalgen" not in data:  # cannot hold the table; do not parse other projects' files
            return None
        toml = load_toml_module()
        if toml is None:
            self.warnings.append(
                f"{path}: cannot read {TABLE} on this Python without 'tomli'; "
                "ignoring it (pip install tomli)"
            )
            return None
        try:
            document = toml.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:  # TOMLDecodeError is a ValueError
            raise OptionError(f"{path}: cannot read: {exc}") from None
        table = document.get("tool", {}).get("goalgen", {}).get("instrument")
        if table is None:
            return None
        values, warnings = check_table(path, table)
        self.warnings.extend(warnings)
        return ProjectConfig(path, values)

    def options_for(self, run: Options, given: Collection[str]) -> Callable[[Path], Options]:
        """``directory -> Options`` for the files in it: ``run`` with the per-file keys (style,
        select, exclude) of the directory's nearest table, except those in ``given`` (set on
        the command line). Run-wide keys in a table other than ``top`` are warned about."""
        derived: dict[Path | None, Options] = {}

        def for_directory(directory: Path) -> Options:
            config = self.config_for(directory)
            key = config.path if config is not None else None
            if key not in derived:
                derived[key] = self._derive(run, config, given)
            return derived[key]

        return for_directory

    def _derive(
        self, run: Options, config: ProjectConfig | None, given: Collection[str]
    ) -> Options:
        values = config.values if config is not None else {}
        if config is not None and config != self.top:
            for name in values:
                if KEYS[name].run_wide:
                    where = (
                        self.top.path if self.top is not None else "the top-level pyproject.toml"
                    )
                    self.warnings.append(
                        f"{config.path}: {name} applies to the whole run; ignored here "
                        f"(set it in {where} or on the command line)"
                    )
        changes: dict[str, Any] = {}
        for name, key in KEYS.items():
            if not key.run_wide and name not in given:
                changes[key.field] = values.get(name, _DEFAULTS[key.field])
        if "exclude" in values and "exclude" not in given:
            changes["exclude_root"] = config.directory  # type: ignore[union-attr]
        return dataclasses.replace(run, **changes)


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Options)}
