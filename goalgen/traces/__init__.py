"""Read span JSON lines from one or more processes and turn them into trees and timings.

Pure functions behind ``goalgen traces`` and the demo: ``read_spans`` (files -> spans, bad lines
counted; each line decoded by ``goalgen.traces.json_lines``), ``build_traces`` (spans -> one tree
per trace id, parent cycles broken), ``compute_stats`` (per span name), ``compute_model_usage``
(calls and tokens per model), and text/rich rendering
in ``goalgen.traces.render`` (file text made safe by ``goalgen.traces.safe_text.printable``).
"""

from goalgen.traces.records import BadLine, ReadResult, Span, parse_span, read_spans
from goalgen.traces.stats import (
    ModelUsage,
    SpanStats,
    compute_model_usage,
    compute_stats,
    percentile,
)
from goalgen.traces.tree import SpanNode, Trace, build_traces, select_traces

__all__ = [
    "BadLine",
    "ModelUsage",
    "ReadResult",
    "Span",
    "SpanNode",
    "SpanStats",
    "Trace",
    "build_traces",
    "compute_model_usage",
    "compute_stats",
    "parse_span",
    "percentile",
    "read_spans",
    "select_traces",
]
