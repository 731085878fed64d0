"""Live traces from span files being written: each trace is handed over once it has ended.

``Follower.poll`` reads the new lines of every file (``goalgen.traces.tail``), parses each as
``goalgen traces`` does (one of our span records or an OTLP JSON export request), and gathers
spans per trace id until the trace is done. Spans are written when they end, so a trace's root
comes after its children from the same process; spans from other processes come when their
process flushes, possibly a little after the root. A trace is handed over (``Finished``):

- complete, ``settle`` seconds after its last span arrived, once it has a span without a parent
  and every span's parent is in (the tree is whole);
- complete, ``grace`` seconds after its last span arrived, when the only parents missing are
  those of ``server`` / ``consumer`` spans: by OpenTelemetry's conventions their parent is in
  another process, whose file is not being followed; those spans are shown as orphans;
- incomplete, ``timeout`` seconds after its last span arrived, otherwise (a root that never
  came: its process died, or its file is not followed).

Times are arrival times on a monotonic clock, never the spans' own clocks, so skew between
hosts does not matter. A span that arrives for a trace already handed over is *late*: it is
counted and told (``notices``), not shown; one seen before (a file read again after truncation,
or passed twice) is dropped silently. The ids of the last ``REMEMBERED_TRACES`` traces handed
over are kept for that.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from goalgen.traces.records import Span, parse_line
from goalgen.traces.tail import FollowedFile, Line
from goalgen.traces.tree import Trace, build_traces

REMEMBERED_TRACES = 10_000
REMOTE_PARENT_KINDS = frozenset({"server", "consumer"})


@dataclass(frozen=True)
class Timing:
    """How long to wait, in seconds after a trace's last span arrived (see the module doc)."""

    settle: float = 1.0
    grace: float = 5.0
    timeout: float = 30.0


@dataclass
class Finished:
    """A trace handed over; ``incomplete`` says why it was not whole (``""`` when it was)."""

    trace: Trace
    incomplete: str = ""


def line_spans(line: Line) -> tuple[list[Span], list[str]]:
    """The spans on one line, and the reasons for what on it could not be read."""
    if not line.raw.strip():
        return [], []
    return parse_line(line.raw, line.first, line.source)


@dataclass
class _Pending:
    """The spans of one trace gathered so far, and what keeps it from being whole."""

    spans: dict[str, Span] = field(default_factory=dict)
    missing: dict[str, bool] = field(default_factory=dict)  # parent id -> awaited by local spans
    roots: int = 0  # spans without a parent
    last_arrival: float = 0.0

    def add(self, span: Span, now: float) -> None:
        self.spans[span.span_id] = span
        self.last_arrival = now
        self.missing.pop(span.span_id, None)
        parent = span.parent_span_id
        if parent is None:
            self.roots += 1
        elif parent not in self.spans:
            local = span.kind not in REMOTE_PARENT_KINDS
            self.missing[parent] = self.missing.get(parent, False) or local

    def due(self, timing: Timing) -> tuple[float, str]:
        """When this trace is to be handed over, and "" or why it is incomplete."""
        if not self.missing and self.roots:
            return self.last_arrival + timing.settle, ""
        if self.missing and not any(self.missing.values()):
            return self.last_arrival + timing.grace, ""
        return self.last_arrival + timing.timeout, _why_incomplete(self, timing.timeout)


def _why_incomplete(pending: _Pending, timeout: float) -> str:
    waiting = [parent for parent, local in pending.missing.items() if local]
    if waiting:
        return f"no span {waiting[0]} (the parent of other spans) within {timeout:g} s"
    return f"no span without a parent within {timeout:g} s"


class TraceAssembler:
    """Gathers spans per trace and hands each trace over when it is due (``Timing``)."""

    def __init__(self, timing: Timing, trace_prefix: str | None = None) -> None:
        self.timing = timing
        self.trace_prefix = (trace_prefix or "").strip().lower()
        self.late = 0
        self.notices: list[str] = []
        self._pending: dict[str, _Pending] = {}
        self._done: OrderedDict[str, frozenset[str]] = OrderedDict()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, span: Span, now: float) -> None:
        """Take one span that arrived at ``now`` (a monotonic clock reading)."""
        if not span.trace_id.startswith(self.trace_prefix):
            return
        done = self._done.get(span.trace_id)
        if done is not None:
            if span.span_id not in done:
                self.late += 1
                self.notices.append(
                    f"late span {span.name!r} ({span.source}) of trace {span.trace_id} "
                    "arrived after the trace was shown"
                )
            return
        pending = self._pending.setdefault(span.trace_id, _Pending())
        if span.span_id not in pending.spans:
            pending.add(span, now)

    def due(self, now: float) -> list[Finished]:
        """The traces due at ``now``, earliest first, no longer pending."""
        ready = []
        for trace_id, pending in self._pending.items():
            at, why = pending.due(self.timing)
            if at <= now:
                ready.append((trace_id, why))
        return self._hand_over(ready)

    def drain(self) -> list[Finished]:
        """Every pending trace now: those whole as complete, the rest as incomplete."""
        ready = []
        for trace_id, pending in self._pending.items():
            why = pending.due(self.timing)[1]
            ready.append((trace_id, why and "still waiting when following stopped"))
        return self._hand_over(ready)

    def _hand_over(self, ready: Iterable[tuple[str, str]]) -> list[Finished]:
        finished = []
        for trace_id, why in ready:
            pending = self._pending.pop(trace_id)
            (trace,) = build_traces(pending.spans.values())
            finished.append(Finished(trace, why))
            self._done[trace_id] = frozenset(pending.spans)
            if len(self._done) > REMEMBERED_TRACES:
                self._done.popitem(last=False)
        return sorted(finished, key=lambda f: f.trace.start_time)


class Follower:
    """Files followed together and the traces assembled from them; ``notices`` (what happened
    to the files) and ``warnings`` (lines that are not spans, late spans) wait for the caller to
    show and clear them."""

    def __init__(
        self, paths: Iterable[str], timing: Timing, trace_prefix: str | None = None
    ) -> None:
        self.files = [FollowedFile(path) for path in dict.fromkeys(paths)]
        self.assembler = TraceAssembler(timing, trace_prefix)
        self.skipped = 0
        self.notices: list[str] = []
        self.warnings: list[str] = []
        self._told_bad: set[str] = set()  # files whose first bad line was told

    def poll(self, now: float) -> list[Finished]:
        """Read what was written since the last poll; the traces now due."""
        for followed in self.files:
            for line in followed.read(now):
                self._take(followed, line, now)
            self.notices += followed.notices
            followed.notices.clear()
        finished = self.assembler.due(now)
        self.warnings += self.assembler.notices
        self.assembler.notices.clear()
        return finished

    @property
    def behind(self) -> bool:
        """True when the last poll left lines unread (a backlog): poll again without waiting."""
        return any(followed.behind for followed in self.files)

    def stop(self, now: float) -> list[Finished]:
        """Read what is left, close the files, and hand over every pending trace."""
        finished = self.poll(now)
        for followed in self.files:
            followed.close()
        return finished + self.assembler.drain()

    def _take(self, followed: FollowedFile, line: Line, now: float) -> None:
        spans, problems = line_spans(line)
        if problems:
            self.skipped += len(problems)
            if followed.path not in self._told_bad:
                self._told_bad.add(followed.path)
                self.warnings.append(
                    f"skipping lines that are not spans (first: {line.source}: {problems[0]})"
                )
        for span in spans:
            self.assembler.add(span, now)
