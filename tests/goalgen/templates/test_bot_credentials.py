"""Credentials in ORCHESTRATOR_URL reach the orchestrator as basic auth, and nothing else: the
generated, instrumented bot runs from its script against an orchestrator stand-in on loopback
that requires basic auth, and neither its log nor its span file holds the password."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from frmk.testing import BotTestClient, reply_texts
from frmk.testing.services import free_port, start_service, stop_service, wait_until_healthy

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"
PYTHON = sys.executable
SECRET = "SECRET-pw-4711"
GOOD_AUTH = "Basic " + base64.b64encode(f"ada:{SECRET}".encode()).decode()
APOLOGY = "Sorry, something went wrong while I was working on that. Please try again."


def goalgen(*args: str, cwd: Path) -> None:
    result = subprocess.run([PYTHON, "-m", "goalgen", *args], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("credentials")
    goalgen("generate", "--spec", str(SAMPLE), "--out", str(root / "travel"), cwd=root)
    goalgen("instrument", str(root / "travel"), cwd=root)
    return root / "travel"


class Orchestrator(BaseHTTPRequestHandler):
    """POST /api/v1/message answered only with the right basic auth; 401 otherwise."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("Authorization") == GOOD_AUTH:
            status, answer = 200, {"response": f"stand-in: {body['message']}",
                                   "thread_id": body["thread_id"]}
        else:
            status, answer = 401, {"detail": "unauthorized"}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def orchestrator(stand_in) -> int:
    return stand_in(Orchestrator)


def bot_env(orchestrator_url: str, port: int, trace_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACING_", "PYTEST_", "ORCHESTRATOR_", "BOT_"))}
    env.update(PYTHON=PYTHON, LLM_PROVIDER="local", PYTHONUNBUFFERED="1", BOT_HOST="127.0.0.1",
               BOT_PORT=str(port), ORCHESTRATOR_URL=orchestrator_url,
               TRACING_OUTPUT=str(trace_path), TRACING_SERVICE_NAME="bot")
    return env


async def converse(bot_url: str) -> list[str]:
    async with BotTestClient(bot_url, timeout=20) as client:
        return reply_texts(await client.send("Find me a hotel in Paris"))


@pytest.mark.parametrize(
    ("userinfo", "reply"),
    [
        pytest.param(f"ada:{SECRET}", "stand-in: Find me a hotel in Paris", id="accepted"),
        pytest.param(f"ada:not-{SECRET}", APOLOGY, id="refused-401"),
    ],
)
def test_orchestrator_credentials_never_reach_logs_or_spans(
    project: Path, orchestrator: int, tmp_path: Path, userinfo: str, reply: str
) -> None:
    port, trace_path = free_port(), tmp_path / "bot.jsonl"
    bot = start_service(
        "bot", ["bash", "scripts/start_bot.sh"], url=f"http://127.0.0.1:{port}", cwd=project,
        env=bot_env(f"http://{userinfo}@127.0.0.1:{orchestrator}", port, trace_path),
        log_path=tmp_path / "bot.log", trace_path=trace_path,
    )
    try:
        wait_until_healthy(bot, 60)
        replies = asyncio.run(converse(bot.url))
    finally:
        stop_service(bot)
    log, spans = bot.log_path.read_text(), trace_path.read_text()

    assert replies == [reply], log
    # The lines that used to carry the password are there, without it.
    assert f"HTTP Request: POST http://127.0.0.1:{orchestrator}/api/v1/message" in log, log
    if reply == APOLOGY:
        assert "could not answer a message: HTTPStatusError" in log
    assert '.on_message_activity"' in spans  # bot.<Class>.on_message_activity
    assert SECRET not in log
    assert SECRET not in spans
