"""``TRACING_OUTPUT=otlp``: send finished spans to an OTLP/HTTP receiver (a Collector, Jaeger,
Tempo, Phoenix) through the OpenTelemetry SDK's exporter.

Our ids, parents, times, kinds and metadata are kept as they are (each record becomes an SDK
``ReadableSpan``, with the OpenInference attributes Phoenix reads, see ``openinference.py``). The
endpoint and headers come from the usual ``OTEL_EXPORTER_OTLP_*`` variables; the project (the
resource attribute ``openinference.project.name``) from ``TRACING_PROJECT_NAME``. Needs the
``otel`` extra.

The same guarantees as the span file, which the SDK's ``BatchSpanProcessor`` does not give in full
(it drops the oldest span silently when full and gives up on a batch its exporter failed):

- ``write_record`` never blocks: it appends to a bounded queue (``MAX_QUEUE`` records); when the
  queue is full the new span is dropped and counted (``dropped``, ``tracing.stats()``), with one
  warning.
- A daemon thread exports batches (``BATCH`` records, or what waited ``EXPORT_INTERVAL_S``);
  conversion to SDK spans happens there, off the traced code's path.
- A batch the receiver did not take (down, 5xx, timeout — after the exporter's own retries) is
  kept and sent again after a backoff doubling from 1 s to ``MAX_BACKOFF_S``; new spans keep
  queueing meanwhile (bounded as above).
- ``flush()`` (at exit, at ASGI lifespan shutdown, on SIGTERM/SIGINT through ``flush_on_signals``)
  sends everything queued now, trying each batch once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import Any

from frmk.utils.tracing.openinference import PROJECT_ATTRIBUTE, openinference_attributes
from frmk.utils.tracing.sinks import Sink, _warn

MAX_QUEUE = 8192
BATCH = 512
EXPORT_INTERVAL_S = 1.0
MAX_BACKOFF_S = 30.0


class OtlpSink(Sink):
    """Queues span records; a daemon thread converts and exports them in batches."""

    wants_records = True

    def __init__(self, exporter: Any = None, project: str | None = None) -> None:
        try:
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import ReadableSpan
            from opentelemetry.sdk.trace.export import SpanExportResult
            from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "TRACING_OUTPUT=otlp needs the OpenTelemetry SDK: pip install 'goalgen-runtime[otel]'"
            ) from exc
        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter()
        self.exporter = exporter
        self.project = project if project is not None else os.environ.get("TRACING_PROJECT_NAME")
        self.exported = 0  # spans the receiver took
        self._sdk = (Resource, ReadableSpan, SpanContext, Status, StatusCode, TraceFlags)
        self._success = SpanExportResult.SUCCESS
        self._kinds = {kind.name.lower(): kind for kind in SpanKind}
        self._resources: dict[str, Any] = {}
        self._queue: deque[dict[str, Any]] = deque()
        self._retry: list[Any] | None = None  # the batch the receiver refused, converted
        self._backoff = 0.0
        self._export_lock = threading.Lock()  # one export at a time: worker or flush
        self._wake = threading.Event()
        self._closed = False
        self._warned_full = False
        self._pid = os.getpid()
        self._thread: threading.Thread | None = None

    # -- the traced program's side ------------------------------------------------------------
    def write_record(self, record: dict[str, Any]) -> None:
        if len(self._queue) >= MAX_QUEUE or self._closed:
            self.dropped += 1
            if not self._warned_full and not self._closed:
                self._warned_full = True
                _warn(f"OTLP queue full ({MAX_QUEUE} spans waiting); new spans are dropped")
            return
        self._queue.append(record)
        self.written += 1
        if self._thread is None or self._pid != os.getpid():
            self._start()
        elif len(self._queue) >= BATCH:
            self._wake.set()

    def _start(self) -> None:
        self._pid = os.getpid()
        self._thread = threading.Thread(target=self._run, name="frmk-otlp", daemon=True)
        self._thread.start()

    # -- export ---------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self._backoff or EXPORT_INTERVAL_S)
            self._wake.clear()
            if self._closed:
                return
            with self._export_lock:
                while self._export_one() and len(self._queue) >= BATCH:
                    pass

    def _export_one(self) -> bool:
        """Send the refused batch again, else the next batch; True when the receiver took it."""
        batch = self._retry
        if batch is None:
            records = [self._queue.popleft() for _ in range(min(BATCH, len(self._queue)))]
            if not records:
                return False
            batch = [span for span in map(self._convert, records) if span is not None]
        try:
            ok = self.exporter.export(batch) == self._success
        except Exception:
            ok = False
        if ok:
            self.exported += len(batch)
            self._retry, self._backoff = None, 0.0
            return True
        self._retry = batch
        self._backoff = min(MAX_BACKOFF_S, max(1.0, self._backoff * 2))
        return False

    def _convert(self, record: dict[str, Any]) -> Any:
        try:
            return self._to_otel(record)
        except Exception:  # a record we cannot convert is a span lost, not a stopped exporter
            self.dropped += 1
            return None

    def _to_otel(self, record: dict[str, Any]) -> Any:
        resource_cls, readable, span_context, status_cls, code, flags = self._sdk
        service = record["service"]
        resource = self._resources.get(service)
        if resource is None:
            attributes = {"service.name": service}
            if self.project:
                attributes[PROJECT_ATTRIBUTE] = self.project
            resource = self._resources[service] = resource_cls.create(attributes)
        trace_id = int(record["trace_id"], 16)
        ctx = span_context(trace_id, int(record["span_id"], 16), False, flags(1))
        parent = None
        if record["parent_span_id"]:
            parent = span_context(trace_id, int(record["parent_span_id"], 16), True, flags(1))
        metadata = record["metadata"]
        attributes = {"component": record["component"]}
        for key, value in metadata.items():
            attributes[key] = value if isinstance(value, (str, bool, int, float)) else repr(value)
        attributes.update(openinference_attributes(record["component"], metadata))
        if record["status"] == "error":
            err = record.get("error") or {}
            status = status_cls(code.ERROR, f"{err.get('type')}: {err.get('message')}")
        else:  # OpenTelemetry leaves a span's status UNSET unless it failed
            status = status_cls(code.UNSET)
        return readable(
            name=record["name"],
            kind=self._kinds.get(record.get("kind", "internal"), self._kinds["internal"]),
            context=ctx,
            parent=parent,
            resource=resource,
            attributes=attributes,
            status=status,
            start_time=int(record["start_time"] * 1e9),
            end_time=int(record["end_time"] * 1e9),
        )

    # -- shutdown ---------------------------------------------------------------------------------
    def flush(self) -> None:
        """Send what is queued now; each batch is tried once (the exporter retries inside)."""
        deadline = time.monotonic() + 30.0
        with self._export_lock:
            while (self._retry is not None or self._queue) and time.monotonic() < deadline:
                if not self._export_one():
                    break

    def close(self) -> None:
        self.flush()
        self._closed = True
        self._wake.set()
        lost = len(self._queue) + len(self._retry or ())
        if lost:
            self.dropped += lost
            _warn(f"{lost} span(s) could not be sent to the OTLP receiver before exit")
        try:
            self.exporter.shutdown()
        except Exception:
            pass
