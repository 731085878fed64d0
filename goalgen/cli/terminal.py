"""The one place that owns the rich consoles and the error path of the CLI.

Summaries, progress, warnings and errors go to stderr; diffs and machine formats go to stdout.
Rich falls back to plain text when the stream is not a terminal.
"""

from __future__ import annotations

from typing import NoReturn

import click
from rich.console import Console

_stdout: Console | None = None
_stderr: Console | None = None


def configure(color: bool | None = None) -> None:
    """(Re)create the consoles; ``color=None`` lets rich detect a terminal."""
    global _stdout, _stderr
    no_color = color is False
    _stdout = Console(no_color=no_color, force_terminal=color or None, highlight=False, soft_wrap=True)
    _stderr = Console(
        stderr=True, no_color=no_color, force_terminal=color or None, highlight=False, soft_wrap=True
    )


def out() -> Console:
    """Console on stdout, for diffs and machine-readable output."""
    if _stdout is None:
        configure()
    return _stdout  # type: ignore[return-value]


def err() -> Console:
    """Console on stderr, for summaries, progress and messages meant for people."""
    if _stderr is None:
        configure()
    return _stderr  # type: ignore[return-value]


def warn(text: str) -> None:
    err().print(f"[yellow]warning:[/yellow] {text}", markup=True)


def abort(text: str, code: int = 2) -> NoReturn:
    """Print one clear error line on stderr and exit with ``code`` (no traceback)."""
    err().print(f"[red]error:[/red] {text}", markup=True)
    raise SystemExit(code)


def echo_raw(text: str) -> None:
    """Write text to stdout exactly as given (diffs must stay byte-exact for `git apply`)."""
    click.echo(text, nl=False)
