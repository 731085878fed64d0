"""`goalgen traces`: show span JSON lines from one or more processes as trace trees, timings,
critical paths or an HTML waterfall."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import click
from rich.text import Text

from goalgen.cli.terminal import Terminal, pass_terminal
from goalgen.traces import (
    ModelUsage,
    ReadResult,
    Span,
    SpanStats,
    Trace,
    build_traces,
    compute_model_usage,
    compute_stats,
    read_spans,
    select_traces,
)
from goalgen.traces.critical_path import critical_path, critical_path_text
from goalgen.traces.filters import TraceFilter, parse_time
from goalgen.traces.follow import Timing
from goalgen.traces.render import (
    cycle_text,
    models_table,
    models_text,
    render_text,
    rich_tree,
    stats_table,
    stats_text,
)
from goalgen.traces.safe_text import printable
from goalgen.traces.span_scan import stream_stats
from goalgen.traces.trace_index import indexed_traces

MAX_CYCLE_WARNINGS = 10
_INDENT = "    "  # a trace's place in the payload: json.dumps(indent=2) two levels down
_WRITE_CHUNK = 1 << 20  # characters of streamed JSON gathered before a write


@click.command("traces")
@click.argument("logfiles", nargs=-1, required=True, metavar="LOGFILE...")
@click.option("--trace", "trace_id", metavar="ID", help="Only the trace whose id starts with ID.")
@click.option(
    "--stats",
    is_flag=True,
    help="Per span name count/total/mean/p50/p95/max ms, and tokens per model.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: trees (rich on a terminal); json: machine-readable on stdout.",
)
@click.option("--service", metavar="NAME", help="Only traces with a span of service NAME.")
@click.option("--errors", "only_errors", is_flag=True, help="Only traces with a failed span.")
@click.option(
    "--since",
    metavar="TIME",
    callback=lambda _ctx, _param, value: _time(value),
    help="Only traces that started at or after TIME (epoch s, ISO 8601, or an age: 15m, 2h, 1d).",
)
@click.option(
    "--until",
    metavar="TIME",
    callback=lambda _ctx, _param, value: _time(value),
    help="Only traces that started at or before TIME (as --since).",
)
@click.option(
    "--slowest", type=click.IntRange(min=1), metavar="N", help="Only the N longest traces."
)
@click.option(
    "--critical-path",
    "show_critical",
    is_flag=True,
    help="Also list each trace's critical path (the spans that decided when it ended).",
)
@click.option(
    "--html",
    "html_path",
    metavar="OUT.html",
    help="Write one self-contained HTML waterfall page instead of printing the traces.",
)
@click.option(
    "--follow",
    is_flag=True,
    help="Keep reading the files as they grow; print each trace when it has ended.",
)
@click.option(
    "--settle",
    type=click.FloatRange(min=0),
    metavar="S",
    help=f"--follow: wait S s after a whole trace's last span  [default: {Timing.settle:g}]",
)
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    metavar="S",
    help="--follow: wait S s for the parent of a server span from an unfollowed file "
    f"[default: {Timing.grace:g}]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="--follow: print a trace as incomplete when no span came for S s "
    f"[default: {Timing.timeout:g}]",
)
@pass_terminal
def traces(
    terminal: Terminal,
    logfiles: tuple[str, ...],
    trace_id: str | None,
    stats: bool,
    output_format: str,
    service: str | None,
    only_errors: bool,
    since: float | None,
    until: float | None,
    slowest: int | None,
    show_critical: bool,
    html_path: str | None,
    follow: bool,
    settle: float | None,
    grace: float | None,
    timeout: float | None,
) -> None:
    """Show the spans in LOGFILE... (JSON lines, merged across files) as one tree per trace.

    Files from several processes are merged, so a request that crossed from the bot to the
    orchestrator shows as one tree. Lines that are not spans are skipped with a warning, and
    parent cycles are broken with one; use - to read standard input. The filters keep whole
    traces; --slowest applies last and lists the longest first. With --follow the files are
    tailed (waited for when missing, followed across rotation and truncation) and each trace is
    printed when it has ended, until Ctrl-C or SIGTERM.
    """
    waits = {"settle": settle, "grace": grace, "timeout": timeout}
    if follow:
        from goalgen.cli.traces_follow import follow_files  # only --follow needs the tail loop

        chosen = TraceFilter(service, only_errors, since, until, slowest)
        _check_follow(stats, html_path, logfiles, chosen)
        timing = Timing(**{k: v for k, v in waits.items() if v is not None})
        follow_files(terminal, logfiles, timing, trace_id, chosen, output_format, show_critical)
        return
    given = [f"--{name}" for name, value in waits.items() if value is not None]
    if given:
        raise click.UsageError(f"{given[0]} needs --follow")
    if html_path is not None and (stats or output_format == "json"):
        raise click.UsageError("--html cannot be combined with --stats or --format json")
    chosen = TraceFilter(service, only_errors, since, until, slowest)
    if stats and chosen == TraceFilter():  # per span figures: one streaming pass, no trees
        _stream_stats(terminal, logfiles, trace_id, output_format == "json")
        return
    if output_format == "json" and not stats and chosen == TraceFilter() and html_path is None:
        _stream_json(terminal, logfiles, trace_id, show_critical)  # one trace at a time
        return
    with _reading(terminal):
        result = read_spans(logfiles, stdin=sys.stdin.buffer)
    _warn_skipped(terminal, result)
    found = build_traces(result.spans)
    _warn_cycles(terminal, found)
    if trace_id is not None:
        found = select_traces(found, trace_id)
        if not found:
            terminal.abort(f"no trace id starts with {trace_id!r}", 1)
    if found and chosen != TraceFilter():
        found = chosen.apply(found)
        if not found:
            terminal.abort("no trace matches the filters", 1)
    if html_path is not None:
        _write_html(terminal, html_path, found)
    elif output_format == "json":
        terminal.write(_json(found, stats, result, show_critical))
    elif not found:
        terminal.info("no spans found")
    elif stats:
        spans = _spans_of(result, found)
        _print_stats(terminal, compute_stats(spans), compute_model_usage(spans))
    else:
        _print_trees(terminal, found, show_critical)


@contextmanager
def _reading(terminal: Terminal) -> Iterator[None]:
    """Turn a trace file that cannot be read into one error line (exit 2)."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        terminal.abort(printable(f"cannot read trace file {exc.filename}: {reason}"), 2)


