"""Wall time of ``goalgen instrument`` on a ~110k-line real corpus, against a naive LibCST pass.

The corpus (FastAPI's ``docs_src/`` and LangGraph's package and tests, see
``instrument_corpus.py``) is copied fresh into a temp dir; then, each row a separate subprocess
so interpreter start-up and imports count for every row alike:

- anchor: one process reads every .py file, ``libcst.parse_module`` + ``.code`` each one;
- cold: ``python -m goalgen instrument corpus --check`` with an empty ``GOALGEN_CACHE_DIR``;
- warm: the same again, the cache filled by the cold run (anchor, cold, warm go in rounds);
- write: ``goalgen instrument corpus`` once (info, not a row);
- steady: ``--check`` on the instrumented tree; one settling run (info), then the timed ones.

Each row is the median of ``--repeat`` runs (the anchor runs once only when it is slow). The
table gives the ratio to the anchor and whether each bar is met. It is a report: the exit
status is 0 whatever the ratios (1 only when the corpus cannot be built).

Run: ``python benchmarks/bench_instrument.py`` (``make bench-instrument``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from instrument_corpus import DEFAULT_HOME, ROOT, CorpusError, build_corpus

# (bar, aim) for the ratio to the anchor.
BARS = {"cold": (0.25, 0.10), "warm": (0.05, 0.02), "steady": (0.05, 0.02)}
ANCHOR_SLOW_S = 60.0  # an anchor run slower than this is not repeated

ANCHOR = """\
import pathlib, sys
import libcst
parsed = failed = 0
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):
    data = path.read_bytes()
    try:
        libcst.parse_module(data).code
    except libcst.ParserSyntaxError:
        failed += 1
    else:
        parsed += 1
