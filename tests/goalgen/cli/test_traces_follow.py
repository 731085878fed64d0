"""`goalgen traces FILE... --follow`: a live tail of span files written by the real runtime.

Each test runs `goalgen traces --follow` as a subprocess and writes spans from other processes
(``span_writer.py``, the real ``frmk.utils.tracing`` with a file output). Nothing is timed: a
test waits for output with a generous deadline. That a trace is *not* shown yet is checked after
a later trace was shown: the follower had read the earlier spans by then.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from goalgen.cli import cli

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("span_writer.py")
DEADLINE_S = 60.0


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    env.pop("TRACING_OUTPUT", None)
    return env


class Writer:
    """A process writing spans of one service to ``path`` (see span_writer.py)."""

    def __init__(self, path: Path, service: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(path), service],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_env(),
        )

    def __call__(self, *command: str):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        assert reply, f"span writer died on {command}"
        return json.loads(reply)

    def trace(self, root: str, *children: str, fail: str | None = None) -> str:
        """Write one whole trace (``root`` with ``children`` inside) and flush; its id."""
        trace_id = self("root", root)["trace_id"]
        for child in children:
            self("open", child, "internal")
            self("close")
        self(*(("fail", fail) if fail else ("close",)))
        self("flush")
        return trace_id

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(DEADLINE_S)


class Follow:
    """`goalgen traces ARGS --follow`, its output gathered as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "goalgen", "traces", *args, "--follow"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=ROOT,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._gather, args=(stream, lines), daemon=True)
            for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    def _gather(self, stream, lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line)
                self._changed.notify_all()

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait_for(self, found: Callable[[], bool], what: str) -> None:
        end = time.monotonic() + DEADLINE_S
        with self._changed:
            while not found():
                left = end - time.monotonic()
                if left <= 0 or self.proc.poll() is not None and not found():
                    pytest.fail(f"no {what}; stdout:\n{self.stdout}\nstderr:\n{self.stderr}")
                self._changed.wait(min(left, 1.0))

    def wait_out(self, text: str) -> None:
        self.wait_for(lambda: text in self.stdout, f"{text!r} on stdout")

    def wait_err(self, text: str) -> None:
        self.wait_for(lambda: text in self.stderr, f"{text!r} on stderr")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(DEADLINE_S)
        for reader in self._readers:
            reader.join(DEADLINE_S)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(DEADLINE_S)


@pytest.fixture
def run():
    """Start processes that are stopped at the end of the test, whatever happens."""
    started: list = []

    def start(kind, *args):
        started.append(kind(*args))
        return started[-1]

    yield start
    for item in reversed(started):
        if isinstance(item, Follow):
            item.kill()
        else:
            item.close()


def header(trace_id: str) -> str:
    return f"trace {trace_id} · "


def test_a_trace_is_printed_when_its_root_ends_across_processes(tmp_path, run):
    bot_file, orchestrator_file = tmp_path / "bot.jsonl", tmp_path / "orchestrator.jsonl"
    bot = run(Writer, bot_file, "bot")
    orchestrator = run(Writer, orchestrator_file, "orchestrator")
    follow = run(Follow, str(bot_file), str(orchestrator_file), "--settle", "0.2")

    trace_id = bot("open", "bot.on_message_activity", "internal")["trace_id"]
    call = bot("open", "POST /api/v1/message", "client")
    orchestrator("remote", call["traceparent"])
    orchestrator("open", "POST /api/v1/message", "server")
    orchestrator("open", "agent.run", "internal")
    orchestrator("close")
    orchestrator("close")
    orchestrator("close")
    orchestrator("flush")
    bot("close")
    bot("flush")
    other = bot.trace("bot.on_turn")  # written after the first trace's spans: a sync point
    follow.wait_out(header(other))
    assert trace_id not in follow.stdout  # its root has not ended

    bot("close")
    bot("flush")
    follow.wait_out(header(trace_id))
    assert follow.stop() == 0
    block = follow.stdout.split(header(trace_id))[1]
    assert block.startswith("4 spans · bot, orchestrator")
    lines = block.splitlines()[1:5]
    assert [line.split("  [")[0] for line in lines] == [
        "  bot.on_message_activity",
        "    POST /api/v1/message  (client)",
        "      POST /api/v1/message  (server)",
        "        agent.run",
    ]
    assert "orphan" not in block and "incomplete" not in follow.stdout


def test_traces_are_read_across_rotation_by_rename(tmp_path, run):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    follow = run(Follow, str(path), "--settle", "0.2")
    first = writer.trace("bot.before_rotation", "agent.run")
    follow.wait_out(header(first))
    path.rename(tmp_path / "spans.jsonl.1")
    second = writer.trace("bot.after_rotation", "agent.run")  # the sink opens a new file
    follow.wait_out(header(second))
    assert follow.stop() == 0
    assert follow.stdout.count("bot.before_rotation") == 1
    assert "was replaced (rotated)" in follow.stderr