def _warn_skipped(terminal: Terminal, result: ReadResult) -> None:
    if result.bad_lines:
        first = result.bad_lines[0]
        terminal.warn(
            printable(
                f"skipped {result.skipped} line(s) that are not spans "
                f"(first: {first.source}: {first.reason})"
            )
        )


def _stream_stats(
    terminal: Terminal, logfiles: tuple[str, ...], trace_id: str | None, as_json: bool
) -> None:
    """``--stats`` without trace filters: figures per span in one pass (bounded memory)."""
    with _reading(terminal):
        streamed = stream_stats(logfiles, sys.stdin.buffer, trace_id)
    _warn_skipped(terminal, streamed.read)
    if trace_id is not None and not streamed.spans:
        terminal.abort(f"no trace id starts with {trace_id!r}", 1)
    if as_json:
        payload = {
            "stats": [s.to_dict() for s in streamed.stats],
            "models": [u.to_dict() for u in streamed.usage],
            "skipped_lines": streamed.read.skipped,
        }
        terminal.write(json.dumps(payload, indent=2) + "\n")
    elif not streamed.spans:
        terminal.info("no spans found")
    else:
        _print_stats(terminal, streamed.stats, streamed.usage)


def _stream_json(
    terminal: Terminal, logfiles: tuple[str, ...], trace_id: str | None, show_critical: bool
) -> None:
    """``--format json`` without filters: each trace written as soon as it is built; the text
    is that of ``_json`` (``json.dumps(payload, indent=2)``), written in pieces."""
    with ExitStack() as stack:
        with _reading(terminal):
            indexed = stack.enter_context(indexed_traces(logfiles, sys.stdin.buffer, trace_id))
        _warn_skipped(terminal, indexed.read)
        if trace_id is not None and not indexed.count:
            terminal.abort(f"no trace id starts with {trace_id!r}", 1)
        cycles = _CycleWarnings(terminal)
        pieces: list[str] = ['{\n  "traces": [']
        size = 0
        for number, trace in enumerate(indexed.traces):
            cycles.warn(trace)
            text = json.dumps(_trace_dict(trace, show_critical), indent=2)
            pieces.append(("\n" if number == 0 else ",\n") + _INDENT + text.replace("\n", "\n" + _INDENT))
            size += len(text)
            if size > _WRITE_CHUNK:
                terminal.write("".join(pieces))
                pieces, size = [], 0
        cycles.done()
        pieces.append("\n  ]" if indexed.count else "]")
        pieces.append(f',\n  "skipped_lines": {indexed.read.skipped}\n}}\n')
        terminal.write("".join(pieces))


