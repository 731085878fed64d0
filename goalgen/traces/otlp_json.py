"""Spans from OTLP JSON: the OpenTelemetry Collector's file exporter format, one
``ExportTraceServiceRequest`` (``{"resourceSpans": [...]}``) per line.

So spans other services exported with OpenTelemetry join the same trees as ours. OTLP/JSON writes
trace and span ids as hex; the generic protobuf JSON mapping (``MessageToJson``) writes them as
base64: both are read. Kinds and status codes come as numbers or enum names. Our own fields map
back: ``service.name`` of the resource is the service, a ``component`` attribute the component
(else the span name's first dotted part), an ``exception`` event the error's type and message;
every other attribute is metadata. Each span becomes a record in our own line format, which
``records.parse_span`` then checks like any other line.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

__all__ = ["is_otlp", "otlp_records"]

_KINDS = ("unspecified", "internal", "server", "client", "producer", "consumer")
_STATUS_ERROR = (2, "STATUS_CODE_ERROR")


def is_otlp(value: object) -> bool:
    """True when a decoded line is an OTLP export request rather than one of our span records."""
    return isinstance(value, dict) and "resourceSpans" in value


def _hex_id(value: object, size: int, what: str) -> str:
    """An id as ``size`` lowercase hex digits, from hex or base64; ``ValueError`` otherwise."""
    if isinstance(value, str):
        if len(value) == size * 2:
            try:
                bytes.fromhex(value)
                return value.lower()
            except ValueError:
                pass
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == size:
            return raw.hex()
    raise ValueError(f"OTLP {what} is not {size * 2} hex digits or base64 of {size} bytes")


def _value(any_value: object) -> Any:
    """The Python value of an OTLP ``AnyValue``."""
    if not isinstance(any_value, dict):
        return None
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in any_value:
            return any_value[key]
    if "intValue" in any_value:  # int64 is a string in JSON
        try:
            return int(any_value["intValue"])
        except (TypeError, ValueError):
            return any_value["intValue"]
    if "arrayValue" in any_value:
        return [_value(item) for item in (any_value["arrayValue"] or {}).get("values") or ()]
    if "kvlistValue" in any_value:
        return _attributes((any_value["kvlistValue"] or {}).get("values"))
    if "bytesValue" in any_value:
        return any_value["bytesValue"]
    return None


def _attributes(items: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            out[item["key"]] = _value(item.get("value"))
    return out


def _nanos(span: dict[str, Any], key: str) -> float:
    value = span.get(key)
    try:
        return int(value) / 1e9  # a string in JSON (uint64), a number from some writers
    except (TypeError, ValueError):
        raise ValueError(f"OTLP {key} is not a number") from None


def _kind(value: object) -> str:
    if isinstance(value, int) and 0 <= value < len(_KINDS):
        kind = _KINDS[value]
    elif isinstance(value, str) and value.startswith("SPAN_KIND_"):
        kind = value[len("SPAN_KIND_") :].lower()
    else:
        kind = "internal"
    return "internal" if kind not in _KINDS[1:] else kind


def _error(span: dict[str, Any]) -> dict[str, str] | None:
    status = span.get("status") or {}
    if status.get("code") not in _STATUS_ERROR:
        return None
    error = {"type": "Error", "message": str(status.get("message") or "")}
    for event in span.get("events") or ():
        if isinstance(event, dict) and event.get("name") == "exception":
            found = _attributes(event.get("attributes"))
            error["type"] = str(found.get("exception.type") or error["type"])
            error["message"] = str(found.get("exception.message") or error["message"])
    return error


def _record(data: object, service: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError("OTLP span is not an object")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("OTLP span has no name")
    parent = data.get("parentSpanId") or None
    start, end = _nanos(data, "startTimeUnixNano"), _nanos(data, "endTimeUnixNano")
    metadata = _attributes(data.get("attributes"))
    component = metadata.pop("component", None)
    error = _error(data)
    record = {
        "name": name,
        "trace_id": _hex_id(data.get("traceId"), 16, "traceId"),
        "span_id": _hex_id(data.get("spanId"), 8, "spanId"),
        "parent_span_id": None if parent is None else _hex_id(parent, 8, "parentSpanId"),
        "service": service,
        "component": str(component or name.split(".", 1)[0]),
        "kind": _kind(data.get("kind")),
        "start_time": start,
        "end_time": end,
        "duration_ms": (end - start) * 1000.0,
        "status": "error" if error else "ok",
        "metadata": metadata,
    }
    if error is not None:
        record["error"] = error
    return record


def otlp_records(request: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The spans of one export request as span records, and the reasons for the spans that
    could not be read."""
    spans: list[dict[str, Any]] = []
    problems: list[str] = []
    for resource_spans in request.get("resourceSpans") or ():
        if not isinstance(resource_spans, dict):
            problems.append("OTLP resourceSpans entry is not an object")
            continue
        resource = _attributes((resource_spans.get("resource") or {}).get("attributes"))
        service = str(resource.get("service.name") or "unknown")
        for scope_spans in resource_spans.get("scopeSpans") or ():
            for data in (scope_spans or {}).get("spans") or ():
                try:
                    spans.append(_record(data, service))
                except ValueError as exc:
                    problems.append(str(exc))
    return spans, problems
