"""Group spans into traces and link each span under its parent.

Spans from several processes share a trace id (the W3C ``traceparent`` carried it across), so
merging their files gives one tree per trace. A span whose parent is in no file read (an
"orphan") becomes a top-level node marked as such, so nothing is silently dropped. Corrupt input
can make parents form a cycle (A's parent is B, B's is A; a span its own parent): each cycle is
broken at its earliest span, which becomes a top-level node marked ``cycle`` and is listed in
``Trace.cycles``. Nothing here recurses, so a chain of any depth is fine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from goalgen.traces.records import Span


@dataclass(eq=False)
class SpanNode:
    """A span and its children, ordered by start time."""

    span: Span
    children: list[SpanNode] = field(default_factory=list)
    orphan: bool = False  # has a parent id, but that span was not in the input
    cycle: bool = False  # its parent is also below it: the link was dropped to break the cycle

    def walk(self) -> Iterator[tuple[int, SpanNode]]:
        """(depth, node) for this node (depth 0) and everything under it, depth first."""
        stack = [(0, self)]
        while stack:
            depth, node = stack.pop()
            yield depth, node
            stack.extend((depth + 1, child) for child in reversed(node.children))

    def to_dict(self, depth: int) -> dict[str, Any]:
        """The span's record, with its ``depth`` in the tree and the orphan/cycle marks."""
        data = self.span.to_dict()
        data["depth"] = depth
        if self.orphan:
            data["orphan"] = True
        if self.cycle:
            data["cycle"] = True
        return data


@dataclass
class Trace:
    """All spans of one trace id, as a forest (usually one root)."""

    trace_id: str
    roots: list[SpanNode]
    spans: list[Span]
    cycles: list[list[Span]] = field(default_factory=list)  # each from the span shown as root

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
            "cycles": [[span.span_id for span in cycle] for cycle in self.cycles],
            "spans": [node.to_dict(depth) for root in self.roots for depth, node in root.walk()],
        }


def _break_cycles(parent: dict[SpanNode, SpanNode | None]) -> list[list[SpanNode]]:
    """Drop one parent link in every cycle of ``parent`` (nodes in start order); return each
    cycle as its nodes from the one cut loose, then down the tree."""
    order = {node: index for index, node in enumerate(parent)}
    done: set[SpanNode] = set()
    cycles = []
    for start in parent:
        path: list[SpanNode] = []
        on_path: set[SpanNode] = set()
        node: SpanNode | None = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent[node]
        if node is not None and node in on_path:  # following parents came back round
            ring = path[path.index(node) :]  # each entry's parent is the next one
            cut = min(ring, key=order.__getitem__)
            at = ring.index(cut)
            parent[cut], cut.cycle = None, True
            cycles.append([cut, *reversed(ring[:at]), *reversed(ring[at + 1 :])])
        done.update(path)
    return cycles


def _link(spans: list[Span]) -> tuple[list[SpanNode], list[list[Span]]]:
    """Roots of one trace's forest (span ids unique) and its broken parent cycles; every span
    appears exactly once, even with broken links."""
    ordered = sorted(spans, key=lambda s: (s.start_time, s.end_time))
    nodes = {span.span_id: SpanNode(span) for span in ordered}
    parent: dict[SpanNode, SpanNode | None] = {}
    for node in nodes.values():
        parent_id = node.span.parent_span_id
        parent[node] = nodes.get(parent_id) if parent_id is not None else None
        node.orphan = parent_id is not None and parent[node] is None
    cycles = _break_cycles(parent)
    roots = []
    for node, above in parent.items():
        (roots if above is None else above.children).append(node)
    return roots, [[node.span for node in cycle] for cycle in cycles]


def build_traces(spans: Iterable[Span]) -> list[Trace]:
    """One Trace per trace id, earliest first; a span id seen again in a trace keeps the first."""
    by_trace: dict[str, dict[str, Span]] = defaultdict(dict)
    for span in spans:
        by_trace[span.trace_id].setdefault(span.span_id, span)
    traces = []
    for trace_id, by_id in by_trace.items():
        group = list(by_id.values())
        roots, cycles = _link(group)
        traces.append(Trace(trace_id, roots, group, cycles))
    return sorted(traces, key=lambda t: t.start_time)


def select_traces(traces: list[Trace], prefix: str) -> list[Trace]:
    """Traces whose id starts with ``prefix`` (case-insensitive)."""
    prefix = prefix.strip().lower()
    return [t for t in traces if t.trace_id.startswith(prefix)]
