"""Turn traces and stats into text: plain indented lines for pipes and logs, rich renderables
for a terminal. Nothing here prints; the CLI decides where output goes.

Every string that came from a span file goes through ``printable`` (control characters shown
escaped) and reaches rich only as ``Text``, so it is never read as markup. Trees are drawn
without recursion; below ``MAX_SHOWN_DEPTH`` levels the indentation stops growing and each line
names its depth instead, so a chain thousands deep stays readable and linear in size.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from goalgen.traces.records import Span
from goalgen.traces.safe_text import printable
from goalgen.traces.stats import ModelUsage, SpanStats, span_tokens
from goalgen.traces.tree import SpanNode, Trace

MAX_SHOWN_DEPTH = 10  # rich draws 4 columns per level: deeper would crowd 80 columns


def trace_header(trace: Trace) -> str:
    parts = [
        f"trace {trace.trace_id}",
        f"{len(trace.spans)} span{'s' if len(trace.spans) != 1 else ''}",
        printable(", ".join(trace.services)),
        f"{trace.duration_ms:.1f} ms",
    ]
    if trace.errors:
        parts.append(f"{trace.errors} error{'s' if trace.errors != 1 else ''}")
    return " · ".join(parts)


def _error_text(node: SpanNode) -> str:
    error = node.span.error or {}
    kind, message = error.get("type", ""), error.get("message", "")
    return printable(": ".join(part for part in (kind, message) if part))


def _mark_text(node: SpanNode) -> str:
    """Why the span is shown at the top although it has a parent id, or ""."""
    parent = node.span.parent_span_id
    if node.orphan:
        return f"(orphan: parent {parent} not found)"
    if node.cycle:
        if parent == node.span.span_id:
            return "(parent cycle: its own parent)"
        return f"(parent cycle: parent {parent} is below it)"
    return ""


def _depth_text(depth: int) -> str:
    return f"[depth {depth}] " if depth >= MAX_SHOWN_DEPTH else ""


def details_text(span: Span) -> str:
    """What tells a hop from the work inside it: the span kind unless ``internal``, the HTTP
    status code, the token counts; ``"(server, 200)"``, ``"(client, 12 in / 30 out tokens)"``,
    or "" when there is none of these."""
    parts = [] if span.kind == "internal" else [printable(span.kind)]
    code = span.metadata.get("http.response.status_code")
    if isinstance(code, int) and not isinstance(code, bool):
        parts.append(str(code))
    tokens_in, tokens_out = span_tokens(span)
    if tokens_in is not None or tokens_out is not None:
        counts = [
            f"{n} {side}" for n, side in ((tokens_in, "in"), (tokens_out, "out")) if n is not None
        ]
        parts.append(" / ".join(counts) + " tokens")
    return f"({', '.join(parts)})" if parts else ""


def span_line(node: SpanNode, depth: int = 0) -> str:
    """One span as plain text: name, service, duration, status, what went wrong, and its depth
    when that is past ``MAX_SHOWN_DEPTH``."""
    span = node.span
    details = details_text(span)
    line = (
        f"{_depth_text(depth)}{printable(span.name)}{'  ' + details if details else ''}  "
        f"[{printable(span.service)}]  {span.duration_ms:.2f} ms  {printable(span.status)}"
    )
    if span.failed and _error_text(node):
        line += f"  {_error_text(node)}"
    if _mark_text(node):
        line += f"  {_mark_text(node)}"
    return line


def render_text(traces: list[Trace], indent: str = "  ") -> str:
    """Every trace as its header and one indented line per span; traces separated by a blank
    line."""
    blocks = []
    for trace in traces:
        lines = [trace_header(trace)]
        for root in trace.roots:
            lines.extend(
                f"{indent * (min(depth, MAX_SHOWN_DEPTH) + 1)}{span_line(node, depth)}"
                for depth, node in root.walk()
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _span_label(node: SpanNode, depth: int) -> Text:
    span = node.span
    details = details_text(span)
    label = Text.assemble(
        _depth_text(depth),
        (printable(span.name), "bold"),
        (f"  {details}" if details else "", "dim"),
        "  ",
        (printable(span.service), "cyan"),
        "  ",
        (f"{span.duration_ms:.2f} ms", "yellow"),
        "  ",
        (printable(span.status), "bold red" if span.failed else "green"),
    )
    if span.failed and _error_text(node):
        label.append(f"  {_error_text(node)}", "red")
    if _mark_text(node):
        label.append(f"  {_mark_text(node)}", "magenta")
    return label


def rich_tree(trace: Trace) -> Tree:
    """A rich Tree of one trace, errors in red, orphans and broken cycles marked; spans deeper
    than ``MAX_SHOWN_DEPTH`` hang, in order, under their ancestor at that depth."""
    tree = Tree(Text(trace_header(trace), "bold red" if trace.errors else "bold"))
    branches = [tree]  # branches[d]: where a span at depth d goes (the last one at depth d - 1)
    for root in trace.roots:
        for depth, node in root.walk():
            shown = min(depth, MAX_SHOWN_DEPTH)
            child = branches[shown].add(_span_label(node, depth))
            if depth < MAX_SHOWN_DEPTH:
                del branches[depth + 1 :]
                branches.append(child)
    return tree


_STAT_COLUMNS = ("count", "errors", "total ms", "mean ms", "p50 ms", "p95 ms", "max ms")


def _stat_cells(s: SpanStats) -> list[str]:
    return [
        str(s.count),
        str(s.errors),
        *(f"{v:.2f}" for v in (s.total_ms, s.mean_ms, s.p50_ms, s.p95_ms, s.max_ms)),
    ]


def _aligned(rows: list[list[str]]) -> str:
    """Plain-text rows: the first column left-aligned, the numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def stats_text(stats: list[SpanStats]) -> str:
    """An aligned plain-text table: span name, then the numbers right-aligned."""
    return _aligned(
        [["span", *_STAT_COLUMNS]] + [[printable(s.name), *_stat_cells(s)] for s in stats]
    )


