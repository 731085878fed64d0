"""The settings of one ``instrument`` run, resolved from flags and pyproject.toml."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field

from codemods import KINDS, STYLES


class Mode(enum.Enum):
    """What happens to a file that would change (like black's ``WriteBack``)."""

    WRITE = "write"
    DIFF = "diff"  # --dry-run: print a patch, write nothing
    CHECK = "check"  # --check: list targets, exit 1 when there is work, write nothing

    @classmethod
    def from_flags(cls, *, dry_run: bool, check: bool) -> Mode:
        if check:
            return cls.CHECK
        if dry_run:
            return cls.DIFF
        return cls.WRITE


class OptionError(ValueError):
    """A bad setting value; the message is one line for the user."""


@dataclass(frozen=True)
class Options:
    mode: Mode = Mode.WRITE
    remove: bool = False
    style: str = "auto"
    kinds: tuple[str, ...] = KINDS
    exclude: tuple[str, ...] = ()
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    use_cache: bool = True
    gitignore: bool = True  # skip what the project's .gitignore files ignore
    diff: bool = False  # build a patch per changed file (--dry-run, also with --check)

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise OptionError(f"unknown style {self.style!r} (choose from {', '.join(STYLES)})")
        unknown = [kind for kind in self.kinds if kind not in KINDS]
        if unknown:
            raise OptionError(
                f"unknown kind {unknown[0]!r} in select (choose from {', '.join(KINDS)})"
            )
        if not self.kinds:
            raise OptionError("select names no kind")
        if self.jobs < 1:
            raise OptionError(f"jobs must be at least 1, not {self.jobs}")

    @property
    def writes(self) -> bool:
        return self.mode is Mode.WRITE

    def cache_key_parts(self) -> tuple[str, ...]:
        """Everything about these options that changes what a file turns into."""
        return ("remove" if self.remove else "add", self.style, ",".join(sorted(self.kinds)))


def parse_kinds(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """``"api,bot"`` or ``["api", "bot"]`` -> ``("bot", "api")`` in report order, validated."""
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    wanted = [item.strip() for item in items if item.strip()]
    for kind in wanted:
        if kind not in KINDS:
            raise OptionError(f"unknown kind {kind!r} in select (choose from {', '.join(KINDS)})")
    return tuple(kind for kind in KINDS if kind in wanted)
