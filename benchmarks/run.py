"""Run every benchmark in this folder, one after another, and fail if any misses its target.

Each benchmark measures its anchor (the OpenTelemetry SDK, OpenTelemetry's FastAPI
instrumentation) in the same run and prints the ratio; none is a timed test.
``bench_instrument.py`` is left to ``make bench-instrument``: it downloads its corpus from PyPI,
takes minutes, and is a report without a pass/fail target.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORTS_ONLY = {"bench_instrument.py"}


def main() -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if script.name in REPORTS_ONLY:
            continue
        print(f"== {script.stem}", flush=True)
        status |= subprocess.call([sys.executable, str(script)])
    return status


if __name__ == "__main__":
    sys.exit(main())
