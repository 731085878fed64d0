"""Where finished spans go: one JSON object per line to a stream or file, memory, or nowhere.

A sink never raises into the traced program. On the first failure it warns once on stderr,
then drops spans and counts them (``dropped``). File output is buffered in memory and written
in whole lines, so the program does not wait on the disk and several processes can append to
one file without tearing lines; a daemon thread flushes twice a second and ``atexit`` flushes
the rest.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, TextIO

FLUSH_INTERVAL_S = 0.5
FLUSH_LINES = 256


class Sink:
    """Interface: ``write_line`` takes one encoded JSON line (with newline)."""

    written = 0
    dropped = 0
    wants_records = False  # True when the sink wants the record dict instead of a JSON line

    def write_line(self, line: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def write_record(self, record: dict[str, Any]) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.flush()


class NullSink(Sink):
    """Drops everything (``TRACING_OUTPUT=none``)."""

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
            try:
                sys.__stderr__.write(
                    f"frmk.tracing: span output failed ({type(exc).__name__}: {exc}); "
                    "further spans are dropped\n"
                )
            except Exception:
                pass


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


class FileSink(_FailingMixin, Sink):
    """Appends lines to a file, buffered in memory and written in whole lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._buf: list[str] = []
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._stop = threading.Event()

    def _open(self) -> int:
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write_line(self, line: str) -> None:
        if self.failed:
            self.dropped += 1
            return
        buf = self._buf
        buf.append(line)
        if len(buf) >= FLUSH_LINES:
            self.flush()
        elif self._flusher is None:
            self._start_flusher()

    def _start_flusher(self) -> None:
        with self._lock:
            if self._flusher is not None:
                return
            thread = threading.Thread(target=self._flush_loop, name="frmk-trace-flush", daemon=True)
            self._flusher = thread
        thread.start()

    def _flush_loop(self) -> None:
        while not self._stop.wait(FLUSH_INTERVAL_S):
            self.flush()

    def flush(self) -> None:
        with self._lock:
            if not self._buf:
                return
            lines, self._buf = self._buf, []
            if self.failed:
                self.dropped += len(lines)
                return
            try:
                if self._fd is None:
                    self._fd = self._open()
                data = "".join(lines).encode("utf-8", "replace")
                while data:
                    n = os.write(self._fd, data)
                    data = data[n:]
                self.written += len(lines)
            except Exception as exc:  # disk full, unwritable path, ...
                self._fail(exc, len(lines))

    def close(self) -> None:
        self._stop.set()
        self.flush()
        with self._lock:
            if self._fd is not None:
                try:
                    os.close(self._fd)
                except OSError:
                    pass
                self._fd = None

    def after_fork(self) -> None:
        """In a forked child: drop the parent's buffer and thread, keep appending to the file."""
        self._lock = threading.Lock()
        self._buf = []
        self._flusher = None
        self._stop = threading.Event()
