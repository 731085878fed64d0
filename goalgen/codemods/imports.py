"""Cheap name resolution shared by every codemod.

One pass over a module's ``import`` statements (``ast``) maps each local name to the dotted name
it stands for, so ``bc.ActivityHandler`` after ``import botbuilder.core as bc`` reads as
``botbuilder.core.ActivityHandler``. This replaces LibCST's QualifiedNameProvider, which is an
order of magnitude slower. Adding and removing the runtime imports is ``goalgen.codemods.import_edits``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def cst_dotted_name(node) -> str | None:  # node: libcst.CSTNode
    """The LibCST twin of :func:`dotted_name`; both must agree on every expression.

    LibCST is imported here, not at the top: deciding (``--check``) never loads it.
    """
    import libcst as cst

    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute module for ``from <level dots><target> import ...`` written in ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


@dataclass
class ImportMap:
    """Local name -> dotted name it refers to, for one module (flow-insensitive)."""

    module: str
    names: dict[str, str] = field(default_factory=dict)

    def resolve(self, dotted: str) -> str:
        """Qualified name for a dotted expression; unknown heads are taken as module-local."""
        head, _, rest = dotted.partition(".")
        base = self.names.get(head)
        if base is None:
            base = f"{self.module}.{head}" if self.module else head
        return f"{base}.{rest}" if rest else base


def _statements(body: list[ast.stmt]):
    """Every statement, nested ones included (imports are statements: no need to walk exprs)."""
    for stmt in body:
        yield stmt
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list):
                yield from _statements(inner)


def build_import_map(tree: ast.Module, module: str, is_package: bool) -> ImportMap:
    """Every import in the module (also ones inside functions), plus module-level aliases."""
    imap = ImportMap(module)
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imap.names[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    imap.names[head] = head
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(module, is_package, node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    continue
                full = f"{base}.{alias.name}" if base else alias.name
                imap.names[alias.asname or alias.name] = full
    # `AH = ActivityHandler` / `Base = bc.ActivityHandler` at module level are aliases.
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            value = dotted_name(stmt.value)
            if value is not None and value.partition(".")[0] in imap.names:
                imap.names[stmt.targets[0].id] = imap.resolve(value)
    return imap


def is_runtime(qualified: str, name: str) -> bool:
    """Does a resolved name denote frmk's own runtime object ``name`` (trace_span, TraceSpan, ...)?

    Only frmk's object counts, under any import alias (the tool's ``goalgen_trace_span`` too) or
    module path inside ``frmk``: tracing a person wrote with it is left alone. A project's own
    ``trace_span`` is another function, so what it decorates still gets frmk's.
    """
    head, _, last = qualified.rpartition(".")
    return last == name and (head == "frmk" or head.startswith("frmk."))
