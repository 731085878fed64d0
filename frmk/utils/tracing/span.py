"""``TraceSpan`` (the one span type) and the ``@trace_span`` decorator.

The span path is kept flat on purpose: ids from a private RNG, two clock reads at start and one
at the end, and a JSON line assembled from pre-encoded pieces, so a traced call costs a few
microseconds. Unsampled and disabled spans still carry ids (so ``traceparent`` keeps the
sampling decision downstream) but never build a record; nor does any span while the sink
discards everything (``TRACING_OUTPUT=none``): nothing is encoded, redacted or looked up.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from time import perf_counter, time
from typing import Any, TypeVar

from frmk.utils.tracing.agent_context import note_agent
from frmk.utils.tracing.bot_context import note_turn
from frmk.utils.tracing.config import settings
from frmk.utils.tracing.context import current as _current
from frmk.utils.tracing.context import detach
from frmk.utils.tracing.ids import new_span_id, new_trace_id, sample
from frmk.utils.tracing.otel_context import otel_parent
from frmk.utils.tracing.pauses import pause_attributes
from frmk.utils.tracing.redact import redact_text, sanitize

F = TypeVar("F", bound=Callable[..., Any])

# Span-name prefixes whose component is not the prefix itself.
_COMPONENT_ALIASES = {"langgraph": "node"}
_encoded: dict[str, str] = {}  # JSON-encoded names/services/components, computed once each
_components: dict[str, str] = {}
# Components whose spans describe their call from its arguments when they start.
_DESCRIBERS = {"bot": note_turn, "agent": note_agent}
SPAN_KINDS = frozenset({"internal", "server", "client", "producer", "consumer"})
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=repr).encode


def _enc(text: str) -> str:
    out = _encoded.get(text)
    if out is None:
        out = json.dumps(text, ensure_ascii=False)
        if len(_encoded) < 4096:
            _encoded[text] = out
    return out


def _component(name: str) -> str:
    comp = _components.get(name)
    if comp is None:
        prefix = name.split(".", 1)[0]
        comp = _COMPONENT_ALIASES.get(prefix, prefix)
        if len(_components) < 4096:
            _components[name] = comp
    return comp


class TraceSpan:
    """A timed unit of work; also a context manager (``with`` / ``async with``).

    ``TraceSpan(name)`` becomes a child of the current span, or starts a trace. Entering it makes
    it the current span; leaving it ends it, records an exception (status ``error``) and lets the
    exception propagate unchanged. Without ``with``, call ``end()`` yourself.

    ``kind`` is the OpenTelemetry span kind: ``internal`` (default), ``server`` (a request this
    process serves), ``client`` (a request it sends), ``producer`` or ``consumer``.
    """

    __slots__ = (
        "name", "kind", "trace_id", "span_id", "parent_span_id", "sampled", "metadata", "component",
        "start_time", "end_time", "duration_ms", "status", "error", "_t0", "_token", "_ended",
    )  # fmt: skip

    def __init__(
        self, name: str, trace_id: str | None = None, *, kind: str = "internal", **metadata: Any
    ) -> None:
        parent = _current.get()
        if parent is None:
            parent = otel_parent()
            if parent is not None and not settings.enabled:
                parent = parent._replace(sampled=False)
        if parent is not None and (trace_id is None or trace_id == parent.trace_id):
            self.trace_id = parent.trace_id
            self.parent_span_id = parent.span_id
            self.sampled = parent.sampled
        else:
            self.trace_id = trace_id or new_trace_id()
            self.parent_span_id = None
            self.sampled = settings.enabled and sample(settings.sample_rate)
        if kind not in SPAN_KINDS:
            raise ValueError(f"span kind {kind!r} is not one of {', '.join(sorted(SPAN_KINDS))}")
        self.name = name
        self.kind = kind
        self.span_id = new_span_id()
        self.metadata = metadata
        component = _component(name)
        describe = _DESCRIBERS.get(component)
        if describe is not None and self.sampled and not settings.sink.discards:
            describe(metadata, name, sys._getframe(1))  # what the call was about, from its args
        self.component = metadata.pop("component", None) or component
        self.status = "ok"
        self.error: dict[str, str] | None = None
        self.end_time: float | None = None
        self.duration_ms: float | None = None
        self._token = None
        self._ended = False
        self.start_time = time()
        self._t0 = perf_counter()

    # -- the simple API ---------------------------------------------------------------------
    def add_metadata(self, **metadata: Any) -> TraceSpan:
        self.metadata.update(metadata)
        return self

    def record_exception(self, exc: BaseException) -> None:
        """Mark the span failed with the exception's type and message (credentials masked).

        LangGraph's control flow (``interrupt()``'s ``GraphInterrupt``, ``ParentCommand``) is
        not a failure: the span stays ``ok`` and gets the ``pauses`` attributes instead.
        """
        pause = pause_attributes(type(exc))
        if pause is not None:
            self.metadata.update(pause)
            return
        self.status = "error"
        self.error = {"type": type(exc).__name__, "message": redact_text(str(exc))[:1024]}

    def end(self) -> None:
        """Stop the clock and write the span (once; later calls do nothing)."""
        if self._ended:
            return
        self._ended = True
        self.duration_ms = (perf_counter() - self._t0) * 1000.0
        self.end_time = self.start_time + self.duration_ms / 1000.0
        if self.sampled:
            self.log()

    def log(self) -> None:
        """Write the span to the configured output now (``end`` does this for you); nothing is
        built for a sink that discards everything."""
        sink = settings.sink
        if sink.discards:
            return
        try:
            if sink.wants_records:
                sink.write_record(self.to_dict())
            else:
                sink.write_line(self._line())
        except Exception:  # never break the traced program
            sink.dropped += 1

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id,
            "service": settings.service,
            "component": self.component,
            "kind": self.kind,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "duration_ms": self.duration_ms,
            "status": self.status,
        }
        if self.error is not None:
            record["error"] = dict(self.error)
        record["metadata"] = sanitize(self.metadata, settings.record_content)
        return record

    def _line(self) -> str:
        parent = self.parent_span_id
        error = self.error
        meta = self.metadata
        return (
            f'{{"name": {_enc(self.name)}, "trace_id": "{self.trace_id}", '
            f'"span_id": "{self.span_id}", '
            f'"parent_span_id": {"null" if parent is None else chr(34) + parent + chr(34)}, '
            f'"service": {_enc(settings.service)}, "component": {_enc(self.component)}, '
            f'"kind": "{self.kind}", '
            f'"start_time": {self.start_time!r}, "end_time": {self.end_time!r}, '
            f'"duration_ms": {self.duration_ms:.4f}, "status": "{self.status}", '
            + ("" if error is None else f'"error": {_dumps(error)}, ')
            + f'"metadata": {_dumps(sanitize(meta, settings.record_content)) if meta else "{}"}}}\n'
        )

    # -- context manager --------------------------------------------------------------------
    def __enter__(self) -> TraceSpan:
        self._token = _current.set(self)
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is not None and exc_type is not GeneratorExit:
            self.record_exception(exc)
        if self._token is not None:
            detach(self._token)
            self._token = None
        self.end()
        return False

    async def __aenter__(self) -> TraceSpan:
        return self.__enter__()

    async def __aexit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        return self.__exit__(exc_type, exc, tb)

    def __repr__(self) -> str:
        return f"<TraceSpan {self.name!r} trace={self.trace_id} span={self.span_id}>"


def note_exception(span: TraceSpan, exc: BaseException) -> None:
    """Fail ``span`` with ``exc`` and set OpenTelemetry's ``error.type`` to its class name, as
    client and GenAI spans carry it (refused connection, provider error, failed model run)."""
    span.record_exception(exc)
    span.metadata["error.type"] = type(exc).__name__


def trace_span(name: str | Callable[..., Any] | None = None, **metadata: Any) -> Any:
    """Decorate a sync, async, generator or async-generator function so each call is a span.

    The wrapper keeps the function's kind, name, docstring, signature and ``__wrapped__``. With
    ``TRACING_ENABLED=false`` the function itself is returned. ``@trace_span`` without arguments
    names the span after the function's qualified name.
    """
    if callable(name):
        return trace_span(None)(name)

    def decorate(fn: F) -> F:
        if isinstance(fn, (staticmethod, classmethod)):
            return type(fn)(decorate(fn.__func__))  # type: ignore[return-value]
        if not settings.enabled:
            return fn
        span_name = name or getattr(fn, "__qualname__", None) or repr(fn)
        if inspect.isasyncgenfunction(fn):
            wrapper = _wrap_async_gen(fn, span_name, metadata)
        elif inspect.iscoroutinefunction(fn):
            wrapper = _wrap_async(fn, span_name, metadata)
        elif inspect.isgeneratorfunction(fn):
            wrapper = _wrap_gen(fn, span_name, metadata)
        else:
            wrapper = _wrap_sync(fn, span_name, metadata)
        return functools.update_wrapper(wrapper, fn)  # type: ignore[return-value]

    return decorate


def _wrap_sync(fn: Callable[..., Any], span_name: str, metadata: dict[str, Any]) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        span = TraceSpan(span_name, **metadata)
        token = _current.set(span)
        try:
            return fn(*args, **kwargs)
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            _current.reset(token)
            span.end()

    return wrapper


def _wrap_async(fn: Callable[..., Any], span_name: str, metadata: dict[str, Any]) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        span = TraceSpan(span_name, **metadata)
        token = _current.set(span)
        try:
            return await fn(*args, **kwargs)
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            _current.reset(token)
            span.end()

    return wrapper


def _wrap_gen(fn: Callable[..., Any], span_name: str, metadata: dict[str, Any]) -> Any:
    """Drive the generator step by step, with the span current only while it runs."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gen = fn(*args, **kwargs)
        span = TraceSpan(span_name, **metadata)  # first iteration starts the span
        method, arg = gen.send, None
        try:
            while True:
                token = _current.set(span)
                try:
                    value = method(arg)
                finally:
                    _current.reset(token)
                try:
                    arg = yield value
                    method = gen.send
                except GeneratorExit:
                    token = _current.set(span)
                    try:
                        gen.close()
                    finally:
                        _current.reset(token)
                    raise
                except BaseException as exc:
                    method, arg = gen.throw, exc
        except StopIteration as stop:
            return stop.value
        except GeneratorExit:
            raise
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            span.end()

    return wrapper


def _wrap_async_gen(fn: Callable[..., Any], span_name: str, metadata: dict[str, Any]) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        agen = fn(*args, **kwargs)
        span = TraceSpan(span_name, **metadata)
        method, arg = agen.asend, None
        try:
            while True:
                token = _current.set(span)
                try:
                    value = await method(arg)
                finally:
                    _current.reset(token)
                try:
                    arg = yield value
                    method = agen.asend
                except GeneratorExit:
                    token = _current.set(span)
                    try:
                        await agen.aclose()
                    finally:
                        _current.reset(token)
                    raise
                except BaseException as exc:
                    method, arg = agen.athrow, exc
        except StopAsyncIteration:
            return
        except GeneratorExit:
            raise
        except BaseException as exc:
            span.record_exception(exc)
            raise
        finally:
            span.end()

    return wrapper
