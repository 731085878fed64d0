"""JSON-lines output: files, environment settings, flush at exit, failing sinks, redaction."""

import io
import json
import os
import subprocess
import sys
import textwrap

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.redact import MAX_VALUE_CHARS

CHILD = textwrap.dedent(
    """
    import asyncio
    from frmk.utils.tracing import trace_span, TraceSpan

    @trace_span("agent.A.invoke", model="m")
    async def invoke():
        with TraceSpan("inner"):
            return 1

    for _ in range(3):
        asyncio.run(invoke())
    """
)


def run_child(env_extra, code=CHILD):
    env = {**os.environ, **env_extra}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_file_output_from_environment_is_flushed_at_exit(tmp_path):
    out = tmp_path / "sub" / "spans.jsonl"
    proc = run_child({"TRACING_OUTPUT": str(out), "TRACING_SERVICE_NAME": "orchestrator"})
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 6
    assert {r["service"] for r in records} == {"orchestrator"}
    assert {r["component"] for r in records} == {"agent", "inner"}


def test_two_processes_append_whole_lines_to_one_file(tmp_path):
    out = tmp_path / "spans.jsonl"
    code = CHILD.replace("range(3)", "range(500)")
    env = {**os.environ, "TRACING_OUTPUT": str(out)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(2)]
    assert [p.wait(60) for p in procs] == [0, 0]
    lines = out.read_text().splitlines()
    assert len(lines) == 2000
    assert all(json.loads(line)["trace_id"] for line in lines)


def test_otel_service_name_fallback_and_stdout(tmp_path):
    proc = run_child({"TRACING_OUTPUT": "stdout", "OTEL_SERVICE_NAME": "svc-otel",
                      "TRACING_SERVICE_NAME": ""})
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 6 and records[0]["service"] == "svc-otel"


def test_tracing_disabled_from_environment(tmp_path):
    out = tmp_path / "spans.jsonl"
    code = CHILD + "\nprint(invoke.__wrapped__ if hasattr(invoke, '__wrapped__') else 'plain')"
    proc = run_child({"TRACING_OUTPUT": str(out), "TRACING_ENABLED": "false"}, code)
    assert proc.returncode == 0 and proc.stdout.strip() == "plain"
    assert not out.exists()


def test_disk_full_warns_once_drops_and_counts():
    tracing.configure(output="/dev/full")
    try:
        for _ in range(300):  # more than one buffer's worth
            with TraceSpan("x"):
                pass
        tracing.flush()
        stats = tracing.stats()
        assert stats["dropped"] == 300 and stats["written"] == 0
    finally:
        tracing.configure(output="none")


def test_unwritable_path_never_raises_into_the_program(tmp_path, capfd):
    target = tmp_path / "a_directory"
    target.mkdir()
    tracing.configure(output=str(target))
    try:
        for _ in range(5):
            with TraceSpan("x"):
                pass
        tracing.flush()
        tracing.flush()
        assert tracing.stats()["dropped"] == 5
    finally:
        tracing.configure(output="none")
    warnings = [line for line in capfd.readouterr().err.splitlines() if "span output failed" in line]
    assert len(warnings) == 1


def test_closed_stream_is_a_failing_sink():
    stream = io.StringIO()
    tracing.configure(output=tracing.StreamSink(stream))
    try:
        with TraceSpan("ok"):
            pass
        stream.close()
        for _ in range(3):
            with TraceSpan("lost"):
                pass
        assert tracing.stats()["written"] == 1 and tracing.stats()["dropped"] == 3
    finally:
        tracing.configure(output="none")


def test_exception_in_traced_code_still_propagates_when_sink_fails():
    tracing.configure(output="/dev/full")
    try:
        try:
            with TraceSpan("x"):
                raise LookupError("mine")
        except LookupError as exc:
            assert str(exc) == "mine"
    finally:
        tracing.configure(output="none")


class Unencodable:
    def __repr__(self):
        return "<Unencodable>"


def test_metadata_is_made_safe(tmp_path):
    out = tmp_path / "s.jsonl"
    tracing.configure(output=str(out))
    try:
        with TraceSpan(
            "x",
            Authorization="Bearer abc", api_key="k", user_password="p", session_cookie="c",
            nested={"token": "t", "ok": 1}, long="y" * 5000, obj=Unencodable(),
            message="my secret travel plans", nan=float("nan"), count=3,
        ):
            pass
        tracing.flush()
    finally:
        tracing.configure(output="none")
    meta = json.loads(out.read_text())["metadata"]
    for key in ("Authorization", "api_key", "user_password", "session_cookie"):
        assert meta[key] == "***"
    assert meta["nested"] == {"token": "***", "ok": 1}
    assert len(meta["long"]) < 1100 and meta["long"].startswith("y" * MAX_VALUE_CHARS)
    assert meta["obj"] == "<Unencodable>"
    assert "travel" not in meta["message"]
    assert meta["nan"] == "nan" and meta["count"] == 3


def test_user_text_recorded_when_asked(spans):
    tracing.configure(output=tracing.MemorySink(), record_content=True)
    try:
        with TraceSpan("x", message="hello"):
            pass
        assert tracing.settings.sink.records[0]["metadata"]["message"] == "hello"
    finally:
        tracing.configure(output="none")
