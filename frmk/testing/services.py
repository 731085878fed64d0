"""Start, health-check and stop a generated project's services for end-to-end runs.

Stdlib only. Each service runs its project script (``scripts/start_orchestrator.sh``,
``scripts/start_bot.sh``, which ``exec`` the server) in its own process group on a free loopback
port, with output in a log file and spans in a per-process JSON-lines file. Stopping sends
SIGTERM to that group (the servers flush their spans on a graceful exit), then SIGKILL if needed,
so nothing is left running. Shared by ``scripts/demo.py`` and the cross-process test.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class ServiceError(RuntimeError):
    """A service would not start or become healthy; the message ends with its log tail."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    """One running server process."""

    name: str
    process: subprocess.Popen
    url: str
    log_path: Path
    trace_path: Path | None = None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    @property
    def running(self) -> bool:
        return self.process.poll() is None


def start_service(
    name: str,
    command: Sequence[str],
    *,
    url: str,
    cwd: Path,
    env: Mapping[str, str],
    log_path: Path,
    trace_path: Path | None = None,
) -> Service:
    """Start ``command`` in a new process group with output going to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, process, url, log_path, trace_path)


def is_healthy(url: str, timeout: float = 1.0) -> bool:
    """True when ``GET {url}/health`` answers 2xx."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=timeout) as response:
            return 200 <= response.status < 300
    except (OSError, urllib.error.URLError, ValueError):
        return False


def wait_until_healthy(service: Service, timeout: float = 30.0, interval: float = 0.1) -> None:
    """Poll ``/health`` until it answers; raise ``ServiceError`` if the process exits or time
    runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.running:
            raise ServiceError(
                f"{service.name} exited with code {service.process.returncode} before it became "
                f"healthy; last output:\n{service.log_tail()}"
            )
        if is_healthy(service.url):
            return
        time.sleep(interval)
    raise ServiceError(
        f"{service.name} did not answer {service.url}/health within {timeout:g}s; "
        f"last output:\n{service.log_tail()}"
    )


def stop_service(service: Service, timeout: float = 10.0) -> int | None:
    """SIGTERM the service's process group, wait, then SIGKILL; returns the exit code."""
    process = service.process
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    # The group may hold children that outlived the leader; they get the same end.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return process.poll()


@dataclass
class ProjectServices:
    """A generated project's orchestrator and bot, started from its own scripts.

    Use as a context manager (or call ``start``/``stop``); ``stop`` runs on any error, so a
    failed start leaves nothing behind.
    """

    project: Path
    workdir: Path
    env: Mapping[str, str] = field(default_factory=dict)
    health_timeout: float = 60.0
    host: str = "127.0.0.1"
    # None: each service writes its spans to <workdir>/traces/<name>.jsonl; else the
    # TRACING_OUTPUT every service gets (``otlp`` to send them to a receiver)
    tracing_output: str | None = None
    services: list[Service] = field(default_factory=list)

    @property
    def orchestrator(self) -> Service:
        return self._named("orchestrator")

    @property
    def bot(self) -> Service:
        return self._named("bot")

    @property
    def trace_files(self) -> list[Path]:
        return [s.trace_path for s in self.services if s.trace_path is not None]

    def start(self) -> ProjectServices:
        orchestrator_port, bot_port = free_port(self.host), free_port(self.host)
        orchestrator_url = f"http://{self.host}:{orchestrator_port}"
        base = self.base_env()
        base.update(
            {
                "ORCHESTRATOR_PORT": str(orchestrator_port),
                "ORCHESTRATOR_HOST": self.host,
                "ORCHESTRATOR_URL": orchestrator_url,
                "BOT_PORT": str(bot_port),
                "BOT_HOST": self.host,
            }
        )
        try:
            for name, url in (
                ("orchestrator", orchestrator_url),
                ("bot", f"http://{self.host}:{bot_port}"),
            ):
                self._start_one(name, url, base)
        except BaseException:
            self.stop()
            raise
        return self

    def base_env(self) -> dict[str, str]:
        """The environment every service gets: ours, the venv's python first on PATH, the local
        LLM, then the caller's overrides."""
        env = dict(os.environ)
        python_dir = str(Path(sys.executable).parent)
        env["PATH"] = python_dir + os.pathsep + env.get("PATH", "")
        env["PYTHON"] = sys.executable
        env.setdefault("LLM_PROVIDER", "local")
        env["PYTHONUNBUFFERED"] = "1"
        env.update(self.env)
        return env

    def _start_one(self, name: str, url: str, base: Mapping[str, str]) -> None:
        script = self.project / "scripts" / f"start_{name}.sh"
        if not script.is_file():
            raise ServiceError(f"{script} is missing; is {self.project} a generated project?")
        trace_path: Path | None = None
        env = dict(base)
        if self.tracing_output is None:
            trace_path = self.workdir / "traces" / f"{name}.jsonl"
            trace_path.parent.mkdir(parents=True, exist_ok=True)
            trace_path.write_text("", encoding="utf-8")
        env["TRACING_OUTPUT"] = str(trace_path or self.tracing_output)
        env["TRACING_SERVICE_NAME"] = name
        service = start_service(
            name,
            ["bash", str(script)],
            url=url,
            cwd=self.project,
            env=env,
            log_path=self.workdir / "logs" / f"{name}.log",
            trace_path=trace_path,
        )
        self.services.append(service)
        wait_until_healthy(service, self.health_timeout)

    def stop(self) -> None:
        """Stop every started service, the last started first."""
        for service in reversed(self.services):
            stop_service(service)

    def __enter__(self) -> ProjectServices:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _named(self, name: str) -> Service:
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(f"{name} is not started")
