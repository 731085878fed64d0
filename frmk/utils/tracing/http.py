"""``traceparent`` on outgoing HTTP requests made with httpx or aiohttp.

``goalgen instrument`` adds these to client constructors, visibly, instead of patching the
libraries at import time::

    trace_client(httpx.AsyncClient)(timeout=10)
    aiohttp.ClientSession(trace_configs=aiohttp_trace_configs())

``httpx_event_hooks()`` stays for code instrumented by older versions.
"""

from __future__ import annotations

from typing import Any

from frmk.utils.tracing.propagation import HEADER, current_traceparent


class _Done:
    """An awaitable that is already finished: lets one hook serve sync and async httpx clients."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())


_DONE = _Done()


def _httpx_request_hook(request: Any) -> _Done:
    value = current_traceparent()
    if value is not None:
        request.headers[HEADER] = value
    return _DONE


def httpx_event_hooks(**extra: list[Any]) -> dict[str, list[Any]]:
    """``event_hooks`` for ``httpx.Client`` or ``httpx.AsyncClient`` (other hooks may be added)."""
    hooks: dict[str, list[Any]] = {"request": [_httpx_request_hook], "response": []}
    for name, funcs in extra.items():
        hooks.setdefault(name, []).extend(funcs)
    return hooks


def trace_client(cls: Any) -> Any:
    """A factory building ``cls`` (an httpx client class) with the hooks that send
    ``traceparent`` added to the caller's ``event_hooks`` (placeholder; replaced by the
    genai/httprt work)."""

    def build(*args: Any, **kwargs: Any) -> Any:
        hooks = {name: list(funcs) for name, funcs in (kwargs.pop("event_hooks", None) or {}).items()}
        return cls(*args, event_hooks=httpx_event_hooks(**hooks), **kwargs)

    return build


async def _on_request_start(session: Any, ctx: Any, params: Any) -> None:
    value = current_traceparent()
    if value is not None:
        params.headers[HEADER] = value


def aiohttp_trace_configs() -> list[Any]:
    """``trace_configs`` for ``aiohttp.ClientSession`` (imports aiohttp, which the caller uses)."""
    import aiohttp

    config = aiohttp.TraceConfig()
    config.on_request_start.append(_on_request_start)
    return [config]
