"""Unified diffs that ``git apply`` accepts, built on the file's raw bytes.

Working on bytes (not decoded text) keeps a latin-1 file latin-1, a BOM a BOM and CRLF line
endings CRLF inside the patch, so the context lines match the file on disk exactly. Lines are
split on ``\\n`` only, as git does, and a last line without a newline gets git's
``\\ No newline at end of file`` marker.
"""

from __future__ import annotations

import difflib

NO_NEWLINE = b"\\ No newline at end of file\n"


def split_lines(data: bytes) -> list[bytes]:
    """Split on ``\\n`` only, keeping the line ends (``\\r\\n`` stays on its line)."""
    lines = data.split(b"\n")
    result = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def unified_diff(old: bytes, new: bytes, display: str, context: int = 3) -> bytes:
    """A git-style patch turning ``old`` into ``new`` for the file at relative path ``display``.

    Returns ``b""`` when the two are equal.
    """
    if old == new:
        return b""
    name = display.encode("utf-8", "surrogateescape")
    body = difflib.diff_bytes(
        difflib.unified_diff,
        split_lines(old),
        split_lines(new),
        fromfile=b"a/" + name,
        tofile=b"b/" + name,
        n=context,
    )
    out = [b"diff --git a/" + name + b" b/" + name + b"\n"]
    for index, line in enumerate(body):
        if index < 2 or line.startswith(b"@@"):
            out.append(line)  # headers always end with the line terminator
        elif not line.endswith(b"\n"):
            out.append(line + b"\n")
            out.append(NO_NEWLINE)
        else:
            out.append(line)
    return b"".join(out)
