"""What the codemods decide for one module: the :class:`Plan`, and the :class:`Context` a kind's
``plan`` function reads and writes.

Each kind (see :mod:`goalgen.codemods.registry`) reads the module's ``ast`` scan and the project index
and records, in a :class:`Plan`, the functions to trace and the calls to touch, plus a
:class:`~goalgen.codemods.base.Target` for every place it looked at. :mod:`goalgen.codemods.apply` then carries
the plan out on the LibCST tree. Targets a person opted out with ``# goalgen: ignore``
(:mod:`goalgen.codemods.ignore`) are reported as skipped here, for every kind.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from goalgen.codemods.base import Target
from goalgen.codemods.ignore import REASON as IGNORED
from goalgen.codemods.imports import dotted_name, is_runtime
from goalgen.codemods.scan import CallInfo, FuncInfo, ModuleScan

if TYPE_CHECKING:
    from goalgen.codemods.index import ProjectIndex


@dataclass(frozen=True)
class FuncEdit:
    """Trace one function: a decorator, or (``block``) a ``with TraceSpan`` around its body.
    ``span``: the decorator's first argument (the span name; the tool name for ``trace_tool``).
    ``metadata``: ``(keyword, text)`` pairs the span gets as string arguments after its name.
    ``decorator``: the runtime decorator written (a kind's own, see ``Kind.decorator``)."""

    span: str
    block: bool = False
    metadata: tuple[tuple[str, str], ...] = ()
    decorator: str = "trace_span"


@dataclass(frozen=True)
class CallEdit:
    """Touch one call site.

    ``kwarg``: append ``keyword=value()`` to the call. ``callee``: wrap what the call calls,
    ``X(args)`` -> ``value(X)(args)``. ``wrap``: put the call's statement in
    ``with TraceSpan(span):``. ``after``: insert ``statement(value)`` on the line after it (a
    call of ``statement`` with one argument, ``value``). ``value`` is a runtime name; it is
    written under the module's local name for it (see :attr:`Plan.aliases`). ``span`` of a
    ``kwarg``/``callee`` edit only names the target in reports. ``metadata`` (``wrap``):
    ``(keyword, text)`` string arguments after the span name (``kind="client"``). A ``wrap`` of
    a call in a ``for`` header puts the whole loop in the block.
    """

    action: str
    span: str = ""
    keyword: str = ""
    value: str = ""
    statement: str = ""
    metadata: tuple[tuple[str, str], ...] = ()


@dataclass
class Plan:
    targets: list[Target] = field(default_factory=list)
    funcs: dict[str, FuncEdit] = field(default_factory=dict)
    calls: dict[str, dict[tuple[str, int], CallEdit]] = field(default_factory=dict)
    decided: set[str] = field(default_factory=set)  # function keys some codemod already took
    # runtime name -> the alias it goes in under, where the module binds the name to something
    # else (see codemods.runtime_aliases); every other runtime name goes in under its own name.
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class Context:
    """Everything a codemod reads, and the plan it writes to."""

    scan: ModuleScan
    index: ProjectIndex
    style: str
    plan: Plan

    @property
    def module(self) -> str:
        return self.scan.module

    def class_kinds(self, class_key: str | None) -> frozenset[str]:
        if class_key is None:
            return frozenset()
        info = self.scan.classes[class_key]
        return self.index.class_kinds(f"{self.module}.{info.qualname}")

    def is_runtime(self, qualified: str, name: str) -> bool:
        """Is ``qualified`` (resolved through the module's imports) frmk's runtime ``name``,
        also when a project module re-exports it?"""
        return is_runtime(qualified, name) or is_runtime(self.index.resolve(qualified), name)

    def traced(self, func: FuncInfo, decorator: str = "trace_span") -> bool:
        """Does frmk's tracing already cover ``func`` (its decorator, or a TraceSpan body, or
        the runtime ``decorator`` a kind inserts)?"""
        return any(
            self.is_runtime(qualified, name)
            or (name == "trace_span" and self.is_runtime(qualified, decorator))
            for qualified, name in func.tracers
        )

    def wrapped(self, call: CallInfo) -> bool:
        """Is ``call``'s statement alone in a ``with TraceSpan(...)`` block already?"""
        node = call.parent_with
        if node is None:
            return False
        expr = node.items[0].context_expr
        callee = dotted_name(expr.func) if isinstance(expr, ast.Call) else None
        return callee is not None and self.is_runtime(self.scan.imports.resolve(callee), "TraceSpan")

    def trace_function(
        self,
        func: FuncInfo,
        kind: str,
        span: str,
        note: str = "",
        metadata: tuple[tuple[str, str], ...] = (),
        decorator: str = "trace_span",
        shown: str = "",
    ) -> None:
        """Plan tracing for ``func`` unless it is opted out, a stub, already traced or already
        taken.

        ``note`` (e.g. "path not static: ...") goes into the target's reason: it is traced all
        the same, and the report shows the note. ``metadata``: ``(keyword, text)`` pairs written
        after the span name (``@trace_span("bot.on_hi", route="message:hi")``); keywords must be
        identifiers other than ``name``, ``trace_id`` and ``component``. ``decorator``: a
        kind's own runtime decorator (``trace_tool``), always written as a decorator with
        ``span`` as its argument; ``shown``: the span name the target reports when it is not
        ``span`` (``execute_tool <name>``).
        """
        if func.key in self.plan.decided:
            return
        self.plan.decided.add(func.key)
        shown = shown or span
        reason = ""
        if func.ignored:
            reason = IGNORED
        elif func.overload:
            reason = "typing.overload stub"
        elif func.abstract_stub:
            reason = "abstract method without a body"
        elif "protocol" in self.class_kinds(func.class_key):
            reason = "method of a Protocol class"
        if reason:
            self.skip(kind, func.qualname, func.line, reason, shown)
            return
        if self.traced(func, decorator):
            self.plan.targets.append(Target(kind, func.qualname, shown, func.line, "present", note))
            return
        block = self.style == "block" and not func.is_generator and decorator == "trace_span"
        self.plan.funcs[func.key] = FuncEdit(span, block, metadata, decorator)
        self.plan.targets.append(Target(kind, func.qualname, shown, func.line, "added", note))

    def add_after_app(
        self, call: CallInfo, kind: str, target: str | None, present: set[str], edit: CallEdit
    ) -> None:
        """Plan a statement after ``target = <app factory>(...)`` (``call``), the way app kinds
        do: skipped when the app has no name or its statement shares its line, present when
        the module already calls it for ``target`` (``present``)."""
        if target is None:
            self.skip(kind, call.callee, call.line, "app not assigned to a name")
        elif target in present:
            self.present(kind, target, call.line)
        elif call.in_suite or call.in_header:
            self.skip(kind, target, call.line, "statement shares its line (one-line suite or `;`)")
        else:
            self.edit_call(call, kind, target, edit)

    def edit_call(self, call: CallInfo, kind: str, name: str, edit: CallEdit) -> None:
        """Plan ``edit`` of ``call`` unless it is opted out."""
        if call.ignored:
            self.skip(kind, name, call.line, IGNORED, edit.span)
            return
        self.plan.calls.setdefault(call.scope_key, {})[(call.callee, call.ordinal)] = edit
        self.plan.targets.append(Target(kind, name, edit.span, call.line, "added"))

    def present(self, kind: str, name: str, line: int, span: str = "") -> None:
        self.plan.targets.append(Target(kind, name, span, line, "present"))

    def skip(self, kind: str, name: str, line: int, reason: str, span: str = "") -> None:
        self.plan.targets.append(Target(kind, name, span, line, "skipped", reason))
