"""Cost of ``goalgen traces --stats`` over the cost of just parsing the same lines.

The anchor is a bare loop that ``json.loads`` every line of the span file; ``--stats`` (the
command itself, in this process, its output thrown away) must stay within 1.5 times that
(aim: 1.0). Rounds are interleaved and the median of each is compared. The peak memory of
``--stats`` and of ``--format json`` is measured in a child process each (``ru_maxrss``).
The file, 200k spans written by the real runtime (``traces_corpus.py``), is made once under
``.bench/`` and reused. The million-span figures in docs/design.md come from
``python benchmarks/bench_traces.py 1000000``.

Run: ``python benchmarks/bench_traces.py [SPANS]`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from traces_corpus import ROOT, corpus  # benchmarks/ is on sys.path when run as a script

SPANS = 200_000
ROUNDS = 3
TARGET, AIM = 1.5, 1.0


def bare_loop(path: Path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as lines:
        for line in lines:
            json.loads(line)
    return time.perf_counter() - start


def goalgen_traces(path: Path, *args: str) -> float:
    """Seconds for ``goalgen traces PATH ARGS`` run in this process, stdout discarded."""
    from goalgen.cli import cli

    sink = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(sink):
        cli.main(["traces", str(path), *args], prog_name="goalgen", standalone_mode=False)
    return time.perf_counter() - start


def child_run(path: Path, *args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of ``python -m goalgen traces PATH ARGS`` in a child."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "goalgen", "traces", str(path), *args],
                             stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest so far
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"goalgen traces {' '.join(args)} exited {child.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> int:
    spans = int(sys.argv[1]) if len(sys.argv) > 1 else SPANS
    path = corpus(spans)
    sys.path.insert(0, str(ROOT))
    bare, stats = [], []
    for _ in range(ROUNDS):
        bare.append(bare_loop(path))
        stats.append(goalgen_traces(path, "--stats"))
    ratio = statistics.median(stats) / statistics.median(bare)
    size_mb = path.stat().st_size / 1e6
    print(f"goalgen traces over {spans} spans ({size_mb:.0f} MB, {path.name}), "
          f"median of {ROUNDS} interleaved rounds")
    print(f"  bare loop, json.loads per line: {statistics.median(bare):6.2f} s")
    print(f"  goalgen traces --stats:         {statistics.median(stats):6.2f} s")
    print(f"  ratio --stats / json.loads loop: {ratio:.2f}  (target <= {TARGET}, aim {AIM})")
    stats_s, stats_mb = child_run(path, "--stats")
    json_s, json_mb = child_run(path, "--format", "json")
    print(f"  child process: --stats {stats_s:.2f} s, peak {stats_mb:.0f} MB; "
          f"--format json {json_s:.2f} s, peak {json_mb:.0f} MB")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
