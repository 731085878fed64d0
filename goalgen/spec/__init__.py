"""Goal specs: loading, validation, normalization and schema migration.

`load_spec(path)` returns a render-ready `GoalSpec` plus warnings, or raises `SpecError` with
every problem and its path.
"""

from goalgen.spec.loader import load_spec, load_spec_document, read_spec_document
from goalgen.spec.model import (
    AgentSpec,
    ContextField,
    GoalSpec,
    Issue,
    LoadResult,
    SpecError,
    ToolSpec,
)

__all__ = [
    "AgentSpec", "ContextField", "GoalSpec", "Issue", "LoadResult", "SpecError", "ToolSpec",
    "load_spec", "load_spec_document", "read_spec_document",
]
