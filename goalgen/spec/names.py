"""Turn names from a goal spec into Python identifiers and class names.

Spec names are free text (`flight-agent`, `FlightAgent`, `3d search`); generated code needs
module, function and class names. The mapping is deterministic so regenerating gives the same
files, and collisions are reported by the validator rather than silently renamed.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def to_identifier(name: str, prefix: str) -> str:
    """Return a snake_case identifier for ``name``; ``prefix`` fixes a leading digit.

    Returns an empty string when the name holds no letters or digits at all.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    snake = _CAMEL_BOUNDARY.sub("_", ascii_name).lower()
    ident = _NOT_WORD.sub("_", snake).strip("_")
    if not ident:
        return ""
    if ident[0].isdigit():
        ident = f"{prefix}_{ident}"
    if keyword.iskeyword(ident) or keyword.issoftkeyword(ident):
        ident = f"{ident}_"
    return ident


def to_class_name(identifier: str) -> str:
    """``flight_agent`` -> ``FlightAgent`` (the identifier is already valid)."""
    return "".join(part[:1].upper() + part[1:] for part in identifier.split("_") if part)


def env_placeholders(text: str) -> list[str]:
    """Names of the ``${VAR}`` placeholders in ``text``, in order, without repeats."""
    seen: list[str] = []
    for match in re.finditer(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text):
        if match.group(1) not in seen:
            seen.append(match.group(1))
    return seen
