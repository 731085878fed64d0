"""The one way the codemods cut source text into lines: where Python ends a line.

Python ends lines at ``\\r\\n``, ``\\r`` and ``\\n`` only. ``str.splitlines`` also breaks at
``\\f``, ``\\v``, ``\\x1c``-``\\x1e``, U+0085, U+2028 and U+2029, which may sit in strings and
comments (and ``\\f`` at line starts), so its line numbers drift from the ones ``ast`` gives.
"""

from __future__ import annotations

import re

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """``text``'s lines with their line ends; line ``n`` of ``ast`` is item ``n - 1``."""
    return _LINE.findall(text)
