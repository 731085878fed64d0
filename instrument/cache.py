"""Remember files that need no change, so the next run skips their LibCST rewrite.

One rule keeps it correct: an entry says "this file, with this (mtime, size, sha256), needed no
change under these options and this project-index fingerprint". The cache file name is a hash of
the tool version, the run's options that shape the output, and the index fingerprint, so any
change to those starts a fresh cache; each entry also records the file's own options (a nested
project's pyproject.toml may set them), so editing those redoes its files. Files live under ``$GOALGEN_CACHE_DIR`` or ``~/.cache/goalgen`` and
are written atomically. A broken or unreadable cache is treated as empty, never as an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

CACHE_ENV = "GOALGEN_CACHE_DIR"
KEEP = 32  # cache files kept in the directory (one per options + index fingerprint)


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "goalgen"


def _canonical(value: Any, ignore: tuple[str, ...] = ()) -> Any:
    """A JSON-able form of ``value`` that is the same in every process (sets sorted etc.).

    Strings starting with one of the ``ignore`` prefixes (as dict values or set/list items)
    are left out, with their dict keys.
    """

    def keep(item: Any) -> bool:
        return not (ignore and isinstance(item, str) and item.startswith(ignore))

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {  # private and compare=False fields are lazily filled caches, not facts
            f.name: _canonical(getattr(value, f.name), ignore)
            for f in dataclasses.fields(value)
            if f.compare and not f.name.startswith("_")
        }
    if isinstance(value, dict):
        items = [
            (json.dumps(_canonical(k, ignore), sort_keys=True), _canonical(v, ignore))
            for k, v in value.items()
            if keep(v)
        ]
        return sorted(items)
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_canonical(v, ignore), sort_keys=True) for v in value if keep(v))
    if isinstance(value, (list, tuple)):
        return [_canonical(v, ignore) for v in value if keep(v)]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "__dict__"):
        return [type(value).__qualname__, _canonical(vars(value), ignore)]
    return repr(value)


def fingerprint(*parts: Any, ignore: tuple[str, ...] = ()) -> str:
    """A stable hex digest of any mix of strings, dataclasses and containers (see
    ``_canonical`` for ``ignore``)."""
    text = json.dumps(_canonical(list(parts), ignore), sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Cache:
    """``{absolute path: [mtime_ns, size, sha256, options]}`` for files known to need no change,
    ``options`` being the file's ``Options.cache_key_parts()``."""

    def __init__(self, key: str, directory: Path | None = None) -> None:
        self.path = (directory or cache_dir()) / f"instrument-{key[:32]}.json"
        self.entries: dict[str, list[Any]] = {}
        self._dirty = False

    @classmethod
    def load(cls, key: str, directory: Path | None = None) -> Cache:
        cache = cls(key, directory)
        try:
            data = json.loads(cache.path.read_text("utf-8"))
            if isinstance(data, dict):
                cache.entries = {
                    k: v for k, v in data.items() if isinstance(v, list) and len(v) == 4
                }
        except (OSError, ValueError):
            pass
        return cache

    def is_unchanged(self, path: Path, data: bytes, options: Sequence[str]) -> bool:
        """True when ``path`` (holding ``data``) is recorded as needing no change under
        ``options``."""
        entry = self.entries.get(str(path))
        if entry is None or len(data) != entry[1] or entry[3] != list(options):
            return False
        # The content is in memory already and hashing it costs far less than a rewrite, so
        # the hash decides; mtime alone would miss an edit within the clock's resolution.
        return file_hash(data) == entry[2]

    def mark_unchanged(self, files: Iterable[tuple[Path, Sequence[str]]]) -> None:
        """Record each ``(path, options)`` as needing no change, as the file is now."""
        for path, options in files:
            try:
                st = path.stat()
                digest = file_hash(path.read_bytes())
            except OSError:
                continue
            self.entries[str(path)] = [st.st_mtime_ns, st.st_size, digest, list(options)]
            self._dirty = True

    def forget(self, path: Path) -> None:
        if self.entries.pop(str(path), None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the cache atomically; silently give up if the directory is not writable."""
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".instrument-", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle)
            os.replace(tmp, self.path)
        except OSError:
            return
        self._dirty = False
        self._prune()

    def _prune(self) -> None:
        """Keep the newest ``KEEP`` cache files: every index change starts a new one."""
        try:
            files = sorted(
                self.path.parent.glob("instrument-*.json"),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for old in [f for f in files if f != self.path][KEEP - 1 :]:
                old.unlink()
        except OSError:
            pass
