"""Rewrite many files in worker processes (imported only when there are enough files).

The project index is sent once per worker through the pool initializer; each job is just
(text, module, import style, the file's options). Only rewrites (LibCST) go to workers; deciding
alone is serial. Results come back in submission order, so a parallel run reports exactly what
a serial run would. Ctrl-C cancels pending work and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from goalgen.codemods.import_style import ImportStyle
from goalgen.instrument.options import Options
from goalgen.instrument.transform import Outcome, transform

_INDEX: Any = None


def _init_worker(index: Any) -> None:
    global _INDEX
    _INDEX = index
    # Ctrl-C reaches the whole process group; only the parent acts on it (cancels and shuts the
    # pool down), so workers do not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(job: tuple[str, str, ImportStyle, Options]) -> Outcome:
    text, module, style, options = job
    return transform(text, module, _INDEX, options, True, style)


def transform_parallel(
    jobs: Sequence[tuple[str, str, ImportStyle, Options]],
    index: Any,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Run ``transform`` over ``jobs`` on ``workers`` processes; falls back to serial when the
    platform cannot start a pool."""
    try:
        executor = ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(index,)
        )
    except (OSError, NotImplementedError, ImportError):
        return [transform(t, m, index, o, True, s) for t, m, s, o in jobs]
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
