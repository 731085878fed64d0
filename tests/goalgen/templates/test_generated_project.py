"""The generated project works as a team would use it: its own tests pass, ruff is clean, and
the scripts start real servers on loopback ports (exec'd, so killing the script's pid stops
the server)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from goalgen.generator import render_project, write_project
from goalgen.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"
VARIED = Path(__file__).with_name("varied_spec.json")
PYTHON = sys.executable
RUFF = str(Path(PYTHON).with_name("ruff"))


def generate(spec: Path, out: Path) -> Path:
    write_project(render_project(load_spec(spec).spec), out)
    return out


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(SAMPLE, tmp_path_factory.mktemp("generated") / "travel_planning")


def project_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACING_", "PYTEST_", "ORCHESTRATOR_", "BOT_"))
           and k not in ("DATABASE_URL", "POSTGRES_URL")}
    env.update(PYTHON=PYTHON, LLM_PROVIDER="local", **extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                assert json.load(response) == {"status": "ok"}
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{url} not healthy after {timeout}s")


@pytest.fixture
def start(project: Path) -> Iterator:
    """Start a generated script; stopped (and checked to have exec'd) at the end."""
    started: list[subprocess.Popen] = []

    def run(script: str, **env: str) -> subprocess.Popen:
        process = subprocess.Popen(
            ["bash", f"scripts/{script}"], cwd=project, env=project_env(**env),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield run
    for process in started:
        process.terminate()
        process.wait(timeout=15)


def test_the_generated_test_suite_passes(project: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
        env=project_env(), capture_output=True, text=True, timeout=300,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_a_varied_spec_gives_a_project_whose_tests_pass(tmp_path: Path) -> None:
    out = generate(VARIED, tmp_path / "help_desk")

    lint = subprocess.run([RUFF, "check", "--no-cache", "."], cwd=out, capture_output=True,
                          text=True)
    tests = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=out,
        env=project_env(), capture_output=True, text=True, timeout=300,
    )

    assert lint.returncode == 0, lint.stdout
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]


def test_the_scripts_are_valid_bash(project: Path) -> None:
    for script in sorted((project / "scripts").glob("*.sh")):
        assert os.access(script, os.X_OK), script
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


def test_start_orchestrator_serves_and_test_message_talks_to_it(
    project: Path, start, tmp_path: Path
) -> None:
    port = free_port()
    server = start("start_orchestrator.sh", ORCHESTRATOR_PORT=str(port),
                   CHECKPOINT_DB=str(tmp_path / "checkpoints.sqlite"))
    wait_healthy(f"http://127.0.0.1:{port}/health", server)

    reply = subprocess.run(
        ["bash", "scripts/test_message.sh", "I need a flight from Seattle to Paris"],
        cwd=project, env=project_env(ORCHESTRATOR_PORT=str(port)),
        capture_output=True, text=True, timeout=60,
    )

    assert reply.returncode == 0, reply.stderr
    assert "Seattle" in reply.stdout and "Paris" in reply.stdout
    assert reply.stderr.startswith("thread_id: ")
    # exec: the script's pid is the server itself, so stopping it stops the server.
    assert "orchestrator.main" in Path(f"/proc/{server.pid}/cmdline").read_text()
    server.terminate()
    assert server.wait(timeout=15) is not None
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)


def test_start_bot_serves_locally_and_rejects_malformed_activities(project: Path, start) -> None:
    port = free_port()
    bot = start("start_bot.sh", BOT_PORT=str(port), ORCHESTRATOR_URL="http://127.0.0.1:9")
    wait_healthy(f"http://127.0.0.1:{port}/health", bot)

    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/messages", data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)

    assert refused.value.code == 400
    assert "teams_app.server" in Path(f"/proc/{bot.pid}/cmdline").read_text()
    wait_healthy(f"http://127.0.0.1:{port}/health", bot)


def test_test_e2e_runs_a_conversation_through_both_servers(project: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", "scripts/test_e2e.sh", "I need a flight from Seattle to Paris on 2026-12-20"],
        cwd=project, env=project_env(TRACE_DIR=str(tmp_path / "traces")),
        capture_output=True, text=True, timeout=180,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "bot: Hello! I am the Travel Planning Assistant" in result.stdout
    assert "from Seattle to Paris on 2026-12-20" in result.stdout
    assert "no spans recorded" in result.stdout  # generated code carries no tracing
    assert (tmp_path / "traces" / "bot.log").exists()
