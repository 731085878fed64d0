"""Decide (and, when asked, rewrite) one file's text: the pure step serial and parallel runs share.

Nothing here touches the disk, so the same function runs in worker processes. A codemod that
cannot parse a file, crashes, or produces code that does not compile turns into a one-line
failure reason for that file alone; the file is then left untouched. Each outcome carries what
its answer read from the project index (for the cache) and, for a rewrite, the summary and
answer of the new text, so the next run needs neither to read nor to parse it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goalgen import codemods
from goalgen.codemods.base import Target, UnparsableSource
from goalgen.codemods.import_style import DEFAULT_STYLE, ImportStyle
from goalgen.instrument.options import Options

# Dependency name for the words the prefilter looks for beyond the fixed ones.
NAMES_DEP = "names"


@dataclass
class Outcome:
    """New text (``None`` when the file failed) and the targets the codemods reported."""

    new_text: str | None
    targets: list[Target] = field(default_factory=list)
    error: str = ""
    changes: bool = False
    deps: frozenset[str] = frozenset()  # what the answer read from the index
    # For a rewrite: the new text's summary, and its own answer (targets, deps) under the same
    # options; None when not known.
    after: tuple[Any, list[Target], frozenset[str]] | None = None


def _parser_error_text(exc: Exception) -> str:
    line = getattr(exc, "raw_line", None) or getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc).splitlines()[0]
    where = f" at line {line}" if line else ""
    return f"cannot parse{where}: {message}"


def transform(
    text: str,
    module: str,
    index: Any,
    options: Options,
    apply: bool,
    import_style: ImportStyle = DEFAULT_STYLE,
    scan: Any = None,
) -> Outcome:
    """Run ``goalgen.codemods.rewrite`` on ``text`` (``apply=False``: decide only); never raises for a
    problem in the file. ``import_style``: the project's isort settings for this file (they
    place the runtime import, and do not change what is decided). ``scan``: the text's module
    scan, when the caller kept it."""
    if not codemods.prefilter(text, index):
        return Outcome(text, deps=frozenset({NAMES_DEP}))
    try:
        with index.reading() as reads:
            rewrite = codemods.rewrite(
                text,
                module=module,
                index=index,
                style=options.style,
                kinds=options.kinds,
                remove=options.remove,
                apply=apply,
                import_style=import_style,
                scan=scan,
            )
    except RecursionError:
        return Outcome(None, error="cannot parse: nested too deeply")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        if isinstance(exc, UnparsableSource | SyntaxError) or type(exc).__name__ == (
            "ParserSyntaxError"
        ):
            return Outcome(None, error=_parser_error_text(exc))
        return Outcome(None, error=f"codemod failed: {type(exc).__name__}: {exc}")
    outcome = Outcome(rewrite.code, list(rewrite.targets), changes=rewrite.changes, deps=frozenset(reads))
    if apply and rewrite.code != text:
        after = _after(rewrite.code, module, index, options)
        if isinstance(after, str):
            return Outcome(None, rewrite.targets, f"rewrite gave invalid code ({after}); left as is")
        outcome.after = after
    return outcome


def _after(new_text: str, module: str, index: Any, options: Options):
    """Check the rewritten text compiles, and learn its summary and answer in the same scan.

    Returns ``(summary, targets, deps)``, or the syntax error's text."""
    summary_known = index.modules.get(module)
    is_package = summary_known.is_package if summary_known else False
    try:
        scan = codemods.scan_source(new_text, module, is_package)
    except (SyntaxError, ValueError) as exc:
        return f"syntax error at line {getattr(exc, 'lineno', '?')}: {getattr(exc, 'msg', exc)}"
    summary = codemods.summarize(scan, is_package)
    if options.remove:  # what is left after a remove is not worth a second answer
        return (summary, [], frozenset())
    again = transform(new_text, module, index, options, apply=False, scan=scan)
    if again.new_text is None or again.changes:
        return (summary, [], frozenset()) if again.new_text is not None else str(again.error)
    return (summary, again.targets, again.deps)
