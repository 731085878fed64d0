"""Cost of one traced call whose span is written as a JSON line to a file: frmk vs OpenTelemetry.

Both sides do the same work: a decorated no-op function, one span per call, each span written
as one JSON line to a file, nothing dropped, everything flushed before the clock stops. The
OpenTelemetry side is the SDK's TracerProvider with a BatchSpanProcessor (queue large enough to
drop nothing) and a JSON-lines file exporter. Rounds are interleaved and the median is
reported, and the bare call cost is subtracted from both.

Run: ``python benchmarks/bench_tracing.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from otel_jsonl import JsonLinesExporter  # benchmarks/ is on sys.path when run as a script

N = 20_000
ROUNDS = 5


def _count_lines(path: str) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def _time(fn: Callable[[], None], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - start


# What a route or client span typically carries; every value is scanned by the redactor.
METADATA = {"method": "POST", "url": "http://127.0.0.1:8000/api/v1/message",
            "thread_id": "3f2a9c", "status_code": 200}


def bench_frmk(path: str, n: int, **metadata: object) -> float:
    from frmk.utils import tracing

    tracing.configure(output=path, service="bench", enabled=True, sample_rate=1.0)

    @tracing.trace_span("bench.op", **metadata)
    def op() -> None:
        return None

    elapsed = _time(op, n)
    start = time.perf_counter()
    tracing.flush()
    return elapsed + time.perf_counter() - start


def bench_frmk_variant(n: int, **settings: object) -> float:
    from frmk.utils import tracing

    tracing.configure(output="none", service="bench", **settings)  # type: ignore[arg-type]

    @tracing.trace_span("bench.op")
    def op() -> None:
        return None

    return _time(op, n)


def make_otel(path: str, n: int):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "bench"}))
    processor = BatchSpanProcessor(JsonLinesExporter(path), max_queue_size=n + 1,
                                   max_export_batch_size=512)
    provider.add_span_processor(processor)
    tracer = provider.get_tracer("bench")

    @tracer.start_as_current_span("bench.op")
    def op() -> None:
        return None

    return provider, op


def bench_otel(path: str, n: int) -> float:
    provider, op = make_otel(path, n)
    elapsed = _time(op, n)
    start = time.perf_counter()
    provider.force_flush()
    elapsed += time.perf_counter() - start
    provider.shutdown()
    return elapsed


def main() -> int:
    def bare() -> None:
        return None

    results: dict[str, list[float]] = {k: [] for k in
                                       ("bare", "frmk", "otel", "metadata", "disabled",
                                                   "sampled_out")}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(ROUNDS):
            ours, theirs = os.path.join(tmp, f"frmk{r}.jsonl"), os.path.join(tmp, f"otel{r}.jsonl")
            results["bare"].append(_time(bare, N) / N)
            results["frmk"].append(bench_frmk(ours, N) / N)
            results["otel"].append(bench_otel(theirs, N) / N)
            results["metadata"].append(
                bench_frmk(os.path.join(tmp, f"meta{r}.jsonl"), N, **METADATA) / N)
            results["disabled"].append(bench_frmk_variant(N, enabled=False) / N)
            results["sampled_out"].append(bench_frmk_variant(N, sample_rate=0.0) / N)
            got_ours, got_theirs = _count_lines(ours), _count_lines(theirs)
            if got_ours != N or got_theirs != N:
                print(f"span count mismatch: frmk {got_ours}, otel {got_theirs}, want {N}")
                return 1
            json.loads(open(ours).readline())
    med = {k: statistics.median(v) * 1e6 for k, v in results.items()}
    bare_us = med["bare"]
    cost = {k: max(med[k] - bare_us, 0.0)
            for k in ("frmk", "otel", "metadata", "disabled", "sampled_out")}
    ratio = cost["frmk"] / cost["otel"]
    print(f"traced call, span written as a JSON line to a file ({N} calls x {ROUNDS} rounds, "
          f"median, bare call {bare_us:.3f} us subtracted)")
    print(f"  OpenTelemetry SDK (BatchSpanProcessor, JSON file): {cost['otel']:8.2f} us/span")
    print(f"  frmk.utils.tracing (JSON lines file):              {cost['frmk']:8.2f} us/span")
    print(f"  ratio frmk/otel: {ratio:.3f}  (1/{1 / ratio:.1f}; target <= 1/5, aim 1/10)")
    print(f"  frmk, span with {len(METADATA)} metadata values (redacted):   "
          f"{cost['metadata']:8.2f} us/span")
    print(f"  frmk tracing disabled:  {cost['disabled']:6.3f} us/call")
    print(f"  frmk sampled out (0.0): {cost['sampled_out']:6.3f} us/call")
    return 0 if ratio <= 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
