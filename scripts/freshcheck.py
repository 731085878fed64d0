"""A generated project installs on a fresh machine with the command `goalgen generate` prints
(`make freshcheck`; slow, run by hand: it downloads the project's dependencies).

Outside the repository: generate the sample with this checkout's goalgen, make a new
`python -m venv`, `pip install -r requirements.txt` in the project folder, then its
`python -m pytest`. The new venv sees nothing of this one (no PYTHONPATH, no GoalGen): the
runtime comes from the project's vendored wheel. Prints each step's time; exits 1 on a failure,
or when the venv holds GoalGen's own tool dependencies (goalgen, libcst, jinja2, rich).

    python scripts/freshcheck.py [--sdk agents] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from travel_sample import SDKS, GoalgenError, goalgen, sample_spec

TOOL_ONLY = ("goalgen", "libcst", "jinja2", "rich")  # must not reach a deployed project


def _clean_env() -> dict[str, str]:
    """The environment without anything pointing at this checkout or its venv."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def _step(title: str, command: list[str], cwd: Path) -> float:
    """Run ``command`` in ``cwd``; returns its seconds, exits 1 with its output on failure."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=_clean_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in (result.stdout + result.stderr).splitlines()
             if line.strip() and not line.startswith("WARNING:")]  # pip's index notices
    tail = "\n".join(lines[-15:])
    if result.returncode != 0:
        print(f"freshcheck: FAIL: {title} exited {result.returncode} after {seconds:.1f} s\n{tail}")
        raise SystemExit(1)
    print(f"  {title:<28} {seconds:7.1f} s   {tail.splitlines()[-1] if tail else ''}")
    return seconds


def check(work: Path, sdk: str) -> None:
    project = work / "project"
    venv = work / "venv"
    start = time.perf_counter()
    printed = goalgen("generate", "--spec", str(sample_spec(sdk, work)), "--out", str(project))
    print(f"  {'goalgen generate':<28} {time.perf_counter() - start:7.1f} s   {printed.splitlines()[-1]}")
    python = str(venv / "bin" / "python")
    _step("python -m venv", [sys.executable, "-m", "venv", str(venv)], work)
    _step("pip install -r requirements", [python, "-m", "pip", "install", "-q", "-r",
                                          "requirements.txt"], project)
    probe = "import importlib.util as u; print(' '.join(m for m in %r if u.find_spec(m)))"
    found = subprocess.run([python, "-c", probe % (TOOL_ONLY,)], cwd=work, env=_clean_env(),
                           capture_output=True, text=True, check=True).stdout.split()
    if found:
        print(f"freshcheck: FAIL: the project's venv holds GoalGen's tool packages: {found}")
        raise SystemExit(1)
    print(f"  {'tool packages in the venv':<28} {'none':>9}   ({', '.join(TOOL_ONLY)})")
    _step("python -m pytest", [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdk", choices=SDKS, default=SDKS[0], help="the bot's SDK")
    parser.add_argument("--keep", type=Path, help="work in DIR (created) and keep it")
    args = parser.parse_args(argv)
    print(f"freshcheck: a generated project ({args.sdk}) in a new venv, {sys.version.split()[0]}")
    start = time.perf_counter()
    try:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=False)
            check(args.keep.resolve(), args.sdk)
        else:
            with tempfile.TemporaryDirectory(prefix="goalgen-freshcheck-") as tmp:
                check(Path(tmp), args.sdk)
    except (GoalgenError, FileExistsError) as exc:
        print(f"freshcheck: error: {exc}", file=sys.stderr)
        return 1
    print(f"freshcheck: OK in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
