"""Outgoing HTTP clients: pass the hooks that add ``traceparent`` to every request.

``httpx.AsyncClient(...)`` / ``httpx.Client(...)`` get ``event_hooks=httpx_event_hooks()`` and
``aiohttp.ClientSession(...)`` gets ``trace_configs=aiohttp_trace_configs()`` (from
``frmk.utils.tracing.http``), so a traced bot calling the orchestrator continues one trace. A
call that already passes that argument, or passes ``**kwargs`` (which might hold it), is
reported as skipped. The argument goes last; the marker goes on the line ending the statement::

    async with httpx.AsyncClient(timeout=10) as client:
    ->
    async with httpx.AsyncClient(timeout=10, event_hooks=httpx_event_hooks()) as client:  # goalgen: instrument

A call whose ``)`` has a line of its own gets the argument on a line of its own, marked there
(see :func:`codemods.apply.append_kwarg`)::

    async with httpx.AsyncClient(                    async with httpx.AsyncClient(
        timeout=10, base_url=url             ->          timeout=10, base_url=url,
    ) as client:                                         event_hooks=httpx_event_hooks()  # goalgen: instrument
                                                     ) as client:
"""

from __future__ import annotations

import ast

from codemods.imports import dotted_name
from codemods.plan import CallEdit, Context
from codemods.registry import Kind

CLIENTS: dict[str, tuple[str, str]] = {
    "httpx.AsyncClient": ("event_hooks", "httpx_event_hooks"),
    "httpx.Client": ("event_hooks", "httpx_event_hooks"),
    "aiohttp.ClientSession": ("trace_configs", "aiohttp_trace_configs"),
    "aiohttp.client.ClientSession": ("trace_configs", "aiohttp_trace_configs"),
}


def trace_http_clients(ctx: Context) -> None:
    for call in ctx.scan.calls:
        spec = CLIENTS.get(call.qualified)
        if spec is None:
            continue
        keyword, value = spec
        passed = next((kw for kw in call.node.keywords if kw.arg == keyword), None)
        if passed is not None:
            fn = passed.value.func if isinstance(passed.value, ast.Call) else passed.value
            if ctx.is_runtime(ctx.scan.imports.resolve(dotted_name(fn) or ""), value):
                ctx.present("http", call.callee, call.line)
            else:
                ctx.skip("http", call.callee, call.line, f"already passes {keyword}")
        elif any(kw.arg is None for kw in call.node.keywords):
            ctx.skip("http", call.callee, call.line, "passes **kwargs")
        else:
            ctx.edit_call(
                call, "http", call.callee, CallEdit("kwarg", keyword=keyword, value=value)
            )


KIND = Kind(
    name="http",
    order=5,
    plan=trace_http_clients,
    words=("httpx", "aiohttp"),
    call_names=frozenset({"AsyncClient", "Client", "ClientSession"}),
    runtime={
        "httpx_event_hooks": "frmk.utils.tracing.http",
        "aiohttp_trace_configs": "frmk.utils.tracing.http",
    },
    client_args=dict(CLIENTS.values()),
)
