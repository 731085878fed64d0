"""Arize Phoenix on loopback: the local OTLP backend GoalGen documents and checks against.

``python scripts/phoenix_server.py serve`` (``make phoenix``) runs Phoenix in the foreground;
:class:`Phoenix` starts it in the background for ``phoenix_check.py``. Phoenix comes from its
own virtualenv (``.phoenix/venv``, made by ``make phoenix``; ``PHOENIX=path/to/phoenix``
overrides), because its dependencies are many and pinned: they stay out of the project's venv.

What is bound where: ``PHOENIX_HOST=127.0.0.1`` binds its HTTP server (UI, REST API and the
OTLP/HTTP receiver at ``/v1/traces``) to loopback. Its OTLP/gRPC receiver always binds every
interface (``[::]``; Phoenix has no setting for its address), so it gets a port of its own and
this script says so; GoalGen sends over OTLP/HTTP only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BIN = REPO / ".phoenix" / "venv" / "bin" / "phoenix"


class PhoenixError(Exception):
    """Phoenix could not be started or answered wrongly; the message says what happened."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def phoenix_bin() -> Path:
    path = Path(os.environ.get("PHOENIX") or DEFAULT_BIN)
    if not path.is_file():
        raise PhoenixError(f"{path} is missing: run `make phoenix` once (it installs Phoenix)")
    return path


def binding_note(port: int, grpc_port: int) -> str:
    return (
        f"Phoenix UI, REST API and OTLP/HTTP: http://127.0.0.1:{port} (loopback only)\n"
        f"Phoenix's OTLP/gRPC receiver: port {grpc_port} on EVERY interface ([::]) - Phoenix "
        "cannot bind it to loopback; block it with a firewall if this machine is reachable. "
        "GoalGen sends over OTLP/HTTP only."
    )


class Phoenix:
    """A Phoenix server on free loopback ports with its data in ``workdir``."""

    def __init__(self, workdir: Path, port: int | None = None, grpc_port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.grpc_port = grpc_port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return dict(
            os.environ,
            PHOENIX_HOST="127.0.0.1",
            PHOENIX_PORT=str(self.port),
            PHOENIX_GRPC_PORT=str(self.grpc_port),
            PHOENIX_WORKING_DIR=str(self.workdir),
        )

    def start(self, timeout: float = 180.0) -> Phoenix:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.workdir / "phoenix.log", "wb")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [str(phoenix_bin()), "serve"], env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PhoenixError(f"Phoenix exited {self.process.returncode}; see {log.name}")
            try:
                self.get("/v1/projects")
                return self
            except (OSError, PhoenixError):
                time.sleep(0.5)
        self.stop()
        raise PhoenixError(f"Phoenix did not answer within {timeout:.0f} s; see {log.name}")

    def get(self, path: str) -> Any:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise PhoenixError(f"GET {path}: HTTP {exc.code}") from None

    def spans(self, project: str) -> list[dict[str, Any]]:
        """Every span of ``project``, through the REST API's pages."""
        spans: list[dict[str, Any]] = []
        cursor = ""
        while True:
            query = "limit=1000" + (f"&cursor={cursor}" if cursor else "")
            page = self.get(f"/v1/projects/{project}/spans?{query}")
            spans.extend(page.get("data") or ())
            cursor = page.get("next_cursor") or ""
            if not cursor:
                return spans

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self) -> Phoenix:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, default=6006)
    parser.add_argument("--grpc-port", type=int, default=4317)
    args = parser.parse_args(argv)
    server = Phoenix(REPO / ".phoenix" / "data", args.port, args.grpc_port)
    print(binding_note(server.port, server.grpc_port))
    print(f"send spans with: TRACING_OUTPUT=otlp OTEL_EXPORTER_OTLP_ENDPOINT={server.url}")
    try:
        os.execve(str(phoenix_bin()), [str(phoenix_bin()), "serve"], server.env())
    except PhoenixError as exc:
        print(f"phoenix: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
