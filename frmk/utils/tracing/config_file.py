"""Tracing settings from a file: ``TRACING_CONFIG`` or ``[tool.goalgen.tracing]`` in pyproject.toml.

A service can keep its tracing settings beside its code instead of in its environment. The file
gives values for the same settings the environment variables do, under short keys; ``config``
asks the environment first, so a variable that is set always wins over the file.

Where the file is: ``TRACING_CONFIG`` names a TOML or JSON file (by its ``.json`` suffix; anything
else is read as TOML) whose top level holds the keys. Without it, the nearest ``pyproject.toml``
with a ``[tool.goalgen.tracing]`` table, from the working directory upward, stopping at the
repository root (the directory holding ``.git``). A ``pyproject.toml`` without the table does not
hide one further up. Read once per ``configure()``, never on the span path.

A file that cannot be read or parsed, an unknown key, or a value of the wrong type warns and is
left out; this module never raises into the program. TOML needs ``tomllib`` (3.11+) or ``tomli``;
on 3.10 without ``tomli`` a TOML settings file is skipped with a warning.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

ENV_FOR_KEY = {
    "enabled": "TRACING_ENABLED",
    "output": "TRACING_OUTPUT",
    "sample_rate": "TRACE_SAMPLE_RATE",
    "service_name": "TRACING_SERVICE_NAME",
    "record_content": "TRACING_RECORD_CONTENT",
    "file_mode": "TRACING_FILE_MODE",
}
"""File key -> the environment variable it stands in for."""

_TYPES: dict[str, tuple[type, ...]] = {
    "enabled": (bool, str),
    "output": (str,),
    "sample_rate": (int, float, str),
    "service_name": (str,),
    "record_content": (bool, str),
    "file_mode": (int, str),
}
_TABLE = ("tool", "goalgen", "tracing")


def file_settings(start: Path | None = None) -> dict[str, tuple[str, str]]:
    """Values from the settings file, as ``{ENV_NAME: (text, label)}``; empty when there is none.

    ``text`` is the value written as the environment variable would hold it (``true``, ``0.25``,
    ``0600``); ``label`` names the file and key for a warning about the value.
    """
    try:
        found = _find(start)
        if found is None:
            return {}
        path, table = found
        return _values(path, table)
    except Exception as exc:  # a settings file must never stop the program
        _warn(f"tracing settings file not read ({type(exc).__name__}: {exc})")
        return {}


def _find(start: Path | None) -> tuple[Path, Any] | None:
    named = os.environ.get("TRACING_CONFIG", "").strip()
    if named:
        path = Path(os.path.expanduser(named))
        document = _load(path)
        return None if document is None else (path, document)
    current = (start or Path.cwd()).resolve()
    while True:
        candidate = current / "pyproject.toml"
        if candidate.is_file():
            table = _pyproject_table(candidate)
            if table is not None:
                return candidate, table
        if (current / ".git").exists() or current.parent == current:
            return None
        current = current.parent


def _pyproject_table(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "goalgen" not in text:  # spare most programs the TOML parser
        return None
    document = _parse_toml(path, text)
    for name in _TABLE:
        if not isinstance(document, dict):
            return None
        document = document.get(name)
    return document


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _warn(f"TRACING_CONFIG={str(path)!r} cannot be read ({exc.__class__.__name__}); ignored")
        return None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            _warn(f"{path}: not valid JSON ({exc}); ignored")
            return None
    return _parse_toml(path, text)


def _parse_toml(path: Path, text: str) -> Any:
    try:
        import tomllib as toml
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as toml
        except ModuleNotFoundError:
            _warn(f"{path}: reading TOML needs Python 3.11+ or tomli; tracing settings skipped")
            return None
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        _warn(f"{path}: not valid TOML ({exc}); ignored")
        return None


def _values(path: Path, table: Any) -> dict[str, tuple[str, str]]:
    if not isinstance(table, dict):
        _warn(f"{path}: tracing settings must be a table of keys; ignored")
        return {}
    values: dict[str, tuple[str, str]] = {}
    for key, value in table.items():
        label = f"{path}: {key}"
        if key not in ENV_FOR_KEY:
            _warn(f"{label} is not a tracing setting (known: {', '.join(ENV_FOR_KEY)}); ignored")
        elif not isinstance(value, _TYPES[key]) or (isinstance(value, bool)
                                                     and bool not in _TYPES[key]):
            _warn(f"{label} = {value!r} has the wrong type; ignored")
        else:
            values[ENV_FOR_KEY[key]] = (_as_text(key, value), label)
    return values


def _as_text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "file_mode" and isinstance(value, int):
        return format(value, "o")  # TOML 0o640 / JSON 416: the mode itself
    return str(value)


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=4)
