"""`goalgen traces FILE... --follow`: print traces as they end, until Ctrl-C or SIGTERM.

The loop polls the files (``goalgen.traces.follow.Follower``) every ``POLL_INTERVAL_S`` and
prints each trace handed over: the same tree as without ``--follow`` (or one JSON line per trace
with ``--format json``), after a line marking it incomplete when it is. SIGINT and SIGTERM end
the loop cleanly: the files are read one last time and every pending trace is printed (whole
ones as usual, the rest marked incomplete), then the exit status is 0. A closed stdout (``|
head``) ends it quietly too.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.text import Text

from goalgen.cli.terminal import Terminal
from goalgen.cli.traces import _print_trees, _trace_dict, _warn_cycles
from goalgen.traces.filters import TraceFilter
from goalgen.traces.follow import Finished, Follower, Timing
from goalgen.traces.safe_text import printable

POLL_INTERVAL_S = 0.25
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)
)


def follow_files(
    terminal: Terminal,
    paths: tuple[str, ...],
    timing: Timing,
    trace_prefix: str | None,
    chosen: TraceFilter,
    output_format: str,
    show_critical: bool,
) -> None:
    """Follow ``paths`` and print each trace ``chosen`` keeps, until a stop signal."""
    _check_readable(terminal, paths)
    follower = Follower(paths, timing, trace_prefix)
    printer = _Printer(terminal, chosen, output_format, show_critical)
    stop: list[int] = []  # the stop signals received
    try:
        with _stopping_on_signals(stop):
            while not stop:
                printer.show(follower.poll(time.monotonic()))
                _tell(terminal, follower)
                if not follower.behind:  # a backlog is read without pausing
                    time.sleep(POLL_INTERVAL_S)
            printer.show(follower.stop(time.monotonic()))
            _tell(terminal, follower)
    except BrokenPipeError:  # the reader went away (`| head`): stop without a traceback
        _silence_stdout()
        return
    if follower.skipped:
        terminal.warn(f"skipped {follower.skipped} line(s) that are not spans")
    if follower.assembler.late:
        terminal.warn(f"{follower.assembler.late} late span(s) arrived after their trace was shown")


def _check_readable(terminal: Terminal, paths: tuple[str, ...]) -> None:
    """Exit 2 for a path that exists but cannot be read (a directory, no permission); a missing
    one is waited for."""
    for path in paths:
        try:
            with open(path, "rb"):
                pass
        except FileNotFoundError:
            continue
        except OSError as exc:
            reason = exc.strerror or str(exc)
            terminal.abort(printable(f"cannot read trace file {path}: {reason}"), 2)


@contextmanager
def _stopping_on_signals(stop: list[int]) -> Iterator[None]:
    """Make SIGINT and SIGTERM append to ``stop`` (in the main thread; elsewhere signals stay
    as they are), and put the previous handlers back afterwards. The handler only appends to a
    list: ``threading.Event.set()`` there can deadlock, as the handler may run while the main
    thread holds the event's (non-reentrant) lock inside ``wait()``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda sig, _frame: stop.append(sig)) for sig in _STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _tell(terminal: Terminal, follower: Follower) -> None:
    for notice in follower.notices:
        terminal.info(printable(notice))
    for warning in follower.warnings:
        terminal.warn(printable(warning))
    follower.notices.clear()
    follower.warnings.clear()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


class _Printer:
    """Prints the traces handed over, in the chosen format, separated as without --follow."""

    def __init__(
        self, terminal: Terminal, chosen: TraceFilter, output_format: str, show_critical: bool
    ) -> None:
        self.terminal = terminal
        self.chosen = chosen
        self.output_format = output_format
        self.show_critical = show_critical
        self.shown = 0

    def show(self, finished: list[Finished]) -> None:
        for item in finished:
            if self.chosen.apply([item.trace]):
                self._show(item)

    def _show(self, item: Finished) -> None:
        terminal, trace = self.terminal, item.trace
        _warn_cycles(terminal, [trace])
        if self.output_format == "json":
            data = _trace_dict(trace, self.show_critical)
            data["incomplete"] = bool(item.incomplete)
            if item.incomplete:
                data["incomplete_reason"] = item.incomplete
            terminal.write(json.dumps(data) + "\n")
            return
        lines = [""] if self.shown else []
        if item.incomplete:
            lines.append(printable(f"incomplete trace {trace.trace_id}: {item.incomplete}"))
        for line in lines:
            if terminal.out.is_terminal:
                terminal.out.print(Text(line, "bold yellow"))
            else:
                terminal.write(line + "\n")
        _print_trees(terminal, [trace], self.show_critical)
        self.shown += 1
