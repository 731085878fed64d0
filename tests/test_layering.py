"""The layering rule, read from the source: frmk <- goalgen.codemods <- goalgen.instrument <- goalgen.

Every import statement counts, lazy ones inside functions included, so a layer can never reach up
even at run time; the runtime (frmk, its own distribution) never imports the tool.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# folder -> the packages of this repository its modules may import (their own included)
ALLOWED = {
    "frmk": ("frmk",),
    "goalgen/codemods": ("goalgen.codemods",),
    "goalgen/instrument": ("goalgen.codemods", "goalgen.instrument"),
}
OURS = ("frmk", "goalgen")


def _imported(path: Path) -> set[str]:
    """The absolute module names ``path`` imports (``from goalgen import codemods`` counts as
    ``goalgen.codemods``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _violations(folder: str) -> list[str]:
    allowed = ALLOWED[folder]
    found = []
    for path in sorted((REPO / folder).rglob("*.py")):
        for name in sorted(_imported(path)):
            if name.split(".")[0] not in OURS:
                continue
            if not any(name == a or name.startswith(a + ".") for a in allowed):
                found.append(f"{path.relative_to(REPO)}: {name}")
    return found


@pytest.mark.parametrize("folder", sorted(ALLOWED), ids=sorted(ALLOWED))
def test_a_layer_imports_nothing_above_it(folder: str) -> None:
    assert list((REPO / folder).rglob("*.py")), folder
    assert _violations(folder) == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from goalgen import instrument\n    import frmk.utils\n")
    assert _imported(module) == {"goalgen.instrument", "frmk.utils"}
