"""Reading and writing source files byte-exactly.

A file is decoded the way Python itself would (BOM, then a PEP 263 coding cookie, else UTF-8)
without touching line endings, and written back in the same encoding with the same BOM. Writes
are atomic: a temporary file in the same directory, the original file mode copied onto it, then
``os.replace`` -- a crash never leaves a half-written file behind.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import tempfile
import tokenize
import warnings
from dataclasses import dataclass
from pathlib import Path

from goalgen.codemods.syntax import parse


class SourceError(Exception):
    """A file that cannot be processed; the message is the reason shown to the user."""


@dataclass(frozen=True)
class DecodedSource:
    """The text of a file plus what is needed to write it back identically."""

    raw: bytes
    text: str
    encoding: str  # codec name as detected, e.g. "utf-8", "utf-8-sig", "iso-8859-1"


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"unreadable: {exc.strerror or exc}") from None


def decode(raw: bytes) -> DecodedSource:
    """Decode source bytes as Python does, keeping every line ending as it is."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        if "invalid or missing encoding" not in str(exc):
            raise SourceError(f"undecodable: {exc}") from None
        encoding = "utf-8"  # bad bytes in the first two lines: decoding below names the line
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        where = ""
        if isinstance(exc, UnicodeDecodeError):
            line = raw.count(b"\n", 0, exc.start) + 1
            where = f" at line {line}"
        raise SourceError(f"undecodable as {encoding}{where}: {reason}") from None
    return DecodedSource(raw=raw, text=text, encoding=encoding)


def encode(text: str, encoding: str) -> bytes:
    """Encode text back with the file's own codec (``utf-8-sig`` puts the BOM back)."""
    try:
        return codecs.encode(text, encoding)
    except UnicodeEncodeError as exc:
        raise SourceError(f"new code cannot be encoded as {encoding}: {exc.reason}") from None


def check_syntax(text: str, filename: str) -> None:
    """Raise ``SourceError`` naming the line when ``text`` is not valid Python 3 code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences etc. are not our business
            parse(text, filename=filename)
    except SyntaxError as exc:
        message = exc.msg or "invalid syntax"
        if "Missing parentheses in call to 'print'" in message or "exec" in message.split():
            message += " (Python 2 code?)"
        raise SourceError(f"syntax error at line {exc.lineno}: {message}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise SourceError(f"cannot parse: {type(exc).__name__}: {exc}") from None


def atomic_write(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permission bits.

    With ``expected`` given, the write is refused when the file no longer holds those bytes
    (someone edited it while we were working).
    """
    if expected is not None and read_bytes(path) != expected:
        raise SourceError("changed on disk while instrumenting; left as is")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o644
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".goalgen")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise SourceError(f"cannot write: {exc.strerror or exc}") from None
        raise
