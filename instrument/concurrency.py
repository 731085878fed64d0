"""Rewrite many files in worker processes (imported only when there are enough files).

The project index and options are sent once per worker through the pool initializer; each job is
just (text, module, import style). Only rewrites (LibCST) go to workers; deciding alone is serial. Results come back in submission order, so a parallel run reports
exactly what a serial run would. Ctrl-C cancels pending work and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from codemods.import_style import ImportStyle
from instrument.options import Options
from instrument.transform import Outcome, transform

_INDEX: Any = None
_OPTIONS: Options | None = None


def _init_worker(index: Any, options: Options) -> None:
    global _INDEX, _OPTIONS
    _INDEX, _OPTIONS = index, options
    # Ctrl-C reaches the whole process group; only the parent acts on it (cancels and shuts the
    # pool down), so workers do not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(job: tuple[str, str, ImportStyle]) -> Outcome:
    text, module, style = job
    assert _OPTIONS is not None
    return transform(text, module, _INDEX, _OPTIONS, True, style)


def transform_parallel(
    jobs: Sequence[tuple[str, str, ImportStyle]],
    index: Any,
    options: Options,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Run ``transform`` over ``jobs`` on ``workers`` processes; falls back to serial when the
    platform cannot start a pool."""
    try:
        executor = ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(index, options)
        )
    except (OSError, NotImplementedError, ImportError):
        return [transform(t, m, index, options, True, s) for t, m, s in jobs]
    chunksize = max(1, len(jobs) // (workers * 4))
    try:
        results: list[Outcome] = []
        for outcome in executor.map(_work, jobs, chunksize=chunksize):
            results.append(outcome)
            if progress is not None:
                progress(len(results), len(jobs))
    except BaseException:  # Ctrl-C or a dead worker: drop what has not started, re-raise
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
    return results
