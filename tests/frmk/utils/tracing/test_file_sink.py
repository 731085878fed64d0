"""FileSink on real files: rotation, full disks, threads, several processes, file mode."""

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
import warnings

import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.sinks import FileSink

PAD = "x" * 150  # makes a line about 200 bytes, so a few hundred fill a small filesystem

_open_listeners: list = []


def _audit(event, args):
    if event == "open" and _open_listeners:
        for listener in list(_open_listeners):
            listener(args[0])


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only calls listeners


def watch_opens(path):
    """Record the thread that opens ``path`` (os.open raises the ``open`` audit event)."""
    opened = []
    done = threading.Event()

    def listener(name):
        if os.fspath(name) == str(path):
            opened.append(threading.get_ident())
            done.set()

    _open_listeners.append(listener)
    return opened, done, lambda: _open_listeners.remove(listener)


def span_line(i, **extra):
    return json.dumps({"i": i, "pad": PAD, **extra}) + "\n"


def read_lines(path):
    """Every line of the file as JSON; a torn line fails the test here."""
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def small_fs(tmp_path):
    """A real 64 KiB tmpfs (needs root), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "fs"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount a tmpfs: {proc.stderr.strip()}")
    try:
        yield mnt
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mnt)], check=True)


@pytest.mark.parametrize("move", [
    pytest.param(lambda path: os.rename(path, f"{path}.1"), id="renamed"),
    pytest.param(os.remove, id="deleted"),
])
def test_spans_after_rotation_go_to_a_new_file_at_the_path(tmp_path, move):
    path = tmp_path / "spans.jsonl"
    sink = FileSink(str(path))
    try:
        sink.write_line(span_line(1))
        sink.flush()
        move(path)
        sink.write_line(span_line(2))
        sink.flush()
    finally:
        sink.close()
    assert [r["i"] for r in read_lines(path)] == [2]
    assert sink.written == 2


def test_reopen_opens_the_path_again_at_the_next_flush(tmp_path):
    path = tmp_path / "spans.jsonl"
    sink = FileSink(str(path))
    opened, _, stop = watch_opens(path)
    try:
        sink.write_line(span_line(1))
        sink.flush()
        sink.write_line(span_line(2))
        sink.flush()
        assert len(opened) == 1  # the same file stays open
        sink.reopen()
        sink.write_line(span_line(3))
        sink.flush()
        assert len(opened) == 2
    finally:
        stop()
        sink.close()
    assert [r["i"] for r in read_lines(path)] == [1, 2, 3]


def test_full_disk_counts_truthfully_warns_once_per_outage_and_resumes(small_fs, capfd):
    filler = small_fs / "filler"
    filler.write_bytes(b"\0" * 32 * 1024)
    path = small_fs / "spans.jsonl"
    sink = FileSink(str(path))
    try:
        for i in range(300):  # about 60 KiB into about 32 KiB free
            sink.write_line(span_line(i))
        sink.flush()
        for i in range(300, 305):  # still full: dropped, no second warning
            sink.write_line(span_line(i))
            sink.flush()
        on_disk = [r["i"] for r in read_lines(path)]
        assert 0 < sink.written == len(on_disk) and on_disk == list(range(sink.written))
        assert sink.written + sink.dropped == 305
        first = sink.written

        filler.unlink()
        for i in range(305, 315):
            sink.write_line(span_line(i))
        sink.flush()
        assert sink.written == first + 10
        assert [r["i"] for r in read_lines(path)][-10:] == list(range(305, 315))

        for i in range(315, 615):  # fills up again: a second outage, a second warning
            sink.write_line(span_line(i))
        sink.flush()
        assert sink.written == len(read_lines(path))
        assert sink.written + sink.dropped == 615
    finally:
        sink.close()
    err = capfd.readouterr().err.splitlines()
    assert sum("span output failed" in line for line in err) == 2
    assert sum("span output resumed" in line for line in err) == 1


WRITER = textwrap.dedent(
    """
    import json, sys
    from frmk.utils import tracing
    from frmk.utils.tracing import TraceSpan

    def burst(start, n):
        for i in range(start, start + n):
            with TraceSpan("x", writer=sys.argv[1], i=i, pad="x" * 150):
                pass
        tracing.flush()
        print(json.dumps(tracing.stats()), flush=True)

    burst(0, 600)
    sys.stdin.readline()  # the parent frees space
    burst(600, 20)
    """
)


def test_processes_filling_one_disk_leave_whole_lines_and_true_counts(small_fs):
    filler = small_fs / "filler"
    filler.write_bytes(b"\0" * 48 * 1024)
    path = small_fs / "spans.jsonl"
    env = {**os.environ, "TRACING_OUTPUT": str(path)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(k)], env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE) for k in range(3)]
    try:
        first = [json.loads(w.stdout.readline()) for w in writers]
        lines = read_lines(path)
        for k, stats in enumerate(first):
            assert stats["written"] + stats["dropped"] == 600
            assert stats["written"] == sum(r["metadata"]["writer"] == str(k) for r in lines)
        assert sum(s["dropped"] for s in first) > 0

        filler.unlink()
        for w in writers:
            w.stdin.write("\n")
            w.stdin.flush()
        second = [json.loads(w.stdout.readline()) for w in writers]
        lines = read_lines(path)
        for k, stats in enumerate(second):
            assert stats["written"] == first[k]["written"] + 20
            assert stats["written"] == sum(r["metadata"]["writer"] == str(k) for r in lines)
    finally:
        for w in writers:
            w.stdin.close()
            w.wait(60)


def _trace_write_line(frame, event, arg):
    """Between any two bytecodes of ``write_line``, let another thread run."""
    if frame.f_code.co_name != "write_line":
        return None
    frame.f_trace_opcodes = True
    return _yield_the_gil


def _yield_the_gil(frame, event, arg):
    time.sleep(0)
    return _yield_the_gil


def test_threads_writing_while_flushes_run_lose_and_repeat_nothing(tmp_path):
    path = tmp_path / "spans.jsonl"
    sink = FileSink(str(path))
    stop = threading.Event()

    def flush_constantly():
        while not stop.is_set():
            sink.flush()

    def write(k):
        sys.settrace(_trace_write_line)
        for i in range(200):
            sink.write_line(f'{{"w": {k}, "i": {i}}}\n')

    flusher = threading.Thread(target=flush_constantly)
    writers = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        flusher.start()
        for t in writers:
            t.start()
        for t in writers:
            t.join()
    finally:
        stop.set()
        flusher.join()
        sys.setswitchinterval(switch)
    sink.close()
    got = sorted((r["w"], r["i"]) for r in read_lines(path))
    assert got == [(k, i) for k in range(4) for i in range(200)]
    assert sink.written == 800 and sink.dropped == 0


def test_a_full_buffer_is_written_by_the_flush_thread_not_the_traced_one(tmp_path):
    path = tmp_path / "spans.jsonl"
    sink = FileSink(str(path))
    opened, done, stop = watch_opens(path)
    try:
        for i in range(300):
            sink.write_line(span_line(i))
        assert done.wait(30)
        assert opened[0] != threading.get_ident()
    finally:
        stop()
        sink.close()
    assert len(read_lines(path)) == 300


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_span_files_are_private_unless_they_exist(tmp_path, umask_022):
    new, old = tmp_path / "new.jsonl", tmp_path / "old.jsonl"
    old.touch(mode=0o644)
    for path in (new, old):
        sink = FileSink(str(path))
        sink.write_line(span_line(1))
        sink.close()
    assert mode_of(new) == 0o600 and mode_of(old) == 0o644


@pytest.mark.parametrize(("value", "mode", "warns"), [
    pytest.param("0640", 0o640, False, id="octal"),
    pytest.param("640", 0o640, False, id="octal-without-zero"),
    pytest.param("rw-r--r--", 0o600, True, id="not-octal"),
    pytest.param("01777", 0o600, True, id="out-of-range"),
])
def test_file_mode_from_the_environment(tmp_path, umask_022, monkeypatch, value, mode, warns):
    path = tmp_path / "spans.jsonl"
    monkeypatch.setenv("TRACING_FILE_MODE", value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tracing.configure(output=str(path))
    try:
        with TraceSpan("x"):
            pass
        tracing.flush()
    finally:
        tracing.configure(output="none")
    assert mode_of(path) == mode
    assert any("TRACING_FILE_MODE" in str(w.message) for w in caught) == warns


def test_a_forked_child_appends_to_the_same_file(tmp_path):
    path = tmp_path / "spans.jsonl"
    tracing.configure(output=str(path))
    try:
        with TraceSpan("parent.before"):
            pass
        tracing.flush()
        pid = os.fork()
        if pid == 0:  # the child: its own span, flushed at exit
            try:
                with TraceSpan("child"):
                    pass
                tracing.settings.sink.close()
            finally:
                os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0
        with TraceSpan("parent.after"):
            pass
    finally:
        tracing.configure(output="none")
    assert sorted(r["name"] for r in read_lines(path)) == ["child", "parent.after", "parent.before"]
