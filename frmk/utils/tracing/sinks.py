"""Where finished spans go: one JSON object per line to a stream or file, memory, or nowhere.

A sink never raises into the traced program: it drops spans it cannot write, counts them
(``dropped``) and warns once on stderr. A stream sink stops at its first failure; a file sink
queues lines in memory, writes them in whole lines from a daemon thread (twice a second, sooner
when many wait, and at exit), follows log rotation, and resumes after a full disk is freed.
"""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections import deque
from typing import Any, TextIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; appends are still whole lines
    fcntl = None  # type: ignore[assignment]

FLUSH_INTERVAL_S = 0.5
FLUSH_LINES = 256
DEFAULT_FILE_MODE = 0o600  # spans can carry user data; TRACING_FILE_MODE changes it


def _warn(text: str) -> None:
    """One line on the real stderr; never raises."""
    try:
        sys.__stderr__.write(f"frmk.tracing: {text}\n")
    except Exception:
        pass


class Sink:
    """Interface: ``write_line`` takes one encoded JSON line (with newline)."""

    written = 0
    dropped = 0
    wants_records = False  # True when the sink wants the record dict instead of a JSON line
    discards = False  # True when the sink drops everything: spans then build no line at all

    def write_line(self, line: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def write_record(self, record: dict[str, Any]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.flush()


class NullSink(Sink):
    """Drops everything (``TRACING_OUTPUT=none``); spans see ``discards`` and build nothing."""

    discards = True

    def write_line(self, line: str) -> None:
        pass


class MemorySink(Sink):
    """Keeps record dicts in ``records``: for tests and for reading spans back in-process."""

    wants_records = True

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def write_record(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.written += 1

    def write_line(self, line: str) -> None:  # pragma: no cover - records are preferred
        import json

        self.write_record(json.loads(line))

    def clear(self) -> None:
        self.records.clear()


class _FailingMixin:
    """One warning on the first failure, then drop and count."""

    failed = False
    dropped = 0

    def _fail(self, exc: BaseException, lost: int) -> None:
        self.dropped += lost
        if not self.failed:
            self.failed = True
            _warn(f"span output failed ({type(exc).__name__}: {exc}); further spans are dropped")


class StreamSink(_FailingMixin, Sink):
    """Writes each line straight to a text stream (stderr/stdout are line-oriented anyway).

    Given ``"stdout"`` or ``"stderr"``, the stream is looked up in ``sys`` on every write, so a
    stream swapped later (pytest's capture, a redirect) is followed and never outlived.
    """

    def __init__(self, stream: TextIO | str) -> None:
        self.stream = stream

    def _target(self) -> TextIO:
        stream = self.stream
        return getattr(sys, stream) if isinstance(stream, str) else stream

    def write_line(self, line: str) -> None:
        if self.failed:
            self.dropped += 1
            return
        try:
            self._target().write(line)
            self.written += 1
        except Exception as exc:  # closed stream, broken pipe, ...
            self._fail(exc, 1)

    def flush(self) -> None:
        if self.failed or not self.written:
            return
        try:
            self._target().flush()
        except Exception as exc:
            self._fail(exc, 0)


class FileSink(Sink):
    """Appends lines to a file: queued in memory, written in whole lines by a flush thread.

    ``write_line`` only appends to a ``deque`` (atomic, no lock) and wakes the flush thread when
    ``FLUSH_LINES`` are waiting, so the traced thread never touches the disk. Each flush takes
    what is queued, reopens the file if the path no longer names it (renamed or deleted by log
    rotation) or ``reopen`` was asked, and appends the lines with one ``os.write`` on an
    ``O_APPEND`` descriptor while holding an advisory ``flock``, so that a write cut short by a
    full disk can be repaired before another frmk writer appends (see ``_append``). A failed
    flush drops its lines and counts them; the next flush tries again.
    """

    def __init__(self, path: str, mode: int = DEFAULT_FILE_MODE) -> None:
        self.path = path
        self.mode = mode
        self.written = 0
        self.dropped = 0
        self._fd: int | None = None
        self._ident: tuple[int, int] = (0, 0)  # (st_dev, st_ino) of the open file
        self._reopen_asked = False
        self._outage = False
        self._closed = False
        self._init_threading()

    def _init_threading(self) -> None:
        self._queue: deque[str] = deque()
        self._lock = threading.Lock()  # serialises flushes; write_line never takes it
        self._wake = threading.Event()
        self._flusher: threading.Thread | None = None

    def write_line(self, line: str) -> None:
        queue = self._queue
        queue.append(line)
        if len(queue) >= FLUSH_LINES and not self._wake.is_set():
            self._wake.set()
        if self._flusher is None:
            self._start_flusher()

    def reopen(self) -> None:
        """Open the path afresh at the next flush (for a SIGHUP handler after log rotation).

        Only sets a flag, so it is safe to call from a signal handler.
        """
        self._reopen_asked = True

    def _start_flusher(self) -> None:
        with self._lock:
            if self._flusher is not None:
                return
            thread = threading.Thread(target=self._flush_loop, name="frmk-trace-flush", daemon=True)
            self._flusher = thread
        thread.start()

    def _flush_loop(self) -> None:
        while not self._closed:
            self._wake.wait(FLUSH_INTERVAL_S)
            self._wake.clear()
            self.flush()

    def flush(self) -> None:
        with self._lock:
            queue = self._queue
            lines = [queue.popleft() for _ in range(len(queue))]
            if not lines:
                return
            data = b""
            try:
                data = "".join(lines).encode("utf-8", "replace")
                kept, error = _append(self._current_fd(), data)
            except Exception as exc:  # unwritable path, ...
                kept, error = 0, exc
            written = data.count(b"\n", 0, kept)
            self.written += written
            if error is None:
                self._recovered()
            else:
                self._close_fd()  # reopened at the next flush, which may find a new file
                self._failed(error, len(lines) - written)

    def _current_fd(self) -> int:
        """The open descriptor, after reopening it if asked or if the path names another file."""
        asked, self._reopen_asked = self._reopen_asked, False
        if self._fd is not None and (asked or not self._path_names_open_file()):
            self._close_fd()
        if self._fd is None:
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, self.mode)
            st = os.fstat(fd)
            self._fd, self._ident = fd, (st.st_dev, st.st_ino)
        return self._fd

    def _path_names_open_file(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._ident

    def _failed(self, exc: Exception, lost: int) -> None:
        self.dropped += lost
        if not self._outage:
            self._outage = True
            _warn(f"span output failed ({type(exc).__name__}: {exc}) for {self.path}; "
                  "spans are dropped until writing works again")

    def _recovered(self) -> None:
        if self._outage:
            self._outage = False
            _warn(f"span output resumed to {self.path} ({self.dropped} spans dropped so far)")

    def _close_fd(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self.flush()
        with self._lock:
            self._close_fd()

    def after_fork(self) -> None:
        """In a forked child: drop the parent's queue and thread; open the file afresh.

        The inherited descriptor is closed because a ``flock`` belongs to the open file, which
        parent and child would share, and then it would not keep them apart.
        """
        self._init_threading()
        self._close_fd()


def _append(fd: int, data: bytes) -> tuple[int, Exception | None]:
    """Append ``data`` (whole lines) to ``fd``; return how many of its bytes stay in the file,
    and the error that stopped the write (None when all of it was written).

    The bytes that stay always end at a line end, so the file never ends in a partial line
    another writer would continue. A short write (a full disk) is retried; if the rest cannot be
    written, the partial last line is cut off again with ``ftruncate``. That is safe because
    every frmk writer appends while holding an exclusive ``flock`` on the file, and the cut is
    made only if the file still ends where this write ended. If even the cut fails, a newline
    is tried so the next writer starts a fresh line. Lines cut or left partial count as dropped.
    """
    locked = _lock(fd, fcntl.LOCK_EX) if fcntl else False
    try:
        done = 0
        error: Exception | None = None
        view = memoryview(data)
        while done < len(data):
            try:
                n = os.write(fd, view[done:])
            except OSError as exc:
                error = exc
                break
            if n == 0:  # cannot happen for regular files; never loop forever
                error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                break
            done += n
        partial = done - (data.rfind(b"\n", 0, done) + 1)
        if partial and not _cut(fd, partial):
            try:
                os.write(fd, b"\n")
            except OSError:
                pass
        return done - partial, error
    finally:
        if locked:
            _lock(fd, fcntl.LOCK_UN)


def _cut(fd: int, partial: int) -> bool:
    """Remove the last ``partial`` bytes this process wrote, if nothing was appended after them."""
    try:
        end = os.lseek(fd, 0, os.SEEK_CUR)  # after an O_APPEND write: where that write ended
        if os.fstat(fd).st_size != end:
            return False
        os.ftruncate(fd, end - partial)
        return True
    except OSError:
        return False


def _lock(fd: int, operation: int) -> bool:
    try:
        fcntl.flock(fd, operation)
        return True
    except OSError:  # a filesystem without flock: append unlocked
        return False
