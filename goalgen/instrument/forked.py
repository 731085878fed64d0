"""Summarise and then decide files on forked workers that keep each file's scan where it was made.

A cold ``--check`` is mostly ``ast.parse`` (about half) and the scan. Both phases of the engine
need the same tree: the summary for the project index, then the plan once the whole index is
known. A worker pool would have to parse every file twice (trees are too large to send back),
so instead each forked worker summarises its share, sends the summaries, waits for the index,
and decides the files whose trees it still holds. Forking copies the parent's loaded modules
and file list for free; the only things sent are summaries, one index per worker, and the
answers.

Used only where ``fork`` is the platform's way and no other thread runs (a fork copies only the
calling thread); otherwise the engine works serially. A worker that dies has its share done by
the parent. Ctrl-C reaches the whole process group: workers ignore it and the parent ends them.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _serve(conn, items, share, first, second) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        conn.send([(i, first(items[i])) for i in share])
        message = conn.recv()
        if message is not None:
            payload, indexes = message
            conn.send([(i, second(items[i], payload)) for i in indexes])
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass
    finally:
        conn.close()


class Workers(Generic[T]):
    """``count`` forked workers: ``first(item)`` on shares of ``items[i] for i in indexes``
    balanced by ``weight``, then ``second(item, payload)`` on the items :meth:`second` names."""

    def __init__(
        self,
        items: Sequence[T],
        indexes: Sequence[int],
        count: int,
        weight: Callable[[T], int],
        first: Callable[[T], Any],
        second: Callable[[T, Any], Any],
    ) -> None:
        self.items, self.first, self.second_fn = items, first, second
        self.shares: list[list[int]] = [[] for _ in range(count)]
        loads = [0] * count
        for i in sorted(indexes, key=lambda i: -weight(items[i])):
            k = loads.index(min(loads))
            self.shares[k].append(i)
            loads[k] += weight(items[i]) + 1
        context = multiprocessing.get_context("fork")
        self.conns = []
        self.procs = []
        for share in self.shares:
            parent, child = context.Pipe()
            proc = context.Process(
                target=_serve, args=(child, items, share, first, second), daemon=True
            )
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
        self.holder: dict[int, int] = {}  # item -> the worker that did its first phase

    def first_results(self) -> dict[int, Any]:
        results: dict[int, Any] = {}
        for k, conn in enumerate(self.conns):
            try:
                got = dict(conn.recv())
            except (EOFError, OSError):  # the worker died: do its share here
                got = {i: self.first(self.items[i]) for i in self.shares[k]}
                self.conns[k] = None
            results.update(got)
            self.holder.update((i, k) for i in self.shares[k])
        return results

    def second(self, indexes: Sequence[int], payload: Any) -> dict[int, Any]:
        """Run the second phase on ``indexes``, each on the worker holding its first phase
        (items it did not see go to the least loaded one); then the workers end."""
        plan: list[list[int]] = [[] for _ in self.conns]
        alive = [k for k, conn in enumerate(self.conns) if conn is not None]
        results: dict[int, Any] = {}
        for i in indexes:
            k = self.holder.get(i)
            if k is None or self.conns[k] is None:
                if not alive:
                    results[i] = self.second_fn(self.items[i], payload)
                    continue
                k = min(alive, key=lambda w: len(plan[w]))
            plan[k].append(i)
        for k, conn in enumerate(self.conns):
            if conn is not None:
                conn.send((payload, plan[k]))
        for k, conn in enumerate(self.conns):
            if conn is None:
                continue
            try:
                results.update(conn.recv())
            except (EOFError, OSError):
                results.update((i, self.second_fn(self.items[i], payload)) for i in plan[k])
        self.close()
        return results

    def close(self) -> None:
        """End the workers (those still waiting for a second phase are told there is none)."""
        for conn in self.conns:
            if conn is None:
                continue
            try:
                conn.send(None)
            except (OSError, BrokenPipeError):
                pass
            conn.close()
        self.conns = [None] * len(self.conns)
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.terminate()
