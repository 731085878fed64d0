"""Spans survive a service being stopped: real uvicorn and aiohttp servers on loopback, real
signals sent right after a response and during a request, a real forked child.

Each server writes spans to a file (``TRACING_OUTPUT``); after it has stopped, every span that
ended must be in the file, in whole lines, with no span whose parent is missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from frmk.testing.services import free_port, start_service, stop_service, wait_until_healthy
from frmk.utils import tracing

REPO = Path(__file__).resolve().parents[4]

FASTAPI_APP = '''
import asyncio
from pathlib import Path

from fastapi import FastAPI

from frmk.utils.tracing import TraceSpan, trace_span
from frmk.utils.tracing.asgi import TraceContextMiddleware

app = FastAPI()
app.add_middleware(TraceContextMiddleware)


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/fast")
@trace_span("api.GET /fast")
async def fast():
    for i in range(3):
        with TraceSpan("node.step", i=i):
            pass
    return {"ok": True}


@app.get("/slow")
@trace_span("api.GET /slow")
async def slow(marker: str, seconds: float):
    with TraceSpan("node.before"):
        pass
    Path(marker).touch()  # the test signals once the request is in here
    await asyncio.sleep(seconds)
    return {"ok": True}
'''

AIOHTTP_APP = '''
import asyncio
import sys
from pathlib import Path

from aiohttp import web

from frmk.utils.tracing import TraceSpan, trace_span
from frmk.utils.tracing.shutdown import aiohttp_cleanup_ctx


async def health(request):
    return web.json_response({"status": "ok"})


@trace_span("bot.fast")
async def fast(request):
    for i in range(3):
        with TraceSpan("node.step", i=i):
            pass
    return web.json_response({"ok": True})


@trace_span("bot.slow")
async def slow(request):
    with TraceSpan("node.before"):
        pass
    Path(request.query["marker"]).touch()
    await asyncio.sleep(float(request.query["seconds"]))
    return web.json_response({"ok": True})


app = web.Application()
app.router.add_get("/health", health)
app.router.add_get("/fast", fast)
app.router.add_get("/slow", slow)
app.cleanup_ctx.append(aiohttp_cleanup_ctx)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
'''

class Server:
    """One server process started in its own session, with spans going to ``spans``."""

    def __init__(self, tmp: Path, command: list[str], port: int) -> None:
        self.tmp = tmp
        self.spans = tmp / "spans.jsonl"
        self.url = f"http://127.0.0.1:{port}"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TRACING_")},
            "PYTHONPATH": os.pathsep.join([str(REPO), str(tmp)]),
            "TRACING_OUTPUT": str(self.spans),
        }
        self.service = start_service(
            "server", command, url=self.url, cwd=tmp, env=env, log_path=tmp / "server.log"
        )
        wait_until_healthy(self.service, timeout=30)

    @property
    def pid(self) -> int:
        return self.service.process.pid

    def get(self, path: str) -> int:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            response.read()
            return response.status

    def start_slow(self, seconds: float) -> threading.Thread:
        """A request that is inside its handler when this returns."""
        marker = self.tmp / f"inside-{time.monotonic_ns()}"
        statuses: list[object] = []

        def call() -> None:
            try:
                statuses.append(self.get(f"/slow?marker={marker}&seconds={seconds}"))
            except (urllib.error.URLError, ConnectionError) as exc:
                statuses.append(exc)

        thread = threading.Thread(target=call)
        thread.statuses = statuses  # type: ignore[attr-defined]
        thread.start()
        deadline = time.monotonic() + 10
        while not marker.exists():
            assert time.monotonic() < deadline, self.service.log_tail()
            time.sleep(0.01)
        return thread

    def wait(self) -> int:
        try:
            return self.service.process.wait(20)
        finally:
            stop_service(self.service)

    def records(self) -> list[dict]:
        text = self.spans.read_text(encoding="utf-8") if self.spans.exists() else ""
        assert text == "" or text.endswith("\n"), "last line cut short"
        return [json.loads(line) for line in text.splitlines()]


def names(records: list[dict]) -> Counter:
    """Span names and how often each occurs, without the readiness polls' server spans."""
    return Counter(r["name"] for r in records if r["name"] != "GET /health")