def test_a_truncated_file_is_read_again_from_its_start(tmp_path, run):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    follow = run(Follow, str(path), "--settle", "0.2")
    children = [f"agent.step_{n}" for n in range(30)]  # longer than what follows the cut
    first = writer.trace("bot.before_truncation", *children)
    follow.wait_out(header(first))
    os.truncate(path, 0)
    second = writer.trace("bot.after_truncation")
    follow.wait_out(header(second))
    assert follow.stop() == 0
    assert follow.stdout.count("bot.before_truncation") == 1
    assert "was truncated" in follow.stderr


def test_a_file_that_does_not_exist_yet_is_waited_for(tmp_path, run):
    path = tmp_path / "later" / "spans.jsonl"
    follow = run(Follow, str(path), "--settle", "0.2")
    follow.wait_err(f"waiting for {path} to appear")
    writer = run(Writer, path, "bot")
    trace_id = writer.trace("bot.late_file", "agent.run")
    follow.wait_out(header(trace_id))
    assert follow.stop() == 0


def test_a_trace_whose_root_never_ends_is_printed_incomplete_after_the_timeout(tmp_path, run):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    follow = run(Follow, str(path), "--timeout", "0.5", "--format", "json")
    root = writer("open", "bot.never_ends", "internal")
    writer("open", "agent.run", "internal")
    writer("close")
    writer("flush")
    follow.wait_out(root["trace_id"])
    assert follow.stop() == 0
    (line,) = follow.out
    shown = json.loads(line)
    assert shown["trace_id"] == root["trace_id"] and shown["incomplete"] is True
    assert shown["incomplete_reason"] == (
        f"no span {root['span_id']} (the parent of other spans) within 0.5 s"
    )
    assert [(s["name"], s.get("orphan")) for s in shown["spans"]] == [("agent.run", True)]


def test_a_server_span_whose_caller_is_not_followed_is_shown_after_the_grace(tmp_path, run):
    path = tmp_path / "orchestrator.jsonl"
    writer = run(Writer, path, "orchestrator")
    follow = run(Follow, str(path), "--grace", "0.3", "--timeout", "600")
    writer("remote", "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01")
    writer("open", "POST /api/v1/message", "server")
    writer("open", "agent.run", "internal")
    writer("close")
    writer("close")
    writer("flush")
    follow.wait_out(header("ab" * 16))
    assert follow.stop() == 0
    assert f"(orphan: parent {'cd' * 8} not found)" in follow.stdout
    assert "incomplete" not in follow.stdout


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_a_stop_signal_prints_pending_traces_and_exits_0(tmp_path, run, sig):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    follow = run(Follow, str(path), "--settle", "0.2", "--timeout", "600")
    pending = writer("open", "bot.still_running", "internal")
    writer("open", "agent.run", "internal")
    writer("close")
    writer("flush")
    marker = writer.trace("bot.marker")  # once shown, the pending spans were read
    follow.wait_out(header(marker))
    assert follow.stop(sig) == 0
    assert (
        f"incomplete trace {pending['trace_id']}: still waiting when following stopped\n"
        f"trace {pending['trace_id']} · 1 span · bot · "
    ) in follow.stdout
    assert "Traceback" not in follow.stderr


def test_filters_apply_to_followed_traces(tmp_path, run):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    follow = run(Follow, str(path), "--settle", "0.2", "--errors")
    fine = writer.trace("bot.fine")
    failed = writer.trace("bot.broken", fail="boom")
    follow.wait_out(header(failed))
    assert follow.stop() == 0
    assert fine not in follow.stdout
    assert "RuntimeError: boom" in follow.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stats"], "--follow cannot be combined with --stats"),
        (["--html", "x.html"], "--follow cannot be combined with --html"),
        (["--slowest", "2"], "--follow cannot be combined with --slowest"),
        (["-"], "standard input (-) cannot be followed"),
    ],
    ids=["stats", "html", "slowest", "stdin"],
)
def test_what_follow_cannot_do_is_a_usage_error(tmp_path, args, message):
    result = CliRunner().invoke(cli, ["traces", str(tmp_path / "a.jsonl"), *args, "--follow"])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("option", ["--settle", "--grace", "--timeout"])
def test_waits_need_follow(tmp_path, option):
    path = tmp_path / "a.jsonl"
    path.write_text("")
    result = CliRunner().invoke(cli, ["traces", str(path), option, "1"])
    assert result.exit_code == 2
    assert f"{option} needs --follow" in result.output


def test_a_directory_is_an_error_not_waited_for(tmp_path):
    result = CliRunner().invoke(cli, ["traces", str(tmp_path), "--follow"])
    assert result.exit_code == 2
    assert f"error: cannot read trace file {tmp_path}: Is a directory" in result.output


def test_a_closed_stdout_ends_it_quietly_with_0(tmp_path, run):
    path = tmp_path / "spans.jsonl"
    writer = run(Writer, path, "bot")
    first = writer.trace("bot.first")
    proc = subprocess.Popen(
        [sys.executable, "-m", "goalgen", "traces", str(path), "--follow", "--settle", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    try:
        assert proc.stdout.readline().decode().startswith(header(first))
        proc.stdout.close()  # as `| head -n 1` does
        writer.trace("bot.second")
        assert proc.wait(DEADLINE_S) == 0
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(DEADLINE_S)
