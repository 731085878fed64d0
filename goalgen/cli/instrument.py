"""``goalgen instrument``: add (or ``--remove``) tracing in a Python project with the codemods.

Flags are merged with ``[tool.goalgen.instrument]`` from the target's pyproject.toml (flags win),
the engine runs, and the report is printed: diffs and machine formats on stdout, the summary and
problems on stderr. The exit status is the report's: 0, 1 (``--check`` found work), 2 (usage),
123 (a file could not be processed).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click
from rich.markup import escape

from codemods import KINDS, STYLES
from goalgen.cli import terminal
from instrument.config import load_settings
from instrument.engine import run
from instrument.files import split_globs
from instrument.options import Mode, OptionError, Options, parse_kinds
from instrument.report import Report, is_noted


@click.command("instrument")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Write nothing; print a unified diff (git apply).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when anything would change.")
@click.option("--remove", is_flag=True, help="Strip exactly the tracing instrument added.")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default=None,
    help="auto/decorator: @trace_span; block: with TraceSpan(...).",
)
@click.option(
    "--select", metavar="KIND,...", default=None, help=f"Only these kinds ({','.join(KINDS)})."
)
@click.option(
    "--exclude",
    metavar="GLOB",
    multiple=True,
    help="Skip matching paths (repeatable, comma-separated).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: CPU count).",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the cache.")
@click.option("--no-gitignore", is_flag=True, help="Also walk paths .gitignore files ignore.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="text, one JSON report, or GitHub annotations (stdout).",
)
@click.option("--color/--no-color", default=None, help="Force or disable colour on stderr.")
def instrument(
    paths: tuple[Path, ...],
    dry_run: bool,
    check: bool,
    remove: bool,
    style: str | None,
    select: str | None,
    exclude: tuple[str, ...],
    jobs: int | None,
    no_cache: bool,
    no_gitignore: bool,
    output_format: str,
    color: bool | None,
) -> None:
    """Add tracing to bot handlers, API routes, agents, graph nodes and mapper calls.

    Settings may also come from [tool.goalgen.instrument] in the project's pyproject.toml
    (style, select, exclude, jobs, cache, gitignore); flags win. Exit status: 0 done or nothing to do,
    1 --check found work, 2 usage error, 123 some file could not be processed.
    """
    terminal.configure(color)
    options = _resolve_options(
        paths, dry_run, check, remove, style, select, exclude, jobs, no_cache, no_gitignore
    )
    try:
        report = _run_with_progress(list(paths), options)
    except KeyboardInterrupt:
        terminal.abort("interrupted; files already written are complete, the rest untouched", 130)
    _print_report(report, options, output_format)
    raise SystemExit(report.return_code)


def _run_with_progress(paths: list[Path], options: Options) -> Report:
    """Run the engine; on a terminal, show a transient progress bar on stderr meanwhile."""
    if not sys.stderr.isatty():  # not --color: a forced-colour CI log gets no redraws
        return run(paths, options)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("instrument"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=terminal.err(), transient=True) as bar:
        task = bar.add_task("rewrite", total=None)
        return run(
            paths,
            options,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )


def _resolve_options(
    paths, dry_run, check, remove, style, select, exclude, jobs, no_cache, no_gitignore
) -> Options:
    """Merge flags over pyproject settings; a bad value is a usage error (exit 2)."""
    try:
        settings = load_settings(list(paths))
        for message in settings.warnings:
            terminal.warn(escape(message))
        values = settings.values
        if select is not None:
            kinds = parse_kinds(select)
        else:
            try:
                kinds = parse_kinds(values.get("select", list(KINDS)))
            except OptionError as exc:
                raise OptionError(f"{settings.path}: {exc}") from None
        return Options(
            mode=Mode.from_flags(dry_run=dry_run, check=check),
            remove=remove,
            style=style or values.get("style", "auto"),
            kinds=kinds,
            exclude=split_globs(exclude or values.get("exclude", [])),
            jobs=jobs or values.get("jobs") or os.cpu_count() or 1,
            use_cache=not no_cache and values.get("cache", True),
            gitignore=not no_gitignore and values.get("gitignore", True),
            diff=dry_run,
        )
    except OptionError as exc:
        raise click.UsageError(str(exc)) from None


def _print_report(report: Report, options: Options, output_format: str) -> None:
    if output_format == "json":
        terminal.echo_raw(json.dumps(report.to_dict(), indent=2) + "\n")
    elif output_format == "github":
        _print_github(report)
    else:
        if options.diff:
            _write_diffs(report)  # with --check too: stdout stays one clean patch
        elif report.mode is Mode.CHECK:
            for result in report.changed:
                for target in result.changed_targets:
                    terminal.echo_raw(f"{result.path}:{target.line} {target.kind} {target.name}\n")
    for result in report.failed:
        terminal.err().print(
            f"[red]error:[/red] cannot process {escape(result.path)}: {escape(result.reason)}"
        )
    terminal.err().print(escape(summary_line(report)))


def _write_diffs(report: Report) -> None:
    """Patches go out as raw bytes: a latin-1 or CRLF file must stay so for git apply."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    for result in report.files:
        if not result.diff:
            continue
        if buffer is not None:
            buffer.write(result.diff)
        else:  # a text-only stream (rare): best effort
            sys.stdout.write(result.diff.decode("utf-8", "surrogateescape"))
    if buffer is not None:
        buffer.flush()