def assert_no_orphans(records: list[dict]) -> None:
    ids = {r["span_id"] for r in records}
    orphans = [r["name"] for r in records if r["parent_span_id"] and r["parent_span_id"] not in ids]
    assert orphans == []


@pytest.fixture
def uvicorn_server(tmp_path):
    (tmp_path / "fapp.py").write_text(FASTAPI_APP, encoding="utf-8")

    def start(*options: str) -> Server:
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "fapp:app", "--port", str(port), *options]
        return Server(tmp_path, command, port)

    return start


@pytest.fixture
def aiohttp_server(tmp_path):
    (tmp_path / "aapp.py").write_text(AIOHTTP_APP, encoding="utf-8")

    def start() -> Server:
        port = free_port()
        return Server(tmp_path, [sys.executable, "aapp.py", str(port)], port)

    return start


def expected(prefix: str, fast: int, slow: int = 0, server: bool = False) -> Counter:
    """The span names of ``fast`` answered ``/fast`` requests and ``slow`` ``/slow`` ones (with
    ``server``, also their server spans ``GET /fast``, ``GET /slow``)."""
    found = Counter(
        {f"{prefix}fast": fast, "node.step": 3 * fast, f"{prefix}slow": slow, "node.before": slow}
    )
    if server:
        found.update({"GET /fast": fast, "GET /slow": slow})
    return found


def answer_then_signal(server: Server, sig: int) -> None:
    """Answer one request, send ``sig`` while another is in flight; SIGHUP must leave the
    server serving (one more request), so it is then stopped with SIGTERM."""
    assert server.get("/fast") == 200
    request = server.start_slow(seconds=0.3)
    os.kill(server.pid, sig)
    request.join()
    assert request.statuses == [200]  # graceful shutdown lets it finish
    if sig == signal.SIGHUP:
        assert server.get("/fast") == 200
        os.kill(server.pid, signal.SIGTERM)


# SIGINT to a single uvicorn process ends in KeyboardInterrupt, so atexit runs: not a gap.
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP-keeps-serving"])
def test_uvicorn_writes_every_span_when_signalled_after_a_response_and_during_one(
    uvicorn_server, sig
):
    server = uvicorn_server()
    answer_then_signal(server, sig)
    code = server.wait()

    records = server.records()
    fast = 2 if sig == signal.SIGHUP else 1
    assert names(records) == expected("api.GET /", fast, slow=1, server=True), server.service.log_tail()
    assert {r["status"] for r in records} == {"ok"}
    assert_no_orphans(records)
    assert code != -signal.SIGHUP


def test_uvicorn_writes_a_request_cancelled_by_the_shutdown_timeout_as_an_error(uvicorn_server):
    server = uvicorn_server("--timeout-graceful-shutdown", "0")
    request = server.start_slow(seconds=60)
    os.kill(server.pid, signal.SIGTERM)
    request.join()
    assert server.wait() == -signal.SIGTERM

    records = server.records()
    assert names(records) == Counter({"GET /slow": 1, "api.GET /slow": 1, "node.before": 1})
    for name in ("GET /slow", "api.GET /slow"):
        (span,) = [r for r in records if r["name"] == name]
        assert span["status"] == "error" and span["error"]["type"] == "CancelledError"
    assert_no_orphans(records)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_uvicorn_workers_write_their_spans_when_the_supervisor_is_signalled(uvicorn_server, sig):
    server = uvicorn_server("--workers", "2")
    assert server.get("/fast") == 200
    # Long enough to still run when the supervisor (which looks at signals twice a second)
    # has passed SIGTERM on to the workers.
    request = server.start_slow(seconds=1.0)
    os.kill(server.pid, sig)
    request.join()
    assert request.statuses == [200]
    server.wait()

    records = server.records()
    assert names(records) == expected("api.GET /", 1, slow=1, server=True)
    assert_no_orphans(records)


