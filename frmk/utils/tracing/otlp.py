"""``TRACING_OUTPUT=otlp``: hand finished spans to the OpenTelemetry SDK's OTLP/HTTP exporter.

Our ids, parents, times, status and metadata are kept as they are (the record becomes an SDK
``ReadableSpan``), batched by the SDK's ``BatchSpanProcessor``. The endpoint and headers come
from the usual ``OTEL_EXPORTER_OTLP_*`` variables. Needs the ``otel`` extra.
"""

from __future__ import annotations

from typing import Any

from frmk.utils.tracing.sinks import Sink

_KINDS: dict[str, Any] = {}


def _span_kinds() -> dict[str, Any]:
    from opentelemetry.trace import SpanKind

    return {kind.name.lower(): kind for kind in SpanKind}


class OtlpSink(Sink):
    """Converts span records to SDK spans and exports them through a batch processor."""

    wants_records = True

    def __init__(self, exporter: Any = None) -> None:
        try:
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "TRACING_OUTPUT=otlp needs the OpenTelemetry SDK: pip install 'goalgen[otel]'"
            ) from exc
        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        self._processor = BatchSpanProcessor(exporter)
        self._resources: dict[str, Any] = {}
        self._resource_cls = Resource
        _KINDS.update(_span_kinds())

    def write_record(self, record: dict[str, Any]) -> None:
        try:
            self._processor.on_end(self._to_otel(record))
            self.written += 1
        except Exception:
            self.dropped += 1

    def _to_otel(self, record: dict[str, Any]) -> Any:
        from opentelemetry.sdk.trace import ReadableSpan
        from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

        service = record["service"]
        resource = self._resources.get(service)
        if resource is None:
            resource = self._resources[service] = self._resource_cls.create(
                {"service.name": service}
            )
        trace_id = int(record["trace_id"], 16)
        ctx = SpanContext(trace_id, int(record["span_id"], 16), False, TraceFlags(1))
        parent = None
        if record["parent_span_id"]:
            parent = SpanContext(trace_id, int(record["parent_span_id"], 16), True, TraceFlags(1))
        attributes = {"component": record["component"]}
        for key, value in record["metadata"].items():
            attributes[key] = value if isinstance(value, (str, bool, int, float)) else repr(value)
        if record["status"] == "error":
            err = record.get("error") or {}
            status = Status(StatusCode.ERROR, f"{err.get('type')}: {err.get('message')}")
        else:  # OpenTelemetry leaves a span's status UNSET unless it failed
            status = Status(StatusCode.UNSET)
        return ReadableSpan(
            name=record["name"],
            kind=_KINDS.get(record.get("kind", "internal"), SpanKind.INTERNAL),
            context=ctx,
            parent=parent,
            resource=resource,
            attributes=attributes,
            status=status,
            start_time=int(record["start_time"] * 1e9),
            end_time=int(record["end_time"] * 1e9),
        )

    def flush(self) -> None:
        try:
            self._processor.force_flush()
        except Exception:
            pass

    def close(self) -> None:
        try:
            self._processor.shutdown()
        except Exception:
            pass
