"""Per-request cost of tracing a FastAPI app: ``goalgen instrument`` vs OpenTelemetry.

One trivial app, ``GET /items/{item_id}`` returning a small dict, in three copies:

(a) plain;
(b) the same source rewritten by our codemods (``goalgen.codemods.rewrite``: a ``@trace_span`` under the
    route decorator and ``app.add_middleware(TraceContextMiddleware)``), spans written as JSON
    lines to a temp file (``TRACING_OUTPUT=<file>``): two per request, the middleware's server
    span and the route span under it;
(c) plain + ``FastAPIInstrumentor.instrument_app`` with the SDK ``TracerProvider`` and a
    ``BatchSpanProcessor`` exporting JSON lines to a temp file (its per-message send/receive
    spans off: one server span per request).

Requests are driven in-process through the ASGI interface with a prebuilt scope (no network, no
HTTP client), every one carrying a ``traceparent``. Rounds are interleaved, each round ends with
a flush of its spans, and medians are taken. Prints the overhead over (a) in microseconds per
request and the ratio; exits 1 when ours is more than a quarter of OpenTelemetry's, or when the
spans are missing or do not continue the caller's trace.

Run: ``python benchmarks/bench_fastapi.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from otel_jsonl import JsonLinesExporter  # benchmarks/ is on sys.path when run as a script

N = int(os.environ.get("BENCH_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
MAX_RATIO = 0.25

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01".encode()

APP_SOURCE = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    return {"item_id": item_id, "name": "widget", "in_stock": True}
"""

SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0", "spec_version": "2.3"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/items/42",
    "raw_path": b"/items/42",
    "root_path": "",
    "query_string": b"",
    "headers": [(b"host", b"bench.local"), (b"traceparent", TRACEPARENT)],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


def load_module(name: str, source: str, directory: Path) -> Any:
    """Import ``source`` as a fresh module ``name`` (each app copy is its own object)."""
    path = directory / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def instrumented_source() -> str:
    """The app source as ``goalgen instrument`` rewrites it."""
    from goalgen import codemods

    index = codemods.build_index({"bench_app": APP_SOURCE})
    result = codemods.rewrite(APP_SOURCE, module="bench_app", index=index)
    code = result.code
    if "trace_span" not in code or "TraceContextMiddleware" not in code:
        raise SystemExit(f"bench_fastapi: the codemods did not instrument the app:\n{code}")
    return code


async def _drive(app: Any, n: int) -> None:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for _ in range(n):
        await app(dict(SCOPE), receive, send)
    if statuses.count(200) != n:
        raise SystemExit(f"bench_fastapi: unexpected statuses {set(statuses)}")


def measure(app: Any, flush: Any, n: int, loop: asyncio.AbstractEventLoop) -> float:
    """Seconds per request for ``n`` requests, spans flushed before the clock stops."""
    start = time.perf_counter()
    loop.run_until_complete(_drive(app, n))
    flush()
    return (time.perf_counter() - start) / n


def _count_lines(path: str) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench_fastapi_"))
    ours_file = str(tmp / "ours.jsonl")
    otel_file = str(tmp / "otel.jsonl")
    sys.path.insert(0, str(tmp))

    os.environ["TRACING_OUTPUT"] = ours_file
    os.environ["TRACING_ENABLED"] = "true"
    os.environ["TRACE_SAMPLE_RATE"] = "1.0"
    from frmk.utils import tracing

    tracing.configure(service="bench")

    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider()
    provider.add_span_processor(
        BatchSpanProcessor(
            JsonLinesExporter(otel_file), max_queue_size=N * 8, max_export_batch_size=512
        )
    )

    plain = load_module("bench_app_plain", APP_SOURCE, tmp).app
    ours = load_module("bench_app_traced", instrumented_source(), tmp).app
    theirs = load_module("bench_app_otel", APP_SOURCE, tmp).app
    # OpenTelemetry's extra per-message send/receive spans are switched off: its one server
    # span per request is set against our server span plus route span.
    FastAPIInstrumentor.instrument_app(
        theirs, tracer_provider=provider, exclude_spans=["receive", "send"]
    )

    apps = {
        "plain": (plain, lambda: None),
        "ours": (ours, tracing.flush),
        "otel": (theirs, provider.force_flush),
    }
    loop = asyncio.new_event_loop()
    for app, flush in apps.values():  # warm-up: build middleware stacks, fill caches
        measure(app, flush, 200, loop)
    ours_before, otel_before = _count_lines(ours_file), _count_lines(otel_file)

    samples: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(ROUNDS):
        for name, (app, flush) in apps.items():
            samples[name].append(measure(app, flush, N, loop))
    loop.close()

    medians = {name: statistics.median(values) * 1e6 for name, values in samples.items()}
    ours_cost = medians["ours"] - medians["plain"]
    otel_cost = medians["otel"] - medians["plain"]
    ratio = ours_cost / otel_cost if otel_cost > 0 else float("inf")

    ours_spans = _count_lines(ours_file) - ours_before
    otel_spans = _count_lines(otel_file) - otel_before
    with open(ours_file, encoding="utf-8") as handle:
        last = json.loads(handle.readlines()[-1])

    print(f"requests per round: {N}, rounds: {ROUNDS} (interleaved, medians)")
    print(f"plain FastAPI:            {medians['plain']:8.1f} us/request")
    print(
        f"goalgen instrument:       {medians['ours']:8.1f} us/request  overhead {ours_cost:7.1f} us  ({ours_spans} spans)"
    )
    print(
        f"OpenTelemetry FastAPI:    {medians['otel']:8.1f} us/request  overhead {otel_cost:7.1f} us  ({otel_spans} spans)"
    )
    print(f"ratio ours/OpenTelemetry: {ratio:.3f} (must be <= {MAX_RATIO})")

    status = 0
    if ours_spans != 2 * N * ROUNDS:
        print(f"FAIL: expected {2 * N * ROUNDS} spans from ours, got {ours_spans}")
        status = 1
    if last.get("trace_id") != TRACE_ID or last.get("parent_span_id") != PARENT_ID:
        print(f"FAIL: our server span does not continue the caller's trace: {last}")
        status = 1
    if otel_spans != N * ROUNDS:
        print(f"FAIL: OpenTelemetry exported {otel_spans} spans, expected {N * ROUNDS}")
        status = 1
    if ratio > MAX_RATIO:
        print(f"FAIL: our overhead is more than {MAX_RATIO:.0%} of OpenTelemetry's")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
