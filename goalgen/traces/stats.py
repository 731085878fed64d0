"""Per span name timing statistics: count, total, mean, p50, p95, max (milliseconds).

Percentiles interpolate linearly between the two nearest ranks (numpy's default), so p50 of
[10, 20] is 15 and any percentile of one value is that value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from goalgen.traces.records import Span


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` (0..1) percentile of already sorted, non-empty values."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass
class SpanStats:
    """Timings of every span with one name."""

    name: str
    component: str
    count: int
    errors: int
    total_ms: float
    mean_ms: float
    p50_ms: float
    p95_ms: float
    max_ms: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("total_ms", "mean_ms", "p50_ms", "p95_ms", "max_ms"):
            data[key] = round(data[key], 3)
        return data


def compute_stats(spans: Iterable[Span]) -> list[SpanStats]:
    """Stats per span name, the largest total time first."""
    groups: dict[str, list[Span]] = defaultdict(list)
    for span in spans:
        groups[span.name].append(span)
    stats = []
    for name, group in groups.items():
        durations = sorted(s.duration_ms for s in group)
        total = sum(durations)
        stats.append(
            SpanStats(
                name=name,
                component=group[0].component,
                count=len(durations),
                errors=sum(1 for s in group if s.failed),
                total_ms=total,
                mean_ms=total / len(durations),
                p50_ms=percentile(durations, 0.5),
                p95_ms=percentile(durations, 0.95),
                max_ms=durations[-1],
            )
        )
    return sorted(stats, key=lambda s: (-s.total_ms, s.name))