def _check_follow(
    stats: bool, html_path: str | None, logfiles: tuple[str, ...], chosen: TraceFilter
) -> None:
    """Usage errors for what --follow cannot do: views over all traces, standard input."""
    for given, name in ((stats, "--stats"), (html_path, "--html"), (chosen.slowest, "--slowest")):
        if given:
            raise click.UsageError(f"--follow cannot be combined with {name}")
    if "-" in logfiles:
        raise click.UsageError("--follow reads files; standard input (-) cannot be followed")


def _time(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_time(value, time.time())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _write_html(terminal: Terminal, path: str, found: list[Trace]) -> None:
    from goalgen.traces.html import write_html  # only this output needs the page assets

    try:
        write_html(path, found)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        terminal.abort(printable(f"cannot write HTML file {path}: {reason}"), 2)
    spans = sum(len(trace.spans) for trace in found)
    terminal.info(printable(f"wrote {len(found)} trace(s), {spans} span(s) to {path}"))


class _CycleWarnings:
    """One warning per parent cycle, the first ``MAX_CYCLE_WARNINGS``, then how many more."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.count = 0

    def warn(self, trace: Trace) -> None:
        for cycle in trace.cycles:
            self.count += 1
            if self.count <= MAX_CYCLE_WARNINGS:
                self.terminal.warn(cycle_text(trace, cycle))

    def done(self) -> None:
        if self.count > MAX_CYCLE_WARNINGS:
            more = self.count - MAX_CYCLE_WARNINGS
            self.terminal.warn(f"{more} more parent cycle(s) not listed")


def _warn_cycles(terminal: Terminal, found: list[Trace]) -> None:
    cycles = _CycleWarnings(terminal)
    for trace in found:
        cycles.warn(trace)
    cycles.done()


def _trace_dict(trace: Trace, show_critical: bool) -> dict[str, Any]:
    data = trace.to_dict()
    if show_critical:
        data["critical_path"] = critical_path(trace).to_dict()
    return data


def _spans_of(result: ReadResult, found: list[Trace]) -> list[Span]:
    """The spans of the traces kept, in the order read (as ``stream_stats`` sees them)."""
    kept = {trace.trace_id for trace in found}
    return [span for span in result.spans if span.trace_id in kept]


def _json(found: list[Trace], stats: bool, result: ReadResult, show_critical: bool) -> str:
    payload: dict[str, Any]
    if stats:
        spans = _spans_of(result, found)
        payload = {
            "stats": [s.to_dict() for s in compute_stats(spans)],
            "models": [u.to_dict() for u in compute_model_usage(spans)],
        }
    else:
        payload = {"traces": [_trace_dict(t, show_critical) for t in found]}
    payload["skipped_lines"] = result.skipped
    return json.dumps(payload, indent=2) + "\n"


def _print_stats(terminal: Terminal, stats: list[SpanStats], usage: list[ModelUsage]) -> None:
    """Span timings, then tokens per model when any span named a model."""
    if terminal.out.is_terminal:
        terminal.out.print(stats_table(stats))
        if usage:
            terminal.out.print()
            terminal.out.print(models_table(usage))
    else:
        terminal.write(stats_text(stats))
        if usage:
            terminal.write("\n" + models_text(usage))


def _print_trees(terminal: Terminal, found: list[Trace], show_critical: bool) -> None:
    """Each trace's tree, followed with ``show_critical`` by its critical path."""
    blocks = []
    for index, trace in enumerate(found):
        path = critical_path_text(critical_path(trace)) if show_critical else ""
        if terminal.out.is_terminal:
            if index:
                terminal.out.print()
            terminal.out.print(rich_tree(trace))
            if path:
                terminal.out.print(Text(path.rstrip("\n"), "bold"))
        else:
            blocks.append(render_text([trace]) + path)
    if blocks:
        terminal.write("\n".join(blocks))