def test_aiohttp_keeps_serving_on_sighup_and_writes_every_span(aiohttp_server):
    server = aiohttp_server()
    answer_then_signal(server, signal.SIGHUP)
    assert server.wait() == 0

    records = server.records()
    assert names(records) == expected("bot.", 2, slow=1)
    assert_no_orphans(records)


PLAIN_PROGRAM = '''
import signal
import sys
import time

from frmk.utils import tracing

# As when started from a terminal: a shell's background job inherits SIGINT ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
tracing.flush_on_signals()
for i in range(int(sys.argv[1])):
    with tracing.TraceSpan("work.item", i=i):
        pass
print("ready", flush=True)
# Not signal.pause(): the kernel may hand the signal to the sink's flush thread, and pause()
# in the main thread would then sleep on; a loop runs the pending Python handlers, as event
# loops do.
while True:
    time.sleep(0.02)
'''


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_flush_on_signals_writes_spans_before_the_default_action(tmp_path, sig):
    (tmp_path / "plain.py").write_text(PLAIN_PROGRAM, encoding="utf-8")
    spans = tmp_path / "spans.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TRACING_OUTPUT": str(spans)}
    process = subprocess.Popen(
        [sys.executable, "plain.py", "1000"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout.readline() == "ready\n"
    process.send_signal(signal.SIGHUP)  # flushes and reopens; the program keeps running
    process.send_signal(sig)
    code = process.wait(20)

    assert code == -sig  # SIGINT: KeyboardInterrupt, which Python ends by dying of SIGINT
    assert len(spans.read_text(encoding="utf-8").splitlines()) == 1000


FORK_PROGRAM = '''
import multiprocessing
import sys

from frmk.utils.tracing import TraceSpan


def work(n):
    for i in range(n):
        with TraceSpan("work.child", i=i):
            pass


if __name__ == "__main__":
    n = int(sys.argv[1])
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=work, args=(n,)) for _ in range(2)]
    for child in children:
        child.start()
    with context.Pool(2) as pool:
        pool.map(work, [n, n])
        pool.close()
        pool.join()
    for child in children:
        child.join()
    sys.exit(max(child.exitcode for child in children))
'''


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_children_write_their_last_spans(tmp_path):
    (tmp_path / "forks.py").write_text(FORK_PROGRAM, encoding="utf-8")
    spans = tmp_path / "spans.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO), "TRACING_OUTPUT": str(spans)}
    done = subprocess.run(
        [sys.executable, "forks.py", "1000"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=60,
    )

    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in spans.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4 * 1000  # two Processes, two pool tasks
    assert len({r["span_id"] for r in records}) == 4000


class ReopeningSink(tracing.FileSink):
    """A file sink that counts ``reopen`` calls (the SIGHUP handler calls it when present)."""

    reopened = 0

    def reopen(self) -> None:
        self.reopened += 1


@pytest.fixture
def restored_handlers():
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)
    tracing.configure(output="none")


def test_sighup_flushes_reopens_and_chains_to_the_previous_handler(tmp_path, restored_handlers):
    sink = ReopeningSink(str(tmp_path / "spans.jsonl"))
    tracing.configure(output=sink, enabled=True, sample_rate=1.0)
    seen: list[int] = []
    signal.signal(signal.SIGHUP, lambda signum, frame: seen.append(signum))
    assert tracing.flush_on_signals() is True
    assert tracing.flush_on_signals() is True  # twice: still one handler in the chain
    with tracing.TraceSpan("work.item"):
        pass

    os.kill(os.getpid(), signal.SIGHUP)
    deadline = time.monotonic() + 10
    while not sink.reopened and time.monotonic() < deadline:
        time.sleep(0.01)

    assert seen == [signal.SIGHUP]
    assert sink.reopened == 1
    assert len((tmp_path / "spans.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_flush_on_signals_installs_nothing_unless_spans_go_to_a_file(restored_handlers):
    tracing.configure(output=tracing.MemorySink())
    before = signal.getsignal(signal.SIGTERM)
    assert tracing.flush_on_signals() is False
    assert signal.getsignal(signal.SIGTERM) is before
