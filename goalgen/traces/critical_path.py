"""The critical path of a trace: the chain of spans that determined when it ended.

Walk back from the end. In a span's window, the *cursor* starts at the window's end; the child
with the latest end at or before the cursor is where the span was waiting, so that child is on
the path: the time between its end and the cursor is the span's own (self) time, the child's
window is walked the same way, and the cursor moves back to the child's start. When no child
ends at or before the cursor, the rest of the window, back to its start, is the span's own time.
Children that overlap the cursor (they ran beside the child picked later) are passed over, as in
Jaeger. Ties on the end go to the child that started first, then to the lower span id.

The result is a list of ``Segment``: which span the trace was waiting on from when to when.
Segments never overlap and together cover the root span (with several top-level spans, the
whole trace), so the critical times of the spans on the path add up to the root's duration.

Clocks of different services disagree. A child from another service whose interval does not fit
inside its parent's is shifted, with everything under it, to the middle of the parent's
interval (to its start when the child is longer): network latency is assumed the same both
ways. Children of the same service share the parent's clock and are never shifted; what sticks
out of the parent's window is cut off (an asynchronous child that outlived its parent did not
hold it up), and a child left with no time inside the window is passed over.

A trace whose root is missing (orphans) or whose parents formed a cycle has several top-level
spans: they are walked as the children of a virtual root spanning the whole trace, with no skew
correction (there is no parent clock to compare with). Time no top-level span covers is a
segment with no span: the trace waited on something that is not in the input. Nothing here
recurses, so chains of any depth are fine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from goalgen.traces.records import Span
from goalgen.traces.safe_text import printable
from goalgen.traces.tree import SpanNode, Trace


@dataclass(frozen=True)
class Segment:
    """From ``start`` to ``end`` (seconds, skew-corrected) the trace waited on ``span`` itself
    (None: on no span in the input); ``offset`` is the skew shift applied to the span, so
    ``start - offset`` is the same moment on the span's own clock."""

    span: Span | None
    start: float
    end: float
    offset: float = 0.0

    @property
    def duration_ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class CriticalPath:
    """A trace's critical path: its segments in time order, and the spans on it in tree order."""

    trace: Trace
    segments: list[Segment]
    spans: list[Span]

    @property
    def span_ids(self) -> set[str]:
        return {span.span_id for span in self.spans}

    def critical_ms(self) -> dict[str, float]:
        """Milliseconds each span on the path was what the trace waited on, by span id."""
        totals: dict[str, float] = {}
        for segment in self.segments:
            if segment.span is not None:
                key = segment.span.span_id
                totals[key] = totals.get(key, 0.0) + segment.duration_ms
        return totals

    def to_dict(self) -> list[dict[str, Any]]:
        """The spans on the path, in tree order, each with its critical milliseconds."""
        totals = self.critical_ms()
        return [
            {
                "span_id": span.span_id,
                "name": span.name,
                "service": span.service,
                "critical_ms": round(totals.get(span.span_id, 0.0), 3),
            }
            for span in self.spans
        ]


@dataclass
class _Window:
    """A node (None: the virtual root) to walk, its window and its clock offset (seconds)."""

    node: SpanNode | None
    start: float
    end: float
    offset: float


def _skew(child: Span, parent: Span, parent_offset: float) -> float:
    """The clock offset for ``child``: its parent's, plus a shift when it is from another
    service and does not fit inside the parent as the parent's clock saw it."""
    start, end = child.start_time + parent_offset, child.end_time + parent_offset
    low, high = parent.start_time + parent_offset, parent.end_time + parent_offset
    if child.service == parent.service or (low <= start and end <= high):
        return parent_offset
    slack = (high - low) - (end - start)
    return parent_offset + low + max(slack, 0.0) / 2 - start


def _pieces(
    window: _Window, children: list[SpanNode]
) -> list[tuple[SpanNode, float, float, float]]:
    """Each child as (node, start, end, offset), corrected and cut to the window, those with
    time left inside it only."""
    pieces = []
    for child in children:
        if window.node is None:
            offset = 0.0
        else:
            offset = _skew(child.span, window.node.span, window.offset)
        start = max(child.span.start_time + offset, window.start)
        end = min(child.span.end_time + offset, window.end)
        if end > start:
            pieces.append((child, start, end, offset))
    # latest end first; on a tie the earlier start, then the lower span id
    pieces.sort(key=lambda p: (-p[2], p[1], p[0].span.span_id))
    return pieces


def _walk(window: _Window, children: list[SpanNode]) -> tuple[list[Segment], list[_Window]]:
    """The window's own segments and the children's windows to walk next."""
    span = window.node.span if window.node is not None else None
    segments, picked = [], []
    cursor = window.end
    for child, start, end, offset in _pieces(window, children):
        if end > cursor:
            continue  # overlaps the cursor: ran beside a child picked later
        if end < cursor:
            segments.append(Segment(span, end, cursor, window.offset))
        picked.append(_Window(child, start, end, offset))
        cursor = start
    if cursor > window.start:
        segments.append(Segment(span, window.start, cursor, window.offset))
    return segments, picked


def critical_path(trace: Trace) -> CriticalPath:
    """The critical path of ``trace`` (see the module docstring for the algorithm)."""
    if len(trace.roots) == 1:
        root = trace.roots[0]
        first = _Window(root, root.span.start_time, root.span.end_time, 0.0)
    else:
        end = max(span.end_time for span in trace.spans)
        first = _Window(None, trace.start_time, end, 0.0)
    segments: list[Segment] = []
    on_path: set[str] = set()
    pending = [first]
    while pending:
        window = pending.pop()
        if window.node is not None:
            on_path.add(window.node.span.span_id)
        children = window.node.children if window.node is not None else trace.roots
        own, picked = _walk(window, children)
        segments.extend(own)
        pending.extend(picked)
    segments.sort(key=lambda s: s.start)
    spans = [node.span for root in trace.roots for _, node in root.walk()]
    return CriticalPath(trace, segments, [s for s in spans if s.span_id in on_path])


def critical_path_text(path: CriticalPath, indent: str = "  ") -> str:
    """The path as plain lines: a header, then each span on it with its critical time."""
    totals = path.critical_ms()
    lines = [f"critical path of trace {path.trace.trace_id}: {len(path.spans)} span(s)"]
    for span in path.spans:
        lines.append(
            f"{indent}{printable(span.name)}  [{printable(span.service)}]  "
            f"{totals.get(span.span_id, 0.0):.2f} of {span.duration_ms:.2f} ms"
        )
    missing = sum(s.duration_ms for s in path.segments if s.span is None)
    if missing > 0:
        lines.append(f"{indent}(no span in the input)  {missing:.2f} ms")
    return "\n".join(lines) + "\n"
