"""What the codemods decide for one module: the :class:`Plan`, and the :class:`Context` a kind's
``plan`` function reads and writes.

Each kind (see :mod:`codemods.registry`) reads the module's ``ast`` scan and the project index
and records, in a :class:`Plan`, the functions to trace and the calls to touch, plus a
:class:`~codemods.base.Target` for every place it looked at. :mod:`codemods.apply` then carries
the plan out on the LibCST tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codemods.base import Target
from codemods.scan import CallInfo, FuncInfo, ModuleScan

if TYPE_CHECKING:
    from codemods.index import ProjectIndex


@dataclass(frozen=True)
class FuncEdit:
    """Trace one function: a decorator, or (``block``) a ``with TraceSpan`` around its body."""

    span: str
    block: bool = False


@dataclass(frozen=True)
class CallEdit:
    """Touch one call site.

    ``kwarg``: append ``keyword=value()`` to the call. ``wrap``: put the call's statement in
    ``with TraceSpan(span):``. ``after``: insert ``statement`` on the line after it.
    """

    action: str
    span: str = ""
    keyword: str = ""
    value: str = ""
    statement: str = ""


@dataclass
class Plan:
    targets: list[Target] = field(default_factory=list)
    funcs: dict[str, FuncEdit] = field(default_factory=dict)
    calls: dict[str, dict[tuple[str, int], CallEdit]] = field(default_factory=dict)
    decided: set[str] = field(default_factory=set)  # function keys some codemod already took


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

    def trace_function(self, func: FuncInfo, kind: str, span: str, note: str = "") -> None:
        """Plan tracing for ``func`` unless it is a stub, already traced or already taken.

        ``note`` (e.g. "path not static: ...") goes into the target's reason: it is traced all
        the same, and the report shows the note.
        """
        if func.key in self.plan.decided:
            return
        self.plan.decided.add(func.key)
        reason = ""
        if func.overload:
            reason = "typing.overload stub"
        elif func.abstract_stub:
            reason = "abstract method without a body"
        elif "protocol" in self.class_kinds(func.class_key):
            reason = "method of a Protocol class"
        if reason:
            self.skip(kind, func.qualname, func.line, reason, span)
            return
        if func.traced:
            self.plan.targets.append(Target(kind, func.qualname, span, func.line, "present", note))
            return
        block = self.style == "block" and not func.is_generator
        self.plan.funcs[func.key] = FuncEdit(span, block)
        self.plan.targets.append(Target(kind, func.qualname, span, func.line, "added", note))

    def edit_call(self, call: CallInfo, kind: str, name: str, edit: CallEdit) -> None:
        self.plan.calls.setdefault(call.scope_key, {})[(call.callee, call.ordinal)] = edit
        self.plan.targets.append(Target(kind, name, edit.span, call.line, "added"))

    def present(self, kind: str, name: str, line: int, span: str = "") -> None:
        self.plan.targets.append(Target(kind, name, span, line, "present"))

    def skip(self, kind: str, name: str, line: int, reason: str, span: str = "") -> None:
        self.plan.targets.append(Target(kind, name, span, line, "skipped", reason))
