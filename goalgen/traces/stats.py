"""Per span name timing statistics: count, total, mean, p50, p95, max (milliseconds); and
per model calls and tokens, from the GenAI attributes of LLM spans.

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


@dataclass
class ModelUsage:
    """Calls and tokens of one model, from spans with GenAI attributes."""

    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    calls_without_usage: int = 0  # the span had no token counts (usage absent, never estimated)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(value: object) -> int | None:
    """A token count as the runtime writes it (a non-negative int), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def span_model(span: Span) -> str | None:
    """The model a span called: ``gen_ai.response.model`` (what answered), else
    ``gen_ai.request.model``; ``None`` for spans that name none."""
    for key in ("gen_ai.response.model", "gen_ai.request.model"):
        model = span.metadata.get(key)
        if isinstance(model, str) and model:
            return model
    return None


def span_tokens(span: Span) -> tuple[int | None, int | None]:
    """``(gen_ai.usage.input_tokens, gen_ai.usage.output_tokens)``, each ``None`` when absent."""
    meta = span.metadata
    return _count(meta.get("gen_ai.usage.input_tokens")), _count(
        meta.get("gen_ai.usage.output_tokens")
    )


def compute_model_usage(spans: Iterable[Span]) -> list[ModelUsage]:
    """Tokens per model over every span that names a model, most tokens first. Keeps one
    counter per model, not the spans, so it can run over a stream of any length."""
    usage: dict[str, ModelUsage] = {}
    for span in spans:
        model = span_model(span)
        if model is None:
            continue
        row = usage.get(model)
        if row is None:
            row = usage[model] = ModelUsage(model)
        row.calls += 1
        tokens_in, tokens_out = span_tokens(span)
        if tokens_in is None and tokens_out is None:
            row.calls_without_usage += 1
        row.input_tokens += tokens_in or 0
        row.output_tokens += tokens_out or 0
    return sorted(usage.values(), key=lambda u: (-(u.input_tokens + u.output_tokens), u.model))
