"""The one object that owns the CLI's consoles and its error path.

The root ``goalgen`` group makes one ``Terminal`` (its ``--color/--no-color`` option, or
``GOALGEN_COLOR``, decides colour) and every command receives it with ``@pass_terminal``.
Summaries, progress, warnings and errors go to stderr; diffs and machine formats go to stdout.
Text from users and files (paths, reasons, replies) is always printed literally: rich markup in
it (``[red]x.py``) is never interpreted, only the tool's own prefixes are styled.

Colour, first rule that applies: ``--color/--no-color`` (on ``goalgen`` or on
``goalgen instrument``) or ``GOALGEN_COLOR``; ``NO_COLOR`` set and not empty: no colour;
``FORCE_COLOR`` set and not empty: colour; otherwise colour only on a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import NoReturn

import click
from rich.console import Console
from rich.text import Text


def resolve_color(color: bool | None, environ: Mapping[str, str] = os.environ) -> bool | None:
    """True/False to force colour on or off; None to use it only on a terminal."""
    if color is not None:
        return color
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return None


class Terminal:
    """The consoles on stdout (``out``) and stderr (``err``) and the ways to write to them."""

    def __init__(self, color: bool | None = None) -> None:
        self.configure(color)

    def configure(self, color: bool | None) -> None:
        """(Re)create the consoles for ``color`` (see ``resolve_color``)."""
        color = resolve_color(color)
        # Markup stays on for the tool's own renderables (trace trees escape what they show);
        # the methods below hand user text over as ``Text``, which is never read as markup.
        # Emoji codes are off: ``:fire:`` in a span name or path stays as written.
        common = {
            "highlight": False,
            "soft_wrap": True,
            "emoji": False,
            "force_terminal": True if color else None,  # off: still a terminal, uncoloured
            "no_color": color is False,
        }
        if color is False:
            common["color_system"] = None  # no ANSI styling at all, not even bold
        self.out = Console(**common)
        self.err = Console(stderr=True, **common)

    # -- stdout -------------------------------------------------------------------------
    def write(self, text: str) -> None:
        """Write ``text`` to stdout exactly as given (machine formats, listings, replies)."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def write_bytes(self, data: bytes) -> None:
        """Write raw bytes to stdout (patches: a latin-1 or CRLF file must stay so)."""
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text-only stream (rare): best effort
            sys.stdout.write(data.decode("utf-8", "replace"))
        else:
            buffer.write(data)
            buffer.flush()

    # -- stderr -------------------------------------------------------------------------
    def info(self, text: str) -> None:
        """A line for people on stderr."""
        self.err.print(Text(text))

    def warn(self, text: str) -> None:
        self.err.print(Text.assemble(("warning:", "yellow"), " ", text))

    def error(self, text: str) -> None:
        """An error line on stderr; the command goes on (see ``abort`` to stop)."""
        self.err.print(Text.assemble(("error:", "red"), " ", text))

    def abort(self, text: str, code: int = 2) -> NoReturn:
        """Print one clear error line on stderr and exit with ``code`` (no traceback)."""
        self.error(text)
        raise SystemExit(code)


pass_terminal = click.make_pass_decorator(Terminal, ensure=True)
