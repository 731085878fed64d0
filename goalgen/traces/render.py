"""Turn traces and stats into text: plain indented lines for pipes and logs, rich renderables
for a terminal. Nothing here prints; the CLI decides where output goes."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from goalgen.traces.stats import SpanStats
from goalgen.traces.tree import SpanNode, Trace


def trace_header(trace: Trace) -> str:
    parts = [
        f"trace {trace.trace_id}",
        f"{len(trace.spans)} span{'s' if len(trace.spans) != 1 else ''}",
        ", ".join(trace.services),
        f"{trace.duration_ms:.1f} ms",
    ]
    if trace.errors:
        parts.append(f"{trace.errors} error{'s' if trace.errors != 1 else ''}")
    return " · ".join(parts)


def _error_text(node: SpanNode) -> str:
    error = node.span.error or {}
    kind, message = error.get("type", ""), error.get("message", "")
    return ": ".join(part for part in (kind, message) if part)


def _orphan_text(node: SpanNode) -> str:
    return f"orphan: parent {node.span.parent_span_id} not found"


def span_line(node: SpanNode) -> str:
    """One span as plain text: name, service, duration, status, and what went wrong."""
    span = node.span
    line = f"{span.name}  [{span.service}]  {span.duration_ms:.2f} ms  {span.status}"
    if span.failed and _error_text(node):
        line += f"  {_error_text(node)}"
    if node.orphan:
        line += f"  ({_orphan_text(node)})"
    return line


def render_text(traces: list[Trace], indent: str = "  ") -> str:
    """Every trace as its header and one indented line per span; traces separated by a blank
    line."""
    blocks = []
    for trace in traces:
        lines = [trace_header(trace)]
        for root in trace.roots:
            lines.extend(f"{indent * (depth + 1)}{span_line(n)}" for depth, n in root.walk())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _span_markup(node: SpanNode) -> str:
    span = node.span
    status = "[bold red]error[/]" if span.failed else "[green]ok[/]"
    text = (
        f"[bold]{escape(span.name)}[/]  [cyan]{escape(span.service)}[/]  "
        f"[yellow]{span.duration_ms:.2f} ms[/]  {status}"
    )
    if span.failed and _error_text(node):
        text += f"  [red]{escape(_error_text(node))}[/]"
    if node.orphan:
        text += f"  [magenta]({escape(_orphan_text(node))})[/]"
    return text


def _add(branch: Tree, node: SpanNode) -> None:
    child = branch.add(_span_markup(node))
    for grandchild in node.children:
        _add(child, grandchild)


def rich_tree(trace: Trace) -> Tree:
    """A rich Tree of one trace, errors in red, orphans marked."""
    style = "bold red" if trace.errors else "bold"
    tree = Tree(f"[{style}]{escape(trace_header(trace))}[/]")
    for root in trace.roots:
        _add(tree, root)
    return tree


_STAT_COLUMNS = ("count", "errors", "total ms", "mean ms", "p50 ms", "p95 ms", "max ms")


def _stat_cells(s: SpanStats) -> list[str]:
    return [
        str(s.count),
        str(s.errors),
        *(f"{v:.2f}" for v in (s.total_ms, s.mean_ms, s.p50_ms, s.p95_ms, s.max_ms)),
    ]


def stats_text(stats: list[SpanStats]) -> str:
    """An aligned plain-text table: span name, then the numbers right-aligned."""
    rows = [["span", *_STAT_COLUMNS]] + [[s.name, *_stat_cells(s)] for s in stats]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def stats_table(stats: list[SpanStats]) -> Table:
    """The same table for a terminal; names of spans that failed are red."""
    table = Table(title="Span timings", title_justify="left")
    longest = max((len(s.name) for s in stats), default=4)
    table.add_column("span", min_width=min(longest, 40), overflow="fold")
    for column in _STAT_COLUMNS:
        table.add_column(column, justify="right")
    for s in stats:
        name = f"[red]{escape(s.name)}[/]" if s.errors else escape(s.name)
        table.add_row(name, *_stat_cells(s))
    return table