print(parsed, failed)
"""


@dataclass
class Run:
    seconds: float  # wall time
    cpu: float  # user + system time of the process and its workers
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> str:
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else "(no summary)"

    @property
    def listed_files(self) -> list[str]:
        """Files a ``--check`` run lists as having work (``path:line kind name`` lines)."""
        paths = (line.rsplit(":", 1)[0] for line in self.stdout.splitlines() if ":" in line)
        return list(dict.fromkeys(paths))

    @property
    def failed_files(self) -> int:
        return sum(1 for line in self.stderr.splitlines() if line.startswith("error: cannot"))


def timed(command: Sequence[str], cwd: Path, cache: Path | None = None) -> Run:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if cache is not None:
        env["GOALGEN_CACHE_DIR"] = str(cache)
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    return Run(wall, _children_cpu() - before, done.returncode, done.stdout, done.stderr)


def _children_cpu() -> float:
    """CPU seconds of all finished child processes (and theirs, once waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def goalgen(work: Path, cache: Path, *flags: str) -> Run:
    command = [sys.executable, "-m", "goalgen", "instrument", "corpus", "--no-color", *flags]
    return timed(command, work, cache)


def measure(work: Path, repeat: int) -> tuple[dict[str, list[Run]], dict[str, Run]]:
    """The timed rows (name -> runs) and the info runs (write, first steady).

    On the raw tree the rows go in rounds (anchor, cold, warm), so a change of machine load
    during the run hits them alike; each round's cold run starts from its own empty cache dir
    and its warm run reuses that cache.
    """
    rows: dict[str, list[Run]] = {"anchor": [], "cold": [], "warm": [], "steady": []}
    anchor = [sys.executable, "-c", ANCHOR, str(work / "corpus")]
    for n in range(repeat):
        if not rows["anchor"] or rows["anchor"][0].seconds <= ANCHOR_SLOW_S:
            rows["anchor"].append(timed(anchor, work))
        cache = work / f"cache-{n}"
        rows["cold"].append(goalgen(work, cache, "--check"))
        rows["warm"].append(goalgen(work, cache, "--check"))
    info = {"write": goalgen(work, cache), "steady, first run": goalgen(work, cache, "--check")}
    rows["steady"] = [goalgen(work, cache, "--check") for _ in range(repeat)]
    return rows, info


def median(runs: Sequence[Run], cpu: bool = False) -> float:
    return statistics.median(run.cpu if cpu else run.seconds for run in runs)


def print_load(when: str) -> None:
    """Other work on the machine skews every row; the load average says how much there was."""
    load = os.getloadavg()[0]
    busy = " (busy machine: timings are noisy)" if load > (os.cpu_count() or 1) else ""
    print(f"load average {when}: {load:.2f}{busy}", flush=True)


def print_table(rows: dict[str, list[Run]]) -> None:
    """Bars are judged on wall time; CPU time (less moved by other load) is shown beside it."""
    anchor, anchor_cpu = median(rows["anchor"]), median(rows["anchor"], cpu=True)
    print(f"\n{'row':<8}{'runs':>5}{'median s':>10}{'ratio':>8}{'cpu s':>9}{'cpu ratio':>10}"
          f"   {'bar':<8}{'aim':<8}verdict")
    for name, runs in rows.items():
        ratio = median(runs) / anchor
        line = (f"{name:<8}{len(runs):>5}{median(runs):>10.3f}{ratio:>8.3f}"
                f"{median(runs, cpu=True):>9.2f}{median(runs, cpu=True) / anchor_cpu:>10.3f}")
        if name in BARS:
            bar, aim = BARS[name]
            verdict = "met" if ratio <= bar else "NOT met"
            verdict += ", aim met" if ratio <= aim else ""
            line += f"   <={bar:<6}<={aim:<6}{verdict}"
        print(line)
    print("all runs (s): " + "; ".join(
        f"{name} " + " ".join(f"{run.seconds:.2f}" for run in runs) for name, runs in rows.items()
    ))


def print_outcomes(rows: dict[str, list[Run]], info: dict[str, Run]) -> None:
    """Exit codes and summaries, and what a steady ``--check`` still finds if not 0."""
    parsed, failed = rows["anchor"][0].stdout.split() or ("?", "?")
    print(f"\nanchor: {parsed} files parsed, {failed} failed to parse (LibCST)")
    print(f"anchor: exit {rows['anchor'][0].code}")
    expected = {"cold": "1", "warm": "1", "write": "0", "steady, first run": "0", "steady": "0"}
    named = {"cold": rows["cold"], "warm": rows["warm"]}
    named.update({name: [run] for name, run in info.items()})
    named["steady"] = rows["steady"]
    for name, runs in named.items():
        codes = ",".join(str(c) for c in dict.fromkeys(run.code for run in runs))
        last = runs[-1]
        extra = f" ({last.seconds:.2f} s)" if name in info else ""
        print(f"{name}: exit {codes} (expected {expected[name]}){extra}; "
              f"{len(last.listed_files)} files listed, {last.failed_files} could not be processed")
        print(f"  {last.summary}")
    steady = rows["steady"][-1]
    if steady.code != 0:
        print("steady --check still reports work in (first 10):")
        for path in steady.listed_files[:10]:
            print(f"  {path}")
        if steady.code not in (0, 1):
            print("  " + "\n  ".join(steady.stderr.strip().splitlines()[:10]))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (default 3)")
    parser.add_argument("--home", type=Path, default=DEFAULT_HOME, help="default: .bench/")
    args = parser.parse_args(argv)
    try:
        corpus = build_corpus(args.home)
    except CorpusError as exc:
        print(f"bench_instrument: error: {exc}", file=sys.stderr)
        return 1
    print(f"corpus: {corpus.files} files, {corpus.lines} lines ({corpus.path})")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; goalgen --jobs default; "
          f"anchor in one process; up to {max(args.repeat, 1)} runs per row")
    print_load("before")
    with tempfile.TemporaryDirectory(prefix="bench-instrument-") as tmp:
        work = Path(tmp)
        shutil.copytree(corpus.path, work / "corpus", ignore=shutil.ignore_patterns(".sources"))
        rows, info = measure(work, max(args.repeat, 1))
    print_load("after")
    print_table(rows)
    print_outcomes(rows, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
