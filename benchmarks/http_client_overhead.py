"""Per-request cost of client spans: ``trace_client`` / ``aiohttp_trace_configs`` vs plain clients.

A report, not a pass/fail check (no OpenTelemetry httpx/aiohttp instrumentation is installed to
anchor a ratio). Two measurements:

- loopback: sync httpx, async httpx and aiohttp sending ``GET /`` to an aiohttp server in a
  separate process on 127.0.0.1 (keep-alive, one connection);
- in-process: sync and async httpx with ``httpx.MockTransport`` answering 200 with no I/O at all, which
  isolates what the span adds (start, ``traceparent``, attributes, end, one JSON line).

Spans go as JSON lines to a temp file (``TRACING_OUTPUT=<file>``), as in a deployment. What is
timed is this process's CPU time (``time.process_time``), which other processes on a busy machine
disturb far less than wall time, and which leaves out the server's work; plain and traced rounds
are interleaved and the best round of each is kept. Prints CPU microseconds per request.

Run: ``python benchmarks/http_client_overhead.py`` (``BENCH_REQUESTS``, ``BENCH_ROUNDS``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

N = int(os.environ.get("BENCH_REQUESTS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))

SERVER = """\
import sys
from aiohttp import web

async def ok(request):
    return web.Response(text="ok")

app = web.Application()
app.router.add_get("/", ok)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(directory: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    script = directory / "server.py"
    script.write_text(SERVER, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(port)])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the benchmark server did not start")


def per_request_us(run: Callable[[int], None]) -> float:
    start = time.process_time()
    run(N)
    return (time.process_time() - start) / N * 1e6


def sync_httpx(factory: Callable[..., object], url: str, **kwargs: object) -> Callable[[int], None]:
    client = factory(**kwargs)

    def run(n: int) -> None:
        for _ in range(n):
            client.get(url)

    return run


def async_httpx(
    factory: Callable[..., object], url: str, **kwargs: object
) -> Callable[[int], None]:
    async def many(n: int) -> None:
        async with factory(**kwargs) as client:
            await client.get(url)  # connect outside the timed part
            for _ in range(n):
                await client.get(url)

    return lambda n: asyncio.run(many(n))


def aiohttp_session(url: str, traced: bool) -> Callable[[int], None]:
    import aiohttp

    from frmk.utils.tracing.http import aiohttp_trace_configs

    async def many(n: int) -> None:
        configs = aiohttp_trace_configs() if traced else []
        async with aiohttp.ClientSession(trace_configs=configs) as session:
            for _ in range(n + 1):
                async with session.get(url) as resp:
                    await resp.read()

    return lambda n: asyncio.run(many(n))


def compare(label: str, plain: Callable[[int], None], traced: Callable[[int], None]) -> None:
    plain(50), traced(50)  # warm up: connections, caches
    a, b = [], []
    for _ in range(ROUNDS):
        a.append(per_request_us(plain))
        b.append(per_request_us(traced))
    pa, pb = min(a), min(b)
    print(
        f"{label:<24} plain {pa:8.1f} µs  traced {pb:8.1f} µs  "
        f"overhead {pb - pa:6.1f} µs ({(pb - pa) / pa:+.1%})",
        flush=True,
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        spans = Path(tmp) / "spans.jsonl"
        os.environ["TRACING_OUTPUT"] = str(spans)
        import httpx

        from frmk.utils import tracing
        from frmk.utils.tracing.http import trace_client

        tracing.configure()
        print(f"{N} requests x {ROUNDS} rounds, best round, client CPU time")
        ok = httpx.MockTransport(lambda request: httpx.Response(200, text="ok"))
        local = "http://bench.local/"
        compare("in-process sync httpx", sync_httpx(httpx.Client, local, transport=ok),
                sync_httpx(trace_client(httpx.Client), local, transport=ok))  # fmt: skip
        compare("in-process async httpx", async_httpx(httpx.AsyncClient, local, transport=ok),
                async_httpx(trace_client(httpx.AsyncClient), local, transport=ok))  # fmt: skip
        proc, url = start_server(Path(tmp))
        try:
            compare("loopback sync httpx", sync_httpx(httpx.Client, url),
                    sync_httpx(trace_client(httpx.Client), url))  # fmt: skip
            compare("loopback async httpx", async_httpx(httpx.AsyncClient, url),
                    async_httpx(trace_client(httpx.AsyncClient), url))  # fmt: skip
            compare("loopback aiohttp", aiohttp_session(url, False), aiohttp_session(url, True))
        finally:
            proc.terminate()
            proc.wait(10)
        tracing.flush()
        lines = spans.read_text(encoding="utf-8").count("\n")
        print(f"{lines} client spans written")
        return 0 if lines else 1


if __name__ == "__main__":
    sys.exit(main())
