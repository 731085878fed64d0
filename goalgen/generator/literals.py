"""Python and shell literals for templates: a spec value rendered as source code.

Templates carry no logic; these filters are the only place where values become code, so every
string in generated Python is quoted the same way (double quotes, as ruff's formatter writes).
"""

from __future__ import annotations

import json
import textwrap
from typing import Any


def py_literal(value: Any, indent: int = 0) -> str:
    """Render ``value`` as a Python literal; dicts and lists over one line are split per item."""
    one_line = _inline(value)
    if len(one_line) + indent <= 90 or not isinstance(value, (dict, list, tuple)) or not value:
        return one_line
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        items = [f"{pad}{_inline(k)}: {py_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    items = [f"{pad}{py_literal(v, indent + 4)}," for v in value]
    open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
    return open_ + "\n" + "\n".join(items) + "\n" + " " * indent + close


def _inline(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_inline(k)}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_inline(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise TypeError(f"cannot render {type(value).__name__} as a Python literal")


def py_text(text: str, indent: int = 0, prefix: int = 0, width: int = 96) -> str:
    """A string literal; a long one becomes parenthesized pieces that each fit in ``width``.

    ``indent`` is the line's indentation and ``prefix`` how many characters precede the
    literal on its line (``name = ``), both counted when deciding whether it fits.
    """
    one_line = _inline(text)
    if len(one_line) + indent + prefix + 1 <= width:
        return one_line
    pad = " " * (indent + 4)
    pieces = textwrap.wrap(text, width - indent - 8, drop_whitespace=False,
                           break_long_words=True, break_on_hyphens=False)
    body = "\n".join(pad + _inline(piece) for piece in pieces)
    return "(\n" + body + "\n" + " " * indent + ")"


def py_docstring_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring: backslashes doubled, and a quote escaped
    when another quote or the closing quotes follow it (so it cannot end the docstring)."""
    text = text.strip().replace("\\", "\\\\")
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        out.append('\\"' if char == '"' and following in ('"', "") else char)
    return "".join(out)
