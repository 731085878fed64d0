""".gitignore rules for the file walker, with git's precedence, compiled by ``pathspec``.

A ``.gitignore`` speaks for its own directory and everything below it; where several have a say
about a path, the deepest one wins (so a nested ``!keep.py`` re-includes what a parent ignored).
The ``.gitignore`` files between the repository root (the nearest directory above holding
``.git``, a directory or a worktree's file) and a walked directory apply inside it too. Outside a
repository only the walked tree's own ``.gitignore`` files count, as black and ruff do.
``.git/info/exclude`` and the global excludes file are not read.
"""

from __future__ import annotations

import os
from pathlib import Path

from pathspec import GitIgnoreSpec

# The .gitignore files in force in one directory, shallowest first: (directory + os.sep, rules).
Layers = tuple[tuple[str, GitIgnoreSpec], ...]


def repository_root(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` (absolute) that holds ``.git``."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def is_ignored(layers: Layers, path: str, is_dir: bool) -> bool:
    """True when the deepest ``.gitignore`` with a matching pattern ignores ``path`` (absolute)."""
    for base, spec in reversed(layers):
        relative = path[len(base) :] + ("/" if is_dir else "")
        include = spec.check_file(relative).include
        if include is not None:
            return include
    return False


class GitIgnores:
    """Reads and compiles each ``.gitignore`` once during one walk."""

    def __init__(self) -> None:
        self._compiled: dict[str, GitIgnoreSpec | None] = {}

    def _spec(self, directory: str) -> GitIgnoreSpec | None:
        if directory not in self._compiled:
            try:
                with open(os.path.join(directory, ".gitignore"), encoding="utf-8") as handle:
                    lines = handle.read().splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            self._compiled[directory] = GitIgnoreSpec.from_lines(lines) if lines else None
        return self._compiled[directory]

    def enter(self, layers: Layers, directory: str) -> Layers:
        """The layers in force inside ``directory``: its parent's plus its own ``.gitignore``."""
        spec = self._spec(directory)
        return (*layers, (os.path.join(directory, ""), spec)) if spec is not None else layers

    def above(self, directory: Path) -> Layers:
        """The layers from the repository root down to the parent of ``directory``.

        A directory named on the command line is walked even when those rules ignore it (like a
        named file): the rules above an ignored directory on the way down are dropped, and only
        the ``.gitignore`` files below it count.
        """
        root = repository_root(directory)
        if root is None or root == directory:
            return ()
        layers: Layers = ()
        for parent in reversed(directory.relative_to(root).parents):  # ".", "a", "a/b", ...
            path = str(root / parent)
            if is_ignored(layers, path, is_dir=True):
                layers = ()
            layers = self.enter(layers, path)
        return () if is_ignored(layers, str(directory), is_dir=True) else layers