def summary_line(report: Report) -> str:
    """One sentence for people, e.g. ``12 files scanned; would instrument 2 files (node 5) ...``."""
    parts = [_plural(len(report.files), "file") + " scanned"]
    changed = report.changed
    counts = report.target_counts()
    by_kind = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    if changed:
        parts.append(
            f"{report.verb} {_plural(len(changed), 'file')}"
            + (f" ({_plural(sum(counts.values()), 'target')}: {by_kind})" if counts else "")
        )
    else:
        parts.append("nothing to remove" if report.remove else "nothing to instrument")
    present = sum(report.target_counts("present").values())
    if present and not report.remove:
        parts.append(f"{present} already traced")
    skipped_targets = sum(report.target_counts("skipped").values())
    if skipped_targets:
        parts.append(f"{_plural(skipped_targets, 'target')} left alone (see --format json)")
    noted = sum(report.noted_counts().values())
    if noted:
        parts.append(f"{_plural(noted, 'traced target')} with a note (see --format json)")
    cached = sum(1 for f in report.files if f.cached)
    if cached:
        parts.append(f"{cached} unchanged per cache")
    if report.failed:
        parts.append(f"{_plural(len(report.failed), 'file')} could not be processed")
    reasons: dict[str, int] = {}
    for skipped in report.skipped:
        reasons[skipped.reason] = reasons.get(skipped.reason, 0) + 1
    for reason, n in reasons.items():
        parts.append(f"{_plural(n, 'path')} skipped ({reason})")
    return "; ".join(parts) + "."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _print_github(report: Report) -> None:
    """GitHub Actions workflow commands: errors for work found by --check and broken files,
    warnings for targets that were left alone, notices for traced targets with a note."""
    lines: list[str] = []
    for result in report.files:
        where = f"file={_gh_escape(result.path, prop=True)}"
        if result.reason:
            match = re.search(r"line (\d+)", result.reason)
            line = f",line={match.group(1)}" if match else ""
            lines.append(f"::error {where}{line}::{_gh_escape('cannot process: ' + result.reason)}")
        for target in result.targets:
            if target.action == "skipped":
                message = f"{target.kind} {target.name} not instrumented: {target.reason}"
                lines.append(f"::warning {where},line={target.line}::{_gh_escape(message)}")
            elif report.mode is Mode.CHECK and target.action in ("added", "removed"):
                span = f" ({target.span})" if target.span else ""
                message = f"{report.verb} {target.kind} {target.name}{span}"
                lines.append(f"::error {where},line={target.line}::{_gh_escape(message)}")
            if is_noted(target):
                message = f"{target.kind} {target.name} ({target.span}): {target.reason}"
                lines.append(f"::notice {where},line={target.line}::{_gh_escape(message)}")
    terminal.echo_raw("".join(line + "\n" for line in lines))
