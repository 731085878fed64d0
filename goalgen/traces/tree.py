"""Group spans into traces and link each span under its parent.

Spans from several processes share a trace id (the W3C ``traceparent`` carried it across), so
merging their files gives one tree per trace. A span whose parent is in no file read (an
"orphan") becomes a top-level node marked as such, so nothing is silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from goalgen.traces.records import Span


@dataclass(eq=False)
class SpanNode:
    """A span and its children, ordered by start time."""

    span: Span
    children: list[SpanNode] = field(default_factory=list)
    orphan: bool = False  # has a parent id, but that span was not in the input

    def walk(self, depth: int = 0) -> Iterable[tuple[int, SpanNode]]:
        """(depth, node) for this node and everything under it, depth first."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def to_dict(self) -> dict[str, Any]:
        data = self.span.to_dict()
        if self.orphan:
            data["orphan"] = True
        data["children"] = [child.to_dict() for child in self.children]
        return data


@dataclass
class Trace:
    """All spans of one trace id, as a forest (usually one root)."""

    trace_id: str
    roots: list[SpanNode]
    spans: list[Span]

    @property
    def start_time(self) -> float:
        return min(s.start_time for s in self.spans)

    @property
    def duration_ms(self) -> float:
        """Wall time from the first span's start to the last span's end."""
        return (max(s.end_time for s in self.spans) - self.start_time) * 1000

    @property
    def services(self) -> list[str]:
        return sorted({s.service for s in self.spans})

    @property
    def errors(self) -> int:
        return sum(1 for s in self.spans if s.failed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "start_time": self.start_time,
            "duration_ms": round(self.duration_ms, 3),
            "services": self.services,
            "span_count": len(self.spans),
            "errors": self.errors,
            "roots": [root.to_dict() for root in self.roots],
        }


def _link(spans: list[Span]) -> list[SpanNode]:
    """Roots of one trace's forest; every span appears exactly once, even with broken links."""
    ordered = sorted(spans, key=lambda s: (s.start_time, s.end_time))
    nodes = {s.span_id: SpanNode(s) for s in ordered}
    roots: list[SpanNode] = []
    for span in ordered:
        node = nodes[span.span_id]
        parent = nodes.get(span.parent_span_id) if span.parent_span_id else None
        if parent is None or parent is node:
            node.orphan = span.parent_span_id is not None
            roots.append(node)
        else:
            parent.children.append(node)
    # A parent cycle (corrupt input) leaves spans unreachable from any root: show them as orphans.
    reached = {id(n) for root in roots for _, n in root.walk()}
    for node in nodes.values():
        if id(node) not in reached:
            node.orphan = True
            for parent in nodes.values():
                parent.children = [c for c in parent.children if c is not node]
            roots.append(node)
            reached.update(id(n) for _, n in node.walk())
    return roots


def build_traces(spans: Iterable[Span]) -> list[Trace]:
    """One Trace per trace id, earliest first."""
    by_trace: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        by_trace[span.trace_id].append(span)
    traces = [Trace(tid, _link(group), group) for tid, group in by_trace.items()]
    return sorted(traces, key=lambda t: t.start_time)


def select_traces(traces: list[Trace], prefix: str) -> list[Trace]:
    """Traces whose id starts with ``prefix`` (case-insensitive)."""
    prefix = prefix.strip().lower()
    return [t for t in traces if t.trace_id.startswith(prefix)]
