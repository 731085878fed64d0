"""Outgoing HTTP clients: every request a client span whose id goes out in ``traceparent``.

An httpx client is built through ``trace_client`` (from ``frmk.utils.tracing.http``), a
callee edit (see :func:`goalgen.codemods.apply.wrap_callee`); an aiohttp session gets
``trace_configs=aiohttp_trace_configs()`` as its last argument. The marker goes on the line
ending the statement::

    async with httpx.AsyncClient(timeout=10) as client:
    ->
    async with trace_client(httpx.AsyncClient)(timeout=10) as client:  # goalgen: instrument

A session whose ``)`` has a line of its own gets the argument on a line of its own, marked
there (see :func:`goalgen.codemods.apply.append_kwarg`)::

    session = aiohttp.ClientSession(           session = aiohttp.ClientSession(
        base_url=url,                   ->         base_url=url,
    )                                              trace_configs=aiohttp_trace_configs(),  # goalgen: instrument
                                               )

``trace_client`` receives the call's arguments as they are, so an httpx call passing its own
``event_hooks`` or ``**kwargs`` is wrapped all the same; an aiohttp call already passing
``trace_configs`` or ``**kwargs`` is skipped. Reported present: a client already built through
frmk's ``trace_client``, and (code instrumented by older versions, still removed by
``--remove``) an httpx client passed ``event_hooks=httpx_event_hooks()``.
"""

from __future__ import annotations

import ast

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.registry import Kind

HTTPX = ("httpx.AsyncClient", "httpx.Client")
SESSIONS = ("aiohttp.ClientSession", "aiohttp.client.ClientSession")
SESSION_ARG = ("trace_configs", "aiohttp_trace_configs")
OLD_HTTPX_ARG = ("event_hooks", "httpx_event_hooks")  # inserted by older versions


def _passes(ctx: Context, call: ast.Call, keyword: str, runtime: str) -> str:
    """"runtime" when ``call`` passes ``keyword=<frmk's runtime>()``, "other" when it passes
    ``keyword`` otherwise, "" when it does not pass it."""
    passed = next((kw for kw in call.keywords if kw.arg == keyword), None)
    if passed is None:
        return ""
    fn = passed.value.func if isinstance(passed.value, ast.Call) else passed.value
    return "runtime" if ctx.is_runtime(ctx.scan.imports.resolve(dotted_name(fn) or ""), runtime) else "other"


def _wrapped(ctx: Context) -> None:
    """Report clients already built through frmk's ``trace_client`` as present."""
    for call in ctx.scan.calls_named("trace_client"):
        args = call.node.args
        if not ctx.is_runtime(call.qualified, "trace_client") or len(args) != 1:
            continue
        inner = dotted_name(args[0]) or ""
        if ctx.scan.imports.resolve(inner) in HTTPX:
            ctx.present("http", inner, call.line)


def trace_http_clients(ctx: Context) -> None:
    _wrapped(ctx)
    for call in ctx.scan.calls:
        if call.qualified in HTTPX:
            if _passes(ctx, call.node, *OLD_HTTPX_ARG) == "runtime":
                ctx.present("http", call.callee, call.line)
            else:
                ctx.edit_call(call, "http", call.callee, CallEdit("callee", value="trace_client"))
        elif call.qualified in SESSIONS:
            keyword, value = SESSION_ARG
            passed = _passes(ctx, call.node, keyword, value)
            if passed == "runtime":
                ctx.present("http", call.callee, call.line)
            elif passed:
                ctx.skip("http", call.callee, call.line, f"already passes {keyword}")
            elif any(kw.arg is None for kw in call.node.keywords):
                ctx.skip("http", call.callee, call.line, "passes **kwargs")
            else:
                edit = CallEdit("kwarg", keyword=keyword, value=value)
                ctx.edit_call(call, "http", call.callee, edit)


KIND = Kind(
    name="http",
    order=5,
    plan=trace_http_clients,
    words=("httpx", "aiohttp"),
    call_names=frozenset({"AsyncClient", "Client", "ClientSession", "trace_client"}),
    runtime={
        "trace_client": "frmk.utils.tracing.http",
        "httpx_event_hooks": "frmk.utils.tracing.http",
        "aiohttp_trace_configs": "frmk.utils.tracing.http",
    },
    client_args=dict((SESSION_ARG, OLD_HTTPX_ARG)),
    wrappers=("trace_client",),
)
