"""Load a goal spec file: read, parse, validate, migrate and normalize it, or fail with every
problem listed.

Nothing is written here; the generator only runs on what this returns.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from goalgen.spec.domain import FIELD as DOMAIN_FIELD
from goalgen.spec.domain import read_domain_module
from goalgen.spec.migrate import fallback_warnings
from goalgen.spec.model import Issue, LoadResult, SpecError
from goalgen.spec.normalize import build_goal_spec
from goalgen.spec.validate import check_spec


def read_spec_document(path: Path) -> Any:
    """Parse the JSON at ``path``; a missing file or bad JSON raises SpecError with the spot."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate a byte-order mark
    except FileNotFoundError:
        raise SpecError([Issue("", f"spec file not found: {path}")]) from None
    except IsADirectoryError:
        raise SpecError([Issue("", f"spec path is a directory, not a file: {path}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([Issue("", f"cannot read spec file {path}: {exc}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise SpecError([Issue("", message)]) from None


def load_spec_document(doc: Any, base: Path | None = None) -> LoadResult:
    """Validate and normalize an already parsed spec document; ``base`` is the folder its
    ``domain_module`` path is relative to (the spec file's folder; default: the current one)."""
    checker = check_spec(doc)
    if checker.errors:
        raise SpecError(checker.errors, checker.warnings)
    warnings = checker.warnings + fallback_warnings(doc)
    spec, errors = build_goal_spec(doc, warnings)
    if errors or spec is None:
        raise SpecError(errors, warnings)
    if isinstance(doc.get(DOMAIN_FIELD), str):
        spec.domain, errors = read_domain_module(doc[DOMAIN_FIELD], base or Path.cwd())
        if errors:
            raise SpecError(errors, warnings)
    return LoadResult(spec=spec, warnings=warnings)


def load_spec(path: str | Path) -> LoadResult:
    """Read and check the spec file at ``path``; raises SpecError listing every error."""
    path = Path(path)
    return load_spec_document(read_spec_document(path), path.resolve().parent)
