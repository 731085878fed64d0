"""Per span name timing statistics: count, total, mean, p50, p95, max (milliseconds); and
per model calls and tokens, from the GenAI attributes of LLM spans. ``StatsAccumulator`` takes
one span at a time, so the same figures come from a list of spans or a stream of lines.

Percentiles interpolate linearly between the two nearest ranks (numpy's default), so p50 of
[10, 20] is 15 and any percentile of one value is that value.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from goalgen.traces.records import Span

RESPONSE_MODEL, REQUEST_MODEL = "gen_ai.response.model", "gen_ai.request.model"
INPUT_TOKENS, OUTPUT_TOKENS = "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"


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


def metadata_model(metadata: dict[str, Any]) -> str | None:
    """The model a span called: ``gen_ai.response.model`` (what answered), else
    ``gen_ai.request.model``; ``None`` for spans that name none."""
    for key in (RESPONSE_MODEL, REQUEST_MODEL):
        model = metadata.get(key)
        if isinstance(model, str) and model:
            return model
    return None


def metadata_tokens(metadata: dict[str, Any]) -> tuple[int | None, int | None]:
    """``(gen_ai.usage.input_tokens, gen_ai.usage.output_tokens)``, each ``None`` when absent."""
    return _count(metadata.get(INPUT_TOKENS)), _count(metadata.get(OUTPUT_TOKENS))


def span_model(span: Span) -> str | None:
    """``metadata_model`` of a span."""
    return metadata_model(span.metadata)


def span_tokens(span: Span) -> tuple[int | None, int | None]:
    """``metadata_tokens`` of a span."""
    return metadata_tokens(span.metadata)


class _Timings:
    """The durations of one span name, kept as 8-byte floats, and its errors."""

    __slots__ = ("component", "durations", "errors")

    def __init__(self, component: str) -> None:
        self.component = component  # of the first span read with this name
        self.durations = array("d")
        self.errors = 0


class StatsAccumulator:
    """Span timings per name and tokens per model, fed one span at a time.

    What it keeps grows with the spans only by one 8-byte duration each (percentiles need them
    all; they are sorted once at the end), so ``--stats`` runs over a stream of any length.
    """

    def __init__(self) -> None:
        self._names: dict[str, _Timings] = {}
        self._usage: dict[str, ModelUsage] = {}

    def add(
        self,
        name: str,
        component: str,
        duration_ms: float,
        failed: bool,
        model: str | None,
        tokens: tuple[int | None, int | None],
    ) -> None:
        """Count one span: its name's timing and, when it names a ``model``, its ``tokens``."""
        timings = self._names.get(name)
        if timings is None:
            timings = self._names[name] = _Timings(component)
        timings.durations.append(duration_ms)
        if failed:
            timings.errors += 1
        if model is not None:
            self.add_usage(model, tokens)

    def add_span(self, span: Span) -> None:
        """``add`` for a parsed span."""
        self.add(span.name, span.component, span.duration_ms, span.failed, span_model(span),
                 span_tokens(span))

    def add_usage(self, model: str, tokens: tuple[int | None, int | None]) -> None:
        """Count one call of ``model`` with its ``(input, output)`` tokens (``None``: absent)."""
        row = self._usage.get(model)
        if row is None:
            row = self._usage[model] = ModelUsage(model)
        row.calls += 1
        tokens_in, tokens_out = tokens
        if tokens_in is None and tokens_out is None:
            row.calls_without_usage += 1
        row.input_tokens += tokens_in or 0
        row.output_tokens += tokens_out or 0

    def stats(self) -> list[SpanStats]:
        """Stats per span name, the largest total time first."""
        out = []
        for name, timings in self._names.items():
            durations = sorted(timings.durations)
            total = sum(durations)
            out.append(
                SpanStats(
                    name=name,
                    component=timings.component,
                    count=len(durations),
                    errors=timings.errors,
                    total_ms=total,
                    mean_ms=total / len(durations),
                    p50_ms=percentile(durations, 0.5),
                    p95_ms=percentile(durations, 0.95),
                    max_ms=durations[-1],
                )
            )
        return sorted(out, key=lambda s: (-s.total_ms, s.name))

    def usage(self) -> list[ModelUsage]:
        """Tokens per model, most tokens first."""
        rows = self._usage.values()
        return sorted(rows, key=lambda u: (-(u.input_tokens + u.output_tokens), u.model))


def compute_stats(spans: Iterable[Span]) -> list[SpanStats]:
    """Stats per span name, the largest total time first; a name's component is that of its
    first span."""
    accumulator = StatsAccumulator()
    for span in spans:
        accumulator.add_span(span)
    return accumulator.stats()


def compute_model_usage(spans: Iterable[Span]) -> list[ModelUsage]:
    """Tokens per model over every span that names a model, most tokens first. Keeps one
    counter per model, not the spans, so it can run over a stream of any length."""
    accumulator = StatsAccumulator()
    for span in spans:
        model = span_model(span)
        if model is not None:
            accumulator.add_usage(model, span_tokens(span))
    return accumulator.usage()
