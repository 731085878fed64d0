"""Conversation mappers: ``get_thread_id`` of project ``ConversationMapper`` subclasses, and
call sites of frmk's own mappers.

A project subclass of ``frmk.conversation.ConversationMapper`` (or of ``HashMapper`` /
``DatabaseMapper``) gets ``@trace_span("mapper.get_thread_id")`` on its ``get_thread_id``. Where the
project calls a mapper that comes from frmk (``create_mapper()``, ``HashMapper()``,
``DatabaseMapper(...)``, or a name annotated with one of those types), a decorator cannot apply,
so the statement holding the call is wrapped — one statement, so assignments stay visible after
it, and only statements on their own line (a call in an ``if``/``while`` header or a one-line
suite is reported as skipped)::

    thread = await mapper.get_thread_id(ctx)    ->    with TraceSpan("mapper.get_thread_id"):  # goalgen: instrument
                                                          thread = await mapper.get_thread_id(ctx)
"""

from __future__ import annotations

from goalgen.codemods.plan import CallEdit, Context
from goalgen.codemods.registry import Kind

MAPPER_METHODS = ("get_thread_id",)
MAPPER_FACTORIES = ("create_mapper", "HashMapper", "DatabaseMapper")
MAPPER_TYPES = ("ConversationMapper", "HashMapper", "DatabaseMapper")


def _from_frmk(qualified: str, names: tuple[str, ...]) -> bool:
    head, _, last = qualified.rpartition(".")
    return head.startswith("frmk.conversation") and last in names


def _receivers(ctx: Context) -> set[str]:
    """Dotted names bound to a frmk mapper anywhere in the module (flow-insensitive)."""
    scan = ctx.scan
    found: set[str] = set()
    for target, call in scan.assigns:
        if _from_frmk(ctx.index.resolve(call.qualified), MAPPER_FACTORIES):
            found.add(target)
    for text, annotation in scan.annotated:
        if _from_frmk(ctx.index.resolve(annotation), MAPPER_TYPES):
            found.update((text, f"self.{text}"))
    return found


def trace_mapper_calls(ctx: Context) -> None:
    scan = ctx.scan
    own: set[str] = set()
    for func in scan.funcs.values():
        if func.name in MAPPER_METHODS and "mapper" in ctx.class_kinds(func.class_key):
            own.add(func.key)
            ctx.trace_function(func, "mapper", f"mapper.{func.name}")
    receivers = _receivers(ctx)
    for method in MAPPER_METHODS:
        for call in scan.calls_named(method):
            receiver, _, name = call.callee.rpartition(".")
            if name != method or receiver not in receivers or call.func_key in own:
                continue
            span = f"mapper.{method}"
            if ctx.wrapped(call):
                ctx.present("mapper", call.callee, call.line, span)
            elif call.in_header:
                ctx.skip(
                    "mapper", call.callee, call.line, "call in a compound statement header", span
                )
            elif call.in_suite:
                reason = "statement shares its line (one-line suite or `;`)"
                ctx.skip("mapper", call.callee, call.line, reason, span)
            else:
                ctx.edit_call(call, "mapper", call.callee, CallEdit("wrap", span=span))


KIND = Kind(
    name="mapper",
    order=4,
    plan=trace_mapper_calls,
    span_prefix="mapper.",
    words=("Mapper", "get_thread_id"),
    call_names=frozenset({"get_thread_id", *MAPPER_FACTORIES}),
    bases=(("frmk.conversation", frozenset(MAPPER_TYPES)),),
)
