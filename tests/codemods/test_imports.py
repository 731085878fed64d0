"""Import tracking (ast) and runtime-import edits (LibCST visitors on a stub of the file)."""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from codemod_cases import dedent

from codemods.imports import (
    add_runtime_imports,
    build_import_map,
    remove_runtime_imports,
    resolve_relative,
)


@pytest.mark.parametrize(
    ("module", "is_package", "level", "target", "expected"),
    [
        ("app.bots.echo", False, 1, "base", "app.bots.base"),
        ("app.bots", True, 1, "base", "app.bots.base"),
        ("app.bots.echo", False, 2, None, "app"),
        ("app.bots.echo", False, 0, "botbuilder.core", "botbuilder.core"),
    ],
)
def test_resolve_relative(module, is_package, level, target, expected) -> None:
    assert resolve_relative(module, is_package, level, target) == expected


def test_import_map_resolves_aliases_nested_imports_and_module_aliases() -> None:
    code = dedent(
        """
        import botbuilder.core as bc
        import os.path
        from .base import Base as B

        Handler = bc.ActivityHandler


        def f():
            from fastapi import FastAPI as F
        """
    )
    imap = build_import_map(ast.parse(code), "app.bots.echo", False)
    assert imap.resolve("bc.ActivityHandler") == "botbuilder.core.ActivityHandler"
    assert imap.resolve("Handler") == "botbuilder.core.ActivityHandler"
    assert imap.resolve("os.path.join") == "os.path.join"
    assert imap.resolve("B") == "app.bots.base.Base"
    assert imap.resolve("F") == "fastapi.FastAPI"
    assert imap.resolve("Local.method") == "app.bots.echo.Local.method"


CASES = [
    pytest.param(
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nx = 1\n',
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n',
        id="after-last-leading-import",
    ),
    pytest.param(
        '"""Doc."""\n\nx = 1\n',
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n',
        id="docstring-only",
    ),
    pytest.param(
        "import os\nfrom frmk.utils.tracing import TraceSpan\nimport sys\n",
        "import os\nfrom frmk.utils.tracing import trace_span, TraceSpan\nimport sys\n",
        id="merged-into-existing-runtime-import",
    ),
    pytest.param(
        "# just a comment\n",
        "# just a comment\nfrom frmk.utils.tracing import trace_span\n",
        id="empty",
    ),
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_add_then_remove_runtime_import(before: str, after: str) -> None:
    added = add_runtime_imports(cst.parse_module(before), ["trace_span"])
    assert added.code == after
    assert remove_runtime_imports(added, ["trace_span"]).code == before


def test_nothing_to_add_returns_the_same_module() -> None:
    module = cst.parse_module("import os\n")
    assert add_runtime_imports(module, []) is module
    assert remove_runtime_imports(module, []) is module
