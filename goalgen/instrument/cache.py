"""What the last runs learned about each file, so the next run reads, parses and plans only
what changed.

Per file (by absolute path) an :class:`Entry` keeps the file's ``(mtime_ns, size, sha256)``, its
module name, the project-index summary of that content (or why it could not be parsed), and per
set of options a :class:`Result`: whether the file would change, the targets found, and the
dependencies the answer read from the index (``m:<module>`` -> that module's summary
fingerprint, ``k:<kind>`` -> the fingerprint of every module's facts of that kind, ``names``
-> the prefilter's names). A result is reused only while every dependency still has the same
fingerprint, so an edit in one file re-checks only the files whose answers read it.

Before hashing, a stat shortcut: a file whose mtime and size are as recorded is not even
read. One cache file per tool version (its codemods' source included) lives under
``$GOALGEN_CACHE_DIR`` or ``~/.cache/goalgen``; it is a pickle (as black's), written atomically.
A broken or unreadable cache is treated as empty, never as an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_ENV = "GOALGEN_CACHE_DIR"
KEEP = 8  # cache files kept in the directory (one per tool version)
KEEP_RESULTS = 4  # results kept per file (one per set of options)
FORMAT = 3  # 3: the pickled classes moved under goalgen.codemods / goalgen.instrument


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "goalgen"


def _canonical(value: Any) -> Any:
    """A JSON-able form of ``value`` that is the same in every process (sets sorted etc.)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {  # private and compare=False fields are lazily filled caches, not facts
            f.name: _canonical(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.compare and not f.name.startswith("_")
        }
    if isinstance(value, dict):
        items = [(json.dumps(_canonical(k), sort_keys=True), _canonical(v)) for k, v in value.items()]
        return sorted(items)
    if isinstance(value, (set, frozenset)):
        return sorted(json.dumps(_canonical(v), sort_keys=True) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def fingerprint(*parts: Any) -> str:
    """A stable hex digest of any mix of strings, dataclasses and containers."""
    text = json.dumps(_canonical(list(parts)), sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Result:
    """A file's answer under one set of options, and what it read to get there."""

    changes: bool
    targets: list[Any]  # codemods.Target
    deps: dict[str, str]


@dataclass
class Entry:
    """What is known about one file's content."""

    mtime_ns: int
    size: int
    sha: str
    module: str
    is_package: bool
    summary: Any  # codemods.ModuleSummary, or None when the file could not be processed
    summary_fp: str = ""
    error: str = ""  # why it could not be processed (decoding, syntax)
    results: dict[str, Result] = field(default_factory=dict)

    def result(self, options_key: str) -> Result | None:
        return self.results.get(options_key)

    def keep(self, options_key: str, result: Result) -> None:
        self.results.pop(options_key, None)
        self.results[options_key] = result
        while len(self.results) > KEEP_RESULTS:
            self.results.pop(next(iter(self.results)))


class Cache:
    """``{absolute path: Entry}``, loaded at the start of a run and saved at its end."""

    def __init__(self, version: str, directory: Path | None = None) -> None:
        self.path = (directory or cache_dir()) / f"instrument-{version[:24]}.pickle"
        self.entries: dict[str, Entry] = {}
        self._dirty = False

    @classmethod
    def load(cls, version: str, directory: Path | None = None) -> Cache:
        cache = cls(version, directory)
        try:
            with cache.path.open("rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("format") == FORMAT:
                entries = data.get("entries")
                if isinstance(entries, dict):
                    cache.entries = entries
        except Exception:  # noqa: BLE001 - any unreadable cache is an empty one
            pass
        return cache

    def lookup(self, path: Path, stat: os.stat_result | None, data: bytes | None) -> Entry | None:
        """The entry for ``path`` if it still describes the file: same mtime and size (then
        ``data`` may be None: the file was not read), or same size and content hash."""
        entry = self.entries.get(str(path))
        if entry is None:
            return None
        if stat is not None and (stat.st_mtime_ns, stat.st_size) == (entry.mtime_ns, entry.size):
            return entry
        if data is not None and len(data) == entry.size and file_hash(data) == entry.sha:
            if stat is not None:  # touched, not changed: take the new mtime
                entry.mtime_ns = stat.st_mtime_ns
                self._dirty = True
            return entry
        return None

    def store(self, path: Path, entry: Entry) -> None:
        self.entries[str(path)] = entry
        self._dirty = True

    def touch(self) -> None:
        """Note that an entry was changed in place (a result added)."""
        self._dirty = True

    def forget_missing(self, seen: set[str], under: list[Path]) -> None:
        """Drop entries of files under the walked roots that no longer exist."""
        roots = tuple(str(p) + os.sep for p in under)
        for key in [k for k in self.entries if k.startswith(roots) and k not in seen]:
            del self.entries[key]
            self._dirty = True

    def save(self) -> None:
        """Write the cache atomically; silently give up if the directory is not writable."""
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".instrument-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(
                    {"format": FORMAT, "entries": self.entries},
                    handle,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            os.replace(tmp, self.path)
        except OSError:
            return
        self._dirty = False
        self._prune()

    def _prune(self) -> None:
        """Keep the newest ``KEEP`` cache files: every tool version starts a new one."""
        try:
            files = sorted(
                self.path.parent.glob("instrument-*"),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for old in [f for f in files if f != self.path][KEEP - 1 :]:
                old.unlink()
        except OSError:
            pass
