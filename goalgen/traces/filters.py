"""Choose which traces to show: by service, errors, start time, and the slowest N.

Every filter keeps or drops whole traces, so what is shown is always a complete tree. Times on
the command line (``--since`` / ``--until``) are read by ``parse_time``: epoch seconds, an ISO
8601 date or date-time (no zone: local time), or an age such as ``90s``, ``15m``, ``2h``, ``1d``
(that long before now).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from goalgen.traces.tree import Trace

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_time(text: str, now: float) -> float:
    """Epoch seconds for ``text`` (see the module docstring); ``ValueError`` names the problem."""
    value = text.strip()
    age = _AGE.fullmatch(value.lower())
    if age:
        return now - float(age.group(1)) * _UNIT_SECONDS[age.group(2)]
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time (epoch seconds, ISO 8601 such as 2026-05-01T12:00, "
            "or an age such as 15m, 2h, 1d)"
        ) from None


@dataclass(frozen=True)
class TraceFilter:
    """What to keep; the defaults keep everything."""

    service: str | None = None  # traces with at least one span of this service
    errors: bool = False  # traces with at least one failed span
    since: float | None = None  # traces that started at or after (epoch seconds)
    until: float | None = None  # traces that started at or before (epoch seconds)
    slowest: int | None = None  # then the N longest, longest first

    def apply(self, traces: list[Trace]) -> list[Trace]:
        """The traces kept, in their order (longest first with ``slowest``)."""
        kept = [trace for trace in traces if self._keeps(trace)]
        if self.slowest is not None:
            kept = sorted(kept, key=lambda t: (-t.duration_ms, t.start_time))[: self.slowest]
        return kept

    def _keeps(self, trace: Trace) -> bool:
        if self.service is not None and all(s.service != self.service for s in trace.spans):
            return False
        if self.errors and not trace.errors:
            return False
        if self.since is not None and trace.start_time < self.since:
            return False
        return self.until is None or trace.start_time <= self.until