def stats_table(stats: list[SpanStats]) -> Table:
    """The same table for a terminal; names of spans that failed are red."""
    table = Table(title="Span timings", title_justify="left")
    names = [printable(s.name) for s in stats]
    longest = max((len(name) for name in names), default=4)
    table.add_column("span", min_width=min(longest, 40), overflow="fold")
    for column in _STAT_COLUMNS:
        table.add_column(column, justify="right")
    for s, name in zip(stats, names, strict=True):
        table.add_row(Text(name, "red" if s.errors else ""), *_stat_cells(s))
    return table


_MODEL_COLUMNS = ("calls", "input tokens", "output tokens", "without usage")


def _model_cells(u: ModelUsage) -> list[str]:
    return [str(n) for n in (u.calls, u.input_tokens, u.output_tokens, u.calls_without_usage)]


def models_text(usage: list[ModelUsage]) -> str:
    """Tokens per model as an aligned plain-text table."""
    return _aligned(
        [["model", *_MODEL_COLUMNS]] + [[printable(u.model), *_model_cells(u)] for u in usage]
    )


def models_table(usage: list[ModelUsage]) -> Table:
    """The same table for a terminal."""
    table = Table(title="Tokens per model", title_justify="left")
    table.add_column("model", overflow="fold")
    for column in _MODEL_COLUMNS:
        table.add_column(column, justify="right")
    for u in usage:
        table.add_row(Text(printable(u.model)), *_model_cells(u))
    return table


def cycle_text(trace: Trace, cycle: list[Span]) -> str:
    """One line naming the spans of a broken parent cycle, from the one shown as a root and down
    (at most five named)."""
    named = [f"{printable(span.name)} {span.span_id}" for span in cycle[:5]]
    if len(cycle) > 5:
        named.append(f"({len(cycle) - 5} more)")
    first = printable(cycle[0].name)
    spans = " -> ".join(named)
    return f"parent cycle in trace {trace.trace_id}: {spans} -> {first}; shown from {first}"
