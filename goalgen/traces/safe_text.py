"""Make text read from span files safe to show on a terminal.

Span names, services, statuses and error messages come from whatever wrote the file. A control
character in them (ESC starting an ANSI/OSC sequence, BEL, a carriage return, a bidi override)
would be obeyed by the terminal, so each is shown as a Python-style escape (``\\x1b``, ``\\r``,
``\\u202e``) instead. Printable Unicode, spaces and backslashes are kept as they are; this is
for reading, not a reversible encoding.
"""

from __future__ import annotations

import re
import unicodedata

# Categories a terminal may act on or that do not show: controls (C0, DEL, C1), format
# characters (bidi overrides, zero-width), surrogates, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# Fast path: most text is printable ASCII and needs no per-character look-up.
_PLAIN = re.compile(r"[\x20-\x7e]*")


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format or separator character escaped (``\\x1b``)."""
    if _PLAIN.fullmatch(text):
        return text
    return "".join(
        _escape(char) if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text
    )
