"""LibCST codemods that add (and remove) GoalGen tracing; called by the ``instrument`` engine.

Entry points::

    index = codemods.build_index({"app.bot": source, ...})   # cross-module facts, with ast
    if codemods.prefilter(source, index):                     # cheap text test
        result = codemods.rewrite(source, module="app.bot", index=index,
                                  style="auto", kinds=codemods.KINDS, remove=False,
                                  import_style=codemods.ImportStyle())  # the project's isort
        result.code, result.targets                           # new text, what was found

``rewrite`` raises :class:`UnparsableSource` (a ``ValueError``; ``ast`` cannot parse the file,
or it has lone-CR line endings) or ``libcst.ParserSyntaxError``; it never does I/O and never
imports the code. One module per target kind in ``goalgen/codemods/kinds/`` (``bot_handlers`` and
``bot_routes`` together for ``bot``, ``fastapi_routes``, ``agent_methods``, ``langgraph_nodes``,
``mapper_calls``, ``http_clients``, ``llm_calls``), each describing itself to :mod:`goalgen.codemods.registry` with
``KIND = Kind(...)``; adding a kind is adding a module.
How it stays fast: decisions on an ``ast`` scan (``goalgen.codemods.scan``), edits by LibCST on just
the top-level statements that change (``goalgen.codemods.chunks``, ``goalgen.codemods.apply``), runtime imports
put where isort wants them by editing the leading import block directly
(``goalgen.codemods.import_edits``).

How the tool's edits are told apart from hand-written tracing: every line it inserts or touches
ends with the comment ``# goalgen: instrument`` (``base.MARKER``), e.g.::

    @app.get("/health")
    @trace_span("api.GET /health")  # goalgen: instrument
    async def health(): ...

``rewrite(..., remove=True)`` strips exactly the marked edits, so ``@trace_span``/``TraceSpan``
written by hand (no marker) survive, and instrument-then-remove gives back the original bytes.
Tracing already present (frmk's ``trace_span`` decorator or a body that is one ``with
TraceSpan``, under any import alias, by hand or by the tool) is reported as "present" and not
added again; a project's own ``trace_span`` is not frmk's, and where the module binds such a
name frmk's goes in as ``goalgen_trace_span`` (``goalgen.codemods.runtime_aliases``). A person opts code
out with ``# goalgen: ignore`` on a def/class or call line, or at the top of the file
(``goalgen.codemods.ignore``); every kind honours it, reporting the target as skipped.
"""

from __future__ import annotations

from goalgen.codemods import registry
from goalgen.codemods.base import MARKER, STYLES, Rewrite, Target, UnparsableSource
from goalgen.codemods.import_style import ImportStyle
from goalgen.codemods.index import (
    ModuleSummary,
    ProjectIndex,
    build_index,
    scan_source,
    summarize,
    summarize_source,
)
from goalgen.codemods.rewrite import rewrite

# Kind names, in the order reports list them.
KINDS: tuple[str, ...] = registry.names()


def prefilter(code: str, index: ProjectIndex | None = None) -> bool:
    """Could ``code`` hold anything to rewrite or remove? (text only; false positives are fine)"""
    if any(word in code for word in registry.words()):
        return True
    return index is not None and any(name in code for name in index.relevant_names())


__all__ = [
    "KINDS", "MARKER", "STYLES", "ImportStyle", "ModuleSummary", "ProjectIndex", "Rewrite",
    "Target", "UnparsableSource", "build_index", "prefilter", "registry", "rewrite",
    "scan_source", "summarize", "summarize_source",
]  # fmt: skip
