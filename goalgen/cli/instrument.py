"""``goalgen instrument``: add (or ``--remove``) tracing in a Python project with the codemods.

The top-level ``[tool.goalgen.instrument]`` table (the one for the common parent of the paths)
is read as soon as the paths are known and becomes click's ``default_map``, so flags and table
values are checked by the same click types and flags win. Files under a nested project with its
own table get that table's per-file settings (``goalgen.instrument.config``) unless a flag set them.
The engine runs and the report is printed: diffs and machine formats on stdout, the summary and
problems on stderr. The exit status is the report's: 0, 1 (``--check`` found work), 2 (usage),
123 (a file could not be processed).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from goalgen.cli.terminal import Terminal, pass_terminal
from goalgen.codemods import KINDS, STYLES
from goalgen.instrument.config import KEYS, ProjectSettings, parse_kinds
from goalgen.instrument.engine import run
from goalgen.instrument.files import OptionsFor, split_globs
from goalgen.instrument.options import Mode, OptionError, Options
from goalgen.instrument.report import Report, is_noted

_SETTINGS = "goalgen.instrument.settings"  # ctx.meta key for the run's ProjectSettings


class _Kinds(click.ParamType):
    """``--select api,bot`` (or a list from pyproject.toml) -> kinds in report order."""

    name = "kinds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None):
        try:
            return parse_kinds(value)
        except OptionError as exc:
            self.fail(str(exc), param, ctx)


def _read_settings(ctx: click.Context, param: click.Parameter, paths: tuple[Path, ...]):
    """Load the top-level table into ``default_map`` before the other options are read."""
    try:
        settings = ProjectSettings(paths)
    except OptionError as exc:
        ctx.ensure_object(Terminal).abort(str(exc), 2)
    ctx.meta[_SETTINGS] = settings
    if settings.top is not None:
        ctx.default_map = {**(ctx.default_map or {}), **settings.top.values}
    return paths


@click.command("instrument")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    is_eager=True,
    callback=_read_settings,
    type=click.Path(exists=True, path_type=Path),
)
@click.option("--dry-run", is_flag=True, help="Write nothing; print a unified diff (git apply).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when anything would change.")
@click.option("--remove", is_flag=True, help="Strip exactly the tracing instrument added.")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default="auto",
    help="auto/decorator: @trace_span; block: with TraceSpan(...).",
)
@click.option(
    "--select",
    metavar="KIND,...",
    type=_Kinds(),
    default=",".join(KINDS),
    help=f"Only these kinds ({','.join(KINDS)}).",
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
@click.option("--cache/--no-cache", default=True, help="Use and update the cache (default).")
@click.option(
    "--gitignore/--no-gitignore",
    default=True,
    help="Skip paths .gitignore files ignore (default); --no-gitignore walks them too.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    help="text, one JSON report, or GitHub annotations (stdout).",
)
@click.option(
    "--color/--no-color", default=None, help="Force or disable colour (as on goalgen itself)."
)
@click.pass_context
@pass_terminal
def instrument(
    terminal: Terminal,
    ctx: click.Context,
    paths: tuple[Path, ...],
    dry_run: bool,
    check: bool,
    remove: bool,
    style: str,
    select: tuple[str, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    cache: bool,
    gitignore: bool,
    output_format: str,
    color: bool | None,
) -> None:
    """Add tracing to bot handlers, API routes, agents, graph nodes and mapper calls.

    Settings may also come from [tool.goalgen.instrument] in pyproject.toml (style, select,
    exclude, jobs, cache, gitignore): each file uses the nearest such table above it, up to the
    repository root; flags win. Exit status: 0 done or nothing to do, 1 --check found work,
    2 usage error, 123 some file could not be processed.
    """
    if color is not None:
        terminal.configure(color)
    settings: ProjectSettings = ctx.meta[_SETTINGS]
    options = Options(
        mode=Mode.from_flags(dry_run=dry_run, check=check),
        remove=remove,
        style=style,
        kinds=select,
        exclude=split_globs(exclude),
        jobs=jobs or os.cpu_count() or 1,
        use_cache=cache,
        diff=dry_run,
        gitignore=gitignore,
    )
    given = [name for name in KEYS if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE]
    options_for = settings.options_for(options, given)
    try:
        report = _run_with_progress(terminal, list(paths), options, options_for)
    except KeyboardInterrupt:
        terminal.abort("interrupted; files already written are complete, the rest untouched", 130)
    except OptionError as exc:  # a bad table in a nested project; nothing was written
        _print_warnings(terminal, settings)
        terminal.abort(str(exc), 2)
    _print_warnings(terminal, settings)
    _print_report(terminal, report, options, output_format)
    raise SystemExit(report.return_code)


def _print_warnings(terminal: Terminal, settings: ProjectSettings) -> None:
    for message in settings.warnings:
        terminal.warn(message)
    settings.warnings.clear()


def _run_with_progress(
    terminal: Terminal, paths: list[Path], options: Options, options_for: OptionsFor
) -> Report:
    """Run the engine; on a terminal, show a transient progress bar on stderr meanwhile."""
    if not sys.stderr.isatty():  # not --color: a forced-colour CI log gets no redraws
        return run(paths, options, options_for=options_for)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("instrument"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=terminal.err, transient=True) as bar:
        task = bar.add_task("rewrite", total=None)
        return run(
            paths,
            options,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            options_for=options_for,
        )


def _print_report(terminal: Terminal, report: Report, options: Options, output_format: str) -> None:
    if output_format == "json":
        terminal.write(json.dumps(report.to_dict(), indent=2) + "\n")
    elif output_format == "github":
        terminal.write(github_annotations(report))
    else:
        if options.diff:  # with --check too: stdout stays one clean patch
            terminal.write_bytes(b"".join(result.diff for result in report.files))
        elif report.mode is Mode.CHECK:
            for result in report.changed:
                for target in result.changed_targets:
                    terminal.write(f"{result.path}:{target.line} {target.kind} {target.name}\n")
    for result in report.failed:
        terminal.error(f"cannot process {result.path}: {result.reason}")
    terminal.info(summary_line(report))


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
        parts.append(f"{cached} answered from the cache")
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


def github_annotations(report: Report) -> str:
    """GitHub Actions workflow commands: errors for work found by --check and broken files,
    warnings for targets that were left alone."""
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
    return "".join(line + "\n" for line in lines)
