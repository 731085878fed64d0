"""One ``Report`` per run: what happened to each file, and the exit status that follows.

Like black's report, ``return_code`` is 123 when any file could not be processed, 1 under
``--check`` when any file would change, and 0 otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from goalgen.codemods import KINDS
from goalgen.codemods.base import Target
from goalgen.instrument.files import SkippedPath
from goalgen.instrument.options import Mode

CHANGED = "changed"  # changed, or would change under --check / --dry-run
UNCHANGED = "unchanged"
FAILED = "failed"


def is_noted(target: Target) -> bool:
    """A target traced (or to be) whose reason is a note for the user, not why it was skipped."""
    return bool(target.reason) and target.action in ("added", "present")


@dataclass
class FileResult:
    """The outcome for one file."""

    path: str  # display path, relative to the working directory
    status: str  # CHANGED | UNCHANGED | FAILED
    targets: list[Target] = field(default_factory=list)
    reason: str = ""  # why it failed
    cached: bool = False  # unchanged according to the cache, not rewritten this time
    diff: bytes = b""  # the patch, under --dry-run

    @property
    def changed_targets(self) -> list[Target]:
        return [t for t in self.targets if t.action in ("added", "removed")]


@dataclass
class Report:
    mode: Mode
    remove: bool = False
    files: list[FileResult] = field(default_factory=list)
    skipped: list[SkippedPath] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.files.append(result)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == CHANGED]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == FAILED]

    @property
    def return_code(self) -> int:
        if self.failed:
            return 123
        if self.mode is Mode.CHECK and self.changed:
            return 1
        return 0

    def target_counts(self, action: str | None = None) -> dict[str, int]:
        """Targets per kind, in KINDS order; ``action=None`` counts the ones that change."""
        counter: Counter[str] = Counter()
        for result in self.files:
            for target in result.targets:
                if (target.action == action) if action else target.action in ("added", "removed"):
                    counter[target.kind] += 1
        return {kind: counter[kind] for kind in KINDS if counter[kind]}

    def noted_counts(self) -> dict[str, int]:
        """Traced targets that carry a note (e.g. a span name with a part not known statically)."""
        counter = Counter(t.kind for result in self.files for t in result.targets if is_noted(t))
        return {kind: counter[kind] for kind in KINDS if counter[kind]}

    @property
    def verb(self) -> str:
        """The words for a changed file: "instrumented", "would instrument", "would remove..."."""
        if self.mode is Mode.WRITE:
            return "removed tracing from" if self.remove else "instrumented"
        return "would remove tracing from" if self.remove else "would instrument"

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable report printed by ``--format json``."""
        return {
            "mode": self.mode.value,
            "remove": self.remove,
            "return_code": self.return_code,
            "summary": {
                "files_scanned": len(self.files),
                "files_changed": len(self.changed),
                "files_failed": len(self.failed),
                "files_cached": sum(1 for f in self.files if f.cached),
                "targets": self.target_counts(),
                "present": self.target_counts("present"),
                "skipped_targets": self.target_counts("skipped"),
                "noted_targets": self.noted_counts(),
            },
            "files": [
                {
                    "path": f.path,
                    "status": f.status,
                    "reason": f.reason,
                    "cached": f.cached,
                    "targets": [
                        {
                            "kind": t.kind,
                            "name": t.name,
                            "span": t.span,
                            "line": t.line,
                            "action": t.action,
                            "reason": t.reason,
                        }
                        for t in f.targets
                    ],
                    **({"diff": f.diff.decode("utf-8", "replace")} if f.diff else {}),
                }
                for f in self.files
            ],
            "skipped_paths": [{"path": s.display, "reason": s.reason} for s in self.skipped],
        }
