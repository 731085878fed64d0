"""`goalgen traces`: show span JSON lines from one or more processes as trace trees or timings."""

from __future__ import annotations

import json
import sys

import click

from goalgen.cli.terminal import Terminal, pass_terminal
from goalgen.traces import (
    Trace,
    build_traces,
    compute_model_usage,
    compute_stats,
    read_spans,
    select_traces,
)
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

MAX_CYCLE_WARNINGS = 10


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
@pass_terminal
def traces(
    terminal: Terminal,
    logfiles: tuple[str, ...],
    trace_id: str | None,
    stats: bool,
    output_format: str,
) -> None:
    """Show the spans in LOGFILE... (JSON lines, merged across files) as one tree per trace.

    Files from several processes are merged, so a request that crossed from the bot to the
    orchestrator shows as one tree. Lines that are not spans are skipped with a warning, and
    parent cycles are broken with one; use - to read standard input.
    """
    try:
        result = read_spans(logfiles, stdin=sys.stdin.buffer)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        terminal.abort(printable(f"cannot read trace file {exc.filename}: {reason}"), 2)
    if result.bad_lines:
        first = result.bad_lines[0]
        terminal.warn(
            printable(
                f"skipped {result.skipped} line(s) that are not spans "
                f"(first: {first.source}: {first.reason})"
            )
        )
    found = build_traces(result.spans)
    _warn_cycles(terminal, found)
    if trace_id is not None:
        found = select_traces(found, trace_id)
        if not found:
            terminal.abort(f"no trace id starts with {trace_id!r}", 1)
    if output_format == "json":
        terminal.write(_json(found, stats, result.skipped))
    elif not found:
        terminal.info("no spans found")
    elif stats:
        _print_stats(terminal, found)
    else:
        _print_trees(terminal, found)


def _warn_cycles(terminal: Terminal, found: list[Trace]) -> None:
    cycles = [(trace, cycle) for trace in found for cycle in trace.cycles]
    for trace, cycle in cycles[:MAX_CYCLE_WARNINGS]:
        terminal.warn(cycle_text(trace, cycle))
    if len(cycles) > MAX_CYCLE_WARNINGS:
        terminal.warn(f"{len(cycles) - MAX_CYCLE_WARNINGS} more parent cycle(s) not listed")


def _json(found: list[Trace], stats: bool, skipped: int) -> str:
    if stats:
        spans = [span for trace in found for span in trace.spans]
        payload = {
            "stats": [s.to_dict() for s in compute_stats(spans)],
            "models": [u.to_dict() for u in compute_model_usage(spans)],
        }
    else:
        payload = {"traces": [t.to_dict() for t in found]}
    payload["skipped_lines"] = skipped
    return json.dumps(payload, indent=2) + "\n"


def _print_stats(terminal: Terminal, found: list[Trace]) -> None:
    """Span timings, then tokens per model when any span named a model."""
    spans = [span for trace in found for span in trace.spans]
    stats, usage = compute_stats(spans), compute_model_usage(spans)
    if terminal.out.is_terminal:
        terminal.out.print(stats_table(stats))
        if usage:
            terminal.out.print()
            terminal.out.print(models_table(usage))
    else:
        terminal.write(stats_text(stats))
        if usage:
            terminal.write("\n" + models_text(usage))


def _print_trees(terminal: Terminal, found: list[Trace]) -> None:
    if terminal.out.is_terminal:
        for index, trace in enumerate(found):
            if index:
                terminal.out.print()
            terminal.out.print(rich_tree(trace))
    else:
        terminal.write(render_text(found))
