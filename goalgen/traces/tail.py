"""Follow files as they grow, like ``tail -F``: whole lines only, across rotation and truncation.

``FollowedFile.read`` is called on every poll and returns the complete lines written since the
last call. It copes with what happens to a span file while a process writes it:

- the path does not exist yet (or is gone after a rename): it is tried again on every read;
- rotation by rename (``FileSink`` and logrotate move the file, then a new one appears at the
  path): the path names another file (device and inode differ), so the new file is read from its
  start, while the old one stays open and is read until it has not grown for ``ROTATED_LINGER_S``
  (a writer may append to it once more before it notices the rename);
- truncation (``: > FILE``, copytruncate): the file is shorter than what was read, so it is read
  again from its start. (A file truncated and written past the old size between two reads
  cannot be told from one that grew; ``tail`` has the same blind spot.)
- a partial last line is kept until its end of line arrives; a line over
  ``json_lines.MAX_LINE_BYTES`` is held only up to that size (``decode_line`` then rejects it).

Nothing here blocks: each read does a ``stat`` per file and reads at most ``READ_BUDGET`` bytes
of each, so an idle file costs two system calls a poll.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from goalgen.traces.json_lines import MAX_LINE_BYTES

CHUNK_BYTES = 1 << 20
READ_BUDGET = 16 << 20  # per file and read: a large backlog is taken in slices between polls
ROTATED_LINGER_S = 2.0
_KEPT = MAX_LINE_BYTES + 1  # bytes of one line held; anything longer is rejected as too long


@dataclass(frozen=True)
class Line:
    """One complete line (end of line kept), where it came from, and whether it is its file's
    first (which may start with a byte order mark)."""

    raw: bytes
    source: str  # "path:line"
    first: bool


@dataclass
class _Open:
    """One open file being read: where reading is, and the start of a line not yet ended."""

    fd: int
    ident: tuple[int, int]  # (st_dev, st_ino)
    offset: int = 0
    number: int = 0  # lines returned so far
    partial: bytearray = field(default_factory=bytearray)
    last_growth: float = 0.0


class FollowedFile:
    """One path followed across rotation and truncation; ``notices`` collects what happened to
    it (appeared, rotated, truncated, unreadable), for the caller to show and clear."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.notices: list[str] = []
        self._current: _Open | None = None
        self._rotated: list[_Open] = []
        self._problem = ""  # the last reason the path could not be opened, told once
        self._waiting = False  # told that the path does not exist yet
        self.behind = False  # the last read stopped at READ_BUDGET: more is waiting

    def read(self, now: float) -> list[Line]:
        """Every complete line written since the last read (up to ``READ_BUDGET`` bytes of
        each open file); ``now`` is a monotonic clock reading."""
        self.behind = False
        self._follow_path(now)
        lines: list[Line] = []
        for old in list(self._rotated):
            lines += self._drain(old, now)
            if now - old.last_growth >= ROTATED_LINGER_S:
                lines += self._rest(old)
                self._rotated.remove(old)
                _close(old)
        if self._current is not None:
            lines += self._drain(self._current, now)
        return lines

    def close(self) -> None:
        for handle in [*self._rotated, *([self._current] if self._current else [])]:
            _close(handle)
        self._rotated, self._current = [], None

    def _follow_path(self, now: float) -> None:
        """Open the path when it (newly) names a file; notice rotation and truncation."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:  # not there yet, or renamed away: keep reading what is open
            if self._current is None and not self._waiting:
                self._waiting = True
                self.notices.append(f"waiting for {self.path} to appear")
            return
        except OSError as exc:
            self._tell_problem(exc.strerror or str(exc))
            return
        current = self._current
        if current is not None and (st.st_dev, st.st_ino) != current.ident:
            current.last_growth = now
            self._rotated.append(current)
            self._current = current = None
            self.notices.append(f"{self.path} was replaced (rotated): reading the new file")
        if current is None:
            self._open(st, now)
        elif st.st_size < current.offset:
            os.lseek(current.fd, 0, os.SEEK_SET)
            current.offset, current.number = 0, 0
            current.partial.clear()
            self.notices.append(f"{self.path} was truncated: reading it from the start")

    def _open(self, st: os.stat_result, now: float) -> None:
        if stat.S_ISDIR(st.st_mode):
            self._tell_problem("is a directory")
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            self._tell_problem(exc.strerror or str(exc))
            return
        opened = os.fstat(fd)
        self._current = _Open(fd, (opened.st_dev, opened.st_ino), last_growth=now)
        if self._problem or self._waiting:
            self.notices.append(f"reading {self.path}")
        self._problem, self._waiting = "", False

    def _tell_problem(self, reason: str) -> None:
        if reason != self._problem:
            self._problem = reason
            self.notices.append(f"cannot read {self.path}: {reason} (trying again)")

    def _drain(self, handle: _Open, now: float) -> list[Line]:
        lines: list[Line] = []
        budget = READ_BUDGET
        while budget > 0:
            try:
                data = os.read(handle.fd, min(CHUNK_BYTES, budget))
            except BlockingIOError:  # a FIFO with nothing waiting
                break
            except OSError as exc:
                self._tell_problem(exc.strerror or str(exc))
                break
            if not data:
                break
            handle.offset += len(data)
            handle.last_growth = now
            budget -= len(data)
            lines += self._split(handle, data)
        if budget <= 0:
            self.behind = True
        return lines

    def _split(self, handle: _Open, data: bytes) -> list[Line]:
        lines = []
        start = 0
        partial = handle.partial
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                partial += data[start:]
                del partial[_KEPT:]
                return lines
            partial += data[start:end]
            del partial[_KEPT:]
            lines.append(self._line(handle, bytes(partial) + b"\n"))
            partial.clear()
            start = end + 1

    def _rest(self, handle: _Open) -> list[Line]:
        """A rotated file's unended last line, once nothing more will be written to it."""
        if not handle.partial.strip():
            return []
        line = self._line(handle, bytes(handle.partial))
        handle.partial.clear()
        return [line]

    def _line(self, handle: _Open, raw: bytes) -> Line:
        handle.number += 1
        return Line(raw, f"{self.path}:{handle.number}", handle.number == 1)


def _close(handle: _Open) -> None:
    try:
        os.close(handle.fd)
    except OSError:
        pass
