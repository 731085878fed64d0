"""A project generated with `state_management.checkpointing.backend: "postgres"`, against a real
PostgreSQL server: its own tests pass, several orchestrator processes (real uvicorn servers on
their own ports) on one database keep one conversation whole and in order, start together
without racing the checkpointer's migrations, and a restart keeps every thread."""

from __future__ import annotations

import asyncio
import copy
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

import httpx
import pytest

from goalgen.generator import render_project, write_project
from goalgen.generator.runtime_wheel import runtime_metadata
from goalgen.spec import load_spec_document

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"
PYTHON = sys.executable
# Reads a thread's saved messages with the project's own code, as JSON on stdout.
READ_THREADS = """
import asyncio, json, sys
from orchestrator.checkpoints import open_checkpoints
from workflow.graph import compile_graph

async def main():
    async with open_checkpoints() as checkpoints:
        graph = compile_graph(checkpoints.saver)
        found = {}
        for thread_id in sys.argv[1:]:
            state = await graph.aget_state({"configurable": {"thread_id": thread_id}})
            found[thread_id] = [m["content"] for m in state.values.get("messages", [])]
    print(json.dumps(found))

asyncio.run(main())
"""


def postgres_spec() -> dict:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["domain_module"] = str(SAMPLE.parent / doc["domain_module"])  # found from anywhere
    doc["state_management"]["checkpointing"] = {"backend": "postgres"}
    return doc


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "travel_on_postgres"
    write_project(render_project(load_spec_document(postgres_spec()).spec), out)
    return out


def project_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACING_", "PYTEST_", "ORCHESTRATOR_", "BOT_"))
           and k not in ("DATABASE_URL", "POSTGRES_URL", "CHECKPOINT_DB")}
    env.update(PYTHON=PYTHON, LLM_PROVIDER="local", **extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"orchestrator exited with {process.returncode}: "
                                 f"{process.stderr.read()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if json.load(response) == {"status": "ok"}:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} not healthy after {timeout}s")


class Orchestrators:
    """`python -m orchestrator.main` processes on one database, each on its own port."""

    def __init__(self, project: Path, database_url: str) -> None:
        self.project, self.database_url = project, database_url
        self.running: list[subprocess.Popen] = []

    def start(self, count: int) -> list[str]:
        """Start ``count`` processes at once; their URLs, once every one is healthy."""
        ports = [free_port() for _ in range(count)]
        processes = [
            subprocess.Popen(
                [PYTHON, "-m", "orchestrator.main"], cwd=self.project, text=True,
                env=project_env(DATABASE_URL=self.database_url, ORCHESTRATOR_PORT=str(port),
                                LOCAL_LLM_DELAY="0.02"),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            for port in ports
        ]
        self.running.extend(processes)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, processes, strict=True):
            wait_healthy(url, process)
        return urls

    def stop(self) -> None:
        """SIGTERM: uvicorn finishes the requests still running, then exits."""
        for process in self.running:
            if process.poll() is None:
                process.terminate()
        for process in self.running:
            process.wait(timeout=30)
            process.stderr.close()
        self.running.clear()


@pytest.fixture
def orchestrators(project: Path, postgres_url: str) -> Iterator[Orchestrators]:
    running = Orchestrators(project, postgres_url)
    yield running
    running.stop()


def saved(project: Path, url: str, thread_ids: list[str]) -> dict[str, list[str]]:
    result = subprocess.run(
        [PYTHON, "-c", READ_THREADS, *thread_ids], cwd=project, capture_output=True, text=True,
        env=project_env(DATABASE_URL=url), timeout=60,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


async def post_all(messages: list[tuple[str, str, str]]) -> list[httpx.Response]:
    """POST every (url, thread id, message) at once."""
    async with httpx.AsyncClient(timeout=120) as client:
        return await asyncio.gather(*(
            client.post(f"{url}/api/v1/message", json={"message": text, "thread_id": thread})
            for url, thread, text in messages
        ))


@pytest.mark.parametrize(
    ("backend", "required"), [("sqlite", False), ("postgres", True)], ids=["sqlite", "postgres"]
)
def test_the_postgres_packages_are_required_only_for_postgres(backend: str,
                                                              required: bool) -> None:
    doc = copy.deepcopy(postgres_spec())
    doc["state_management"]["checkpointing"]["backend"] = backend
    files = {f.path.as_posix(): f.content for f in render_project(load_spec_document(doc).spec)}

    lines = [line for line in files["requirements.txt"].decode().splitlines()
             if line and not line.startswith("#")]

    assert lines[0] == f"./vendor/{runtime_metadata().filename}"
    assert ("langgraph-checkpoint-postgres>=2.0" in lines) is required
    assert ("psycopg[binary]>=3.1" in lines) is required


def test_the_generated_test_suite_passes_against_postgres(project: Path, postgres) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"], cwd=project,
        env=project_env(DATABASE_URL=postgres.url()), capture_output=True, text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "needs PostgreSQL" not in result.stdout  # the PostgreSQL cases ran


def test_without_a_database_url_the_orchestrator_says_what_to_set(project: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-c", "import asyncio\nfrom orchestrator.checkpoints import open_checkpoints\n"
         "async def main():\n    async with open_checkpoints():\n        pass\n"
         "asyncio.run(main())"],
        cwd=project, env=project_env(), capture_output=True, text=True, timeout=60,
    )

    assert result.returncode != 0
    assert ("RuntimeError: this project keeps checkpoints in PostgreSQL: set DATABASE_URL"
            in result.stderr)


def test_two_processes_keep_one_conversation_whole_and_in_order(
    project: Path, postgres_url: str, orchestrators
) -> None:
    urls = orchestrators.start(2)
    messages = [(urls[n % 2], "shared", f"Message {n}: a hotel in Rome for 2") for n in range(12)]

    responses = asyncio.run(post_all(messages))
    history = saved(project, postgres_url, ["shared"])["shared"]

    assert [r.status_code for r in responses] == [200] * len(messages)
    # Every message is there once, each followed by the reply its sender got: no turn
    # interleaved with another.
    turns = {history[i]: history[i + 1] for i in range(0, len(history), 2)}
    assert len(history) == 2 * len(messages)
    assert turns == {text: r.json()["response"] for (_, _, text), r in
                     zip(messages, responses, strict=True)}


def test_three_processes_starting_at_once_all_come_up(orchestrators) -> None:
    urls = orchestrators.start(3)  # each runs the checkpointer's migrations on a fresh database

    assert len(urls) == 3


def test_a_restart_keeps_every_thread(project: Path, postgres_url: str, orchestrators) -> None:
    urls = orchestrators.start(2)
    threads = [f"thread-{n}" for n in range(6)]
    first = asyncio.run(post_all(
        [(urls[n % 2], thread, f"A flight to Paris, trip {n}") for n, thread in enumerate(threads)]
    ))
    assert all(r.status_code == 200 for r in first)
    orchestrators.stop()

    restarted = orchestrators.start(1)
    second = asyncio.run(post_all([(restarted[0], thread, "And back?") for thread in threads]))
    history = saved(project, postgres_url, threads)

    assert all(r.status_code == 200 for r in second)
    for n, thread in enumerate(threads):
        assert history[thread] == [f"A flight to Paris, trip {n}", first[n].json()["response"],
                                   "And back?", second[n].json()["response"]]
