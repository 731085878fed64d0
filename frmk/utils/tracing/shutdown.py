"""Spans written when a process stops: on a signal, at a server's shutdown, in a forked child.

``atexit`` (see ``config``) covers a normal exit. It does not run when a process dies of a
signal left at its default action (uvicorn re-raises SIGTERM after its graceful shutdown), nor
in a ``multiprocessing`` child started by fork, which leaves through ``os._exit``. This module
closes those gaps:

- ``flush_on_signals()`` is the one call that installs signal handlers, and nothing calls it at
  import: ``TraceContextMiddleware`` calls it at ASGI lifespan startup and
  ``aiohttp_cleanup_ctx`` at aiohttp startup. SIGTERM and SIGINT write out the spans, then do
  what they did before; SIGHUP writes them out and reopens the file, and no longer stops the
  process.
- A ``multiprocessing`` child started by fork writes its last spans through multiprocessing's
  own exit finalizers.

Nothing can be written after SIGKILL or a crash of the interpreter itself.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

from frmk.utils.tracing.config import flush, settings
from frmk.utils.tracing.sinks import FileSink

_HUP = getattr(signal, "SIGHUP", None)
_SIGNALS = tuple(s for s in (signal.SIGTERM, signal.SIGINT, _HUP) if s is not None)


def flush_on_signals() -> bool:
    """Write buffered spans when SIGTERM, SIGINT or SIGHUP arrives; chain to the old handlers.

    Installs only when spans go to a file and only from the main thread (signals are delivered
    there); returns whether it did. Calling it again is harmless: a signal whose handler is
    already one of these is left alone. SIGTERM and SIGINT then do what they did before: a
    Python handler is called (uvicorn's graceful shutdown, ``KeyboardInterrupt``), an ignored
    signal stays ignored, and a default action (death) is taken again once the spans are out.
    SIGHUP calls a previous Python handler if there was one but never terminates; the file is
    reopened (``FileSink.reopen``, when the sink has it), so a rotated log is followed.
    """
    if not isinstance(settings.sink, FileSink):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    _start_writer()
    for sig in _SIGNALS:
        current = signal.getsignal(sig)
        if not isinstance(current, _Chained):
            signal.signal(sig, _Chained(current))
    return True


class _Chained:
    """A signal handler that writes the spans out, then does what the handler it replaced did.

    The writing runs on a thread started beforehand (see :func:`_start_writer`): a handler
    interrupts the main thread anywhere, possibly inside the sink's own flush, whose lock is not
    re-entrant, or inside ``Thread.start`` of another handler (whose lock is not either), so the
    handler only puts a request on a ``queue.SimpleQueue``, which is safe to use from there.
    """

    __slots__ = ("previous",)

    def __init__(self, previous: Any) -> None:
        self.previous = previous

    def __call__(self, signum: int, frame: Any) -> None:
        previous = self.previous
        if signum == _HUP:
            _in_thread(_flush_and_reopen)
            if callable(previous):
                previous(signum, frame)
        elif callable(previous):
            _in_thread(flush)
            previous(signum, frame)
        elif previous == signal.SIG_IGN:
            _in_thread(flush)
        else:  # SIG_DFL, or a handler set outside Python: die of the signal, spans first
            signal.signal(signum, signal.SIG_DFL)
            _in_thread(_flush_then_raise, signum)


_requests: queue.SimpleQueue = queue.SimpleQueue()
_writer: threading.Thread | None = None


def _start_writer() -> None:
    """Start (once per process) the thread that carries out what signal handlers ask."""
    global _writer
    if _writer is not None and _writer.is_alive():
        return
    _writer = threading.Thread(target=_serve_requests, name="frmk-trace-signal", daemon=True)
    _writer.start()


def _serve_requests() -> None:
    while True:
        target, args = _requests.get()
        try:
            target(*args)
        except Exception:  # noqa: BLE001 - a failed flush must not end the writer
            pass


def _in_thread(target: Any, *args: Any) -> None:
    _requests.put((target, args))


def _flush_and_reopen() -> None:
    flush()
    reopen = getattr(settings.sink, "reopen", None)
    if reopen is not None:
        try:
            reopen()
        except Exception:
            pass


def _flush_then_raise(signum: int) -> None:
    flush()
    signal.raise_signal(signum)


async def aiohttp_cleanup_ctx(app: Any) -> AsyncIterator[None]:
    """For ``app.cleanup_ctx.append(aiohttp_cleanup_ctx)`` in an aiohttp server.

    At startup: ``flush_on_signals()`` (after ``web.run_app`` has set its own SIGTERM/SIGINT
    handling, which keeps working). At cleanup, after the last request: write every span.
    """
    flush_on_signals()
    yield
    flush()


def _register_exit_flush(_: object) -> None:
    import multiprocessing.util

    multiprocessing.util.Finalize(None, flush, exitpriority=-100)


def _in_forked_child() -> None:
    """Have a forked ``multiprocessing`` child write its last spans before ``os._exit``.

    ``Process._bootstrap`` clears the finalizer registry after fork hooks like this one have run,
    then calls the after-fork callbacks: the exit finalizer is registered from there.
    """
    util = sys.modules.get("multiprocessing.util")
    if util is not None:
        util.register_after_fork(_register_exit_flush, _register_exit_flush)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_in_forked_child)
