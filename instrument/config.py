"""``[tool.goalgen.instrument]`` from the target project's pyproject.toml.

The nearest pyproject.toml at or above the common parent of the given paths is read. Keys:
``style``, ``select``, ``exclude``, ``jobs``, ``cache``, ``gitignore``. Flags on the command line win. Python
3.10 has no ``tomllib``: ``tomli`` is used when installed, otherwise the file is ignored with a
warning.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codemods.base import STYLES
from instrument.options import OptionError

KNOWN_KEYS = ("style", "select", "exclude", "jobs", "cache", "gitignore")


@dataclass
class ProjectSettings:
    """Values found in pyproject.toml (only the keys that were set) and where they came from."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


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


def find_pyproject(paths: Sequence[Path]) -> Path | None:
    """The nearest pyproject.toml at or above the deepest directory holding all ``paths``."""
    dirs = [p.resolve() if p.is_dir() else p.resolve().parent for p in paths]
    if not dirs:
        return None
    common = Path(os.path.commonpath([str(d) for d in dirs]))
    for directory in (common, *common.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(paths: Sequence[Path]) -> ProjectSettings:
    """Read and check ``[tool.goalgen.instrument]``; raise ``OptionError`` on a bad value."""
    path = find_pyproject(paths)
    settings = ProjectSettings(path=path)
    if path is None:
        return settings
    toml = load_toml_module()
    if toml is None:
        settings.warnings.append(
            f"{path}: cannot read [tool.goalgen.instrument] on this Python without 'tomli'; "
            "ignoring it (pip install tomli)"
        )
        return settings
    try:
        with path.open("rb") as handle:
            data = toml.load(handle)
    except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise OptionError(f"{path}: cannot read: {exc}") from None
    section = data.get("tool", {}).get("goalgen", {}).get("instrument", {})
    if not isinstance(section, dict):
        raise OptionError(f"{path}: [tool.goalgen.instrument] must be a table")
    for key, value in section.items():
        name = key.replace("_", "-")
        if name not in KNOWN_KEYS:
            settings.warnings.append(f"{path}: unknown key {key!r} in [tool.goalgen.instrument]")
            continue
        settings.values[name] = _check_value(path, name, value)
    return settings


def _check_value(path: Path, key: str, value: Any) -> Any:
    def bad(expected: str) -> OptionError:
        return OptionError(f"{path}: [tool.goalgen.instrument] {key} must be {expected}")

    if key == "style":
        if value not in STYLES:
            raise bad(f"one of {', '.join(STYLES)}, not {value!r}")
        return value
    if key in ("select", "exclude"):
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise bad("a string or a list of strings")
    if key == "jobs":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise bad("a whole number of at least 1")
        return value
    if not isinstance(value, bool):  # cache, gitignore
        raise bad("true or false")
    return value
