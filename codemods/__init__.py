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
imports the code. One module per target kind — ``bot_handlers``, ``fastapi_routes``,
``agent_methods``, ``langgraph_nodes``, ``mapper_calls``, ``http_clients`` — each registered in
:data:`REGISTRY` under its kind. How it stays fast: decisions on an ``ast`` scan
(``codemods.scan``), edits by LibCST on just the top-level statements that change
(``codemods.chunks``, ``codemods.apply``), runtime imports put where isort wants them by
editing the leading import block directly (``codemods.import_edits``).

How the tool's edits are told apart from hand-written tracing: every line it inserts or touches
ends with the comment ``# goalgen: instrument`` (``base.MARKER``), e.g.::

    @app.get("/health")
    @trace_span("api.GET /health")  # goalgen: instrument
    async def health(): ...

``rewrite(..., remove=True)`` strips exactly the marked edits, so ``@trace_span``/``TraceSpan``
written by hand (no marker) survive, and instrument-then-remove gives back the original bytes.
Tracing already present (a ``trace_span`` decorator or a body that is one ``with TraceSpan``,
under any import alias, by hand or by the tool) is reported as "present" and not added again.
"""

from __future__ import annotations

from codemods.base import KINDS, MARKER, STYLES, Rewrite, Target, UnparsableSource
from codemods.import_style import ImportStyle
from codemods.plan import REGISTRY
from codemods.project_index import ProjectIndex, build_index
from codemods.rewrite import rewrite

# Words without which a file has nothing to rewrite or remove.
PREFILTER_WORDS: tuple[str, ...] = (
    "ActivityHandler", "FastAPI", "APIRouter", "add_node", "BaseAgent", "Mapper",
    "get_thread_id", "invoke", "httpx", "aiohttp", "trace_span", "TraceSpan", "goalgen",
)  # fmt: skip


def prefilter(code: str, index: ProjectIndex | None = None) -> bool:
    """Could ``code`` hold anything to rewrite or remove? (text only; false positives are fine)"""
    if any(word in code for word in PREFILTER_WORDS):
        return True
    return index is not None and any(name in code for name in _names(index))


_NAMES_CACHE: dict[int, tuple[ProjectIndex, frozenset[str]]] = {}


def _names(index: ProjectIndex) -> frozenset[str]:
    cached = _NAMES_CACHE.get(id(index))
    if cached is None or cached[0] is not index:
        _NAMES_CACHE.clear()
        cached = (index, index.relevant_names())
        _NAMES_CACHE[id(index)] = cached
    return cached[1]


__all__ = [
    "KINDS", "MARKER", "REGISTRY", "STYLES", "ImportStyle", "ProjectIndex", "Rewrite", "Target",
    "UnparsableSource", "build_index", "prefilter", "rewrite",
]  # fmt: skip
