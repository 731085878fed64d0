"""The settings of one ``instrument`` run, as plain values.

Values are checked where they come in -- click's parameter types for flags, and
``goalgen.instrument.config.check_table`` for pyproject.toml -- so ``Options`` holds them unchecked.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path

from goalgen.codemods import KINDS


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
    """Run-wide fields (mode, remove, jobs, use_cache, diff, gitignore) and per-file fields
    (style, kinds, exclude, exclude_root), which a nested project's pyproject.toml may change
    for its files."""

    mode: Mode = Mode.WRITE
    remove: bool = False
    style: str = "auto"
    kinds: tuple[str, ...] = KINDS
    exclude: tuple[str, ...] = ()
    # The directory ``exclude`` globs are relative to (a pyproject.toml's); None: the given
    # PATH or the working directory (globs from the command line).
    exclude_root: Path | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    use_cache: bool = True
    diff: bool = False  # build a patch per changed file (--dry-run, also with --check)
    gitignore: bool = True  # skip what the project's .gitignore files ignore

    @property
    def writes(self) -> bool:
        return self.mode is Mode.WRITE

    def cache_key_parts(self) -> tuple[str, ...]:
        """Everything about these options that changes what a file turns into."""
        return ("remove" if self.remove else "add", self.style, ",".join(sorted(self.kinds)))
