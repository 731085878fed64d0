"""The generated, instrumented bot keeps serving on SIGHUP (its span file reopened) and writes
every span on SIGTERM: `goalgen instrument` gives its aiohttp app the shutdown cleanup context."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from frmk.testing import BotTestClient, reply_texts
from frmk.testing.services import (
    free_port,
    is_healthy,
    start_service,
    stop_service,
    wait_until_healthy,
)

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"


class Orchestrator(BaseHTTPRequestHandler):
    """POST /api/v1/message answered at once (the bot's side is what is under test)."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        data = json.dumps({"response": "ok: " + body["message"], "thread_id": body["thread_id"]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def orchestrator(stand_in) -> int:
    return stand_in(Orchestrator)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals")
    for args in (("generate", "--spec", str(SAMPLE), "--out", "travel"), ("instrument", "travel")):
        done = subprocess.run([sys.executable, "-m", "goalgen", *args], cwd=root,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    return root / "travel"


async def say(url: str, text: str) -> list[str]:
    async with BotTestClient(url, timeout=20) as client:
        return reply_texts(await client.send(text))


def test_sighup_keeps_the_bot_serving_and_sigterm_writes_every_span(
    project: Path, orchestrator: int, tmp_path: Path
) -> None:
    port, spans = free_port(), tmp_path / "bot.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACING_", "PYTEST_"))}
    env.update(PYTHON=sys.executable, BOT_HOST="127.0.0.1", BOT_PORT=str(port),
               ORCHESTRATOR_URL=f"http://127.0.0.1:{orchestrator}", TRACING_OUTPUT=str(spans),
               TRACING_SERVICE_NAME="bot", PYTHONUNBUFFERED="1")
    bot = start_service("bot", ["bash", "scripts/start_bot.sh"], url=f"http://127.0.0.1:{port}",
                        cwd=project, env=env, log_path=tmp_path / "bot.log", trace_path=spans)
    try:
        wait_until_healthy(bot, 60)
        assert asyncio.run(say(bot.url, "first")) == ["ok: first"]
        deadline = time.monotonic() + 10  # the sink flushes twice a second
        while ".on_message_activity" not in (spans.read_text() if spans.exists() else ""):
            assert time.monotonic() < deadline, bot.log_tail()
            time.sleep(0.1)
        spans.rename(tmp_path / "bot.jsonl.1")  # logrotate, then its SIGHUP
        os.kill(bot.process.pid, signal.SIGHUP)
        time.sleep(0.5)
        assert bot.running and is_healthy(bot.url), bot.log_tail()
        assert asyncio.run(say(bot.url, "second")) == ["ok: second"]
    finally:
        stop_service(bot)  # SIGTERM, right after the reply
    rotated = [json.loads(line) for line in (tmp_path / "bot.jsonl.1").read_text().splitlines()]
    fresh = [json.loads(line) for line in spans.read_text().splitlines()]
    message = [r for r in rotated + fresh if r["name"].endswith(".on_message_activity")]
    assert len(message) == 2
    assert any(r["name"].endswith(".on_message_activity") for r in fresh)  # after the reopen
