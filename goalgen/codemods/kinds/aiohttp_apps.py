"""aiohttp servers: the app writes its spans at shutdown and survives SIGHUP (part of ``api``).

An aiohttp ``web.Application()`` assigned to a name gets a cleanup context from
``frmk.utils.tracing.shutdown``: at startup it makes SIGTERM/SIGINT/SIGHUP write the spans
before the previous handling goes on (SIGHUP reopens the span file instead of ending the
process), and after the last request it writes every span::

    app = web.Application()             app = web.Application()
                                ->      app.cleanup_ctx.append(aiohttp_cleanup_ctx)  # goalgen: instrument

FastAPI apps get the same from the middleware the ``api`` kind adds (``fastapi_routes``), whose
lifespan shutdown writes the spans; this module is the second half of that kind.
"""

from __future__ import annotations

import ast

from goalgen.codemods.imports import dotted_name
from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.registry import Kind

APPS = frozenset({"aiohttp.web.Application", "aiohttp.web_app.Application"})
HOOK = "aiohttp_cleanup_ctx"


def _hooked(ctx: Context) -> set[str]:
    """Names whose ``<name>.cleanup_ctx.append(<our hook>)`` the module already calls (looked
    for only in a module that makes an app, so plain ``append`` calls are never recorded)."""
    found = set()
    for node in ast.walk(ctx.scan.tree):
        if not (isinstance(node, ast.Call) and len(node.args) == 1):
            continue
        callee = dotted_name(node.func) or ""
        if not callee.endswith(".cleanup_ctx.append"):
            continue
        hook = ctx.scan.imports.resolve(dotted_name(node.args[0]) or "")
        if ctx.is_runtime(hook, HOOK):
            found.add(callee.removesuffix(".cleanup_ctx.append"))
    return found


def flush_aiohttp_apps(ctx: Context) -> None:
    scan = ctx.scan
    apps = [call for call in scan.calls_named("Application") if call.qualified in APPS]
    if not apps:
        return
    assigned = {id(call.node): target for target, call in scan.assigns}
    present = _hooked(ctx)
    for call in apps:
        target = assigned.get(id(call.node))
        edit = CallEdit("after", statement=f"{target}.cleanup_ctx.append", value=HOOK)
        ctx.add_after_app(call, "api", target, present, edit)


KIND = Kind(
    name="api",
    order=1,
    plan=flush_aiohttp_apps,
    span_prefix="api.",
    words=("aiohttp",),
    call_names=frozenset({"Application"}),
    runtime={HOOK: "frmk.utils.tracing.shutdown"},
    statements=(("append", HOOK),),
)
