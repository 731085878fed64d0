"""Rewrite one file's text with the codemods: the pure step the serial and parallel paths share.

Nothing here touches the disk, so the same function runs in worker processes. A codemod that
cannot parse a file, crashes, or produces code that does not compile turns into a one-line
failure reason for that file alone; the file is then left untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from libcst import ParserSyntaxError

import codemods
from codemods.base import Target, UnparsableSource
from instrument.options import Options
from instrument.source import SourceError, check_syntax


@dataclass
class Outcome:
    """New text (``None`` when the file failed) and the targets the codemods reported."""

    new_text: str | None
    targets: list[Target] = field(default_factory=list)
    error: str = ""


def _parser_error_text(exc: Exception) -> str:
    line = getattr(exc, "raw_line", None) or getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
    where = f" at line {line}" if line else ""
    return f"cannot parse{where}: {message}"


def transform(text: str, module: str, display: str, index: Any, options: Options) -> Outcome:
    """Run ``codemods.rewrite`` on ``text``; never raises for a problem in the file."""
    try:
        rewrite = codemods.rewrite(
            text,
            module=module,
            index=index,
            style=options.style,
            kinds=options.kinds,
            remove=options.remove,
        )
    except RecursionError:
        return Outcome(None, error="cannot parse: nested too deeply")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        if isinstance(exc, (ParserSyntaxError, UnparsableSource, SyntaxError)):
            return Outcome(None, error=_parser_error_text(exc))
        return Outcome(None, error=f"codemod failed: {type(exc).__name__}: {exc}")
    if rewrite.code != text:
        try:
            check_syntax(rewrite.code, display)
        except SourceError as exc:
            return Outcome(None, rewrite.targets, f"rewrite gave invalid code ({exc}); left as is")
    return Outcome(rewrite.code, list(rewrite.targets))
