"""The OpenTelemetry side of the benchmarks: a span exporter writing one JSON line per span.

Both benchmarks hand it to the SDK's ``BatchSpanProcessor`` so OpenTelemetry does the same
work frmk does: every span written as one compact JSON object on one line of a file.
"""

from __future__ import annotations

from typing import Any


class JsonLinesExporter:
    """A ``SpanExporter`` (by shape) that appends ``span.to_json()`` lines to a file."""

    def __init__(self, path: str) -> None:
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in shutdown

    def export(self, spans: Any) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        self._file.write("".join(span.to_json(indent=None) + "\n" for span in spans))
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        self._file.flush()
        return True

    def shutdown(self) -> None:
        self._file.close()
