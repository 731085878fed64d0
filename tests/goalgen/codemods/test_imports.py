"""Import tracking (ast) and runtime-import edits (LibCST visitors on a stub of the file)."""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from codemod_cases import dedent

from goalgen.codemods.import_edits import add_runtime_imports, remove_runtime_imports
from goalgen.codemods.import_style import ImportStyle
from goalgen.codemods.imports import build_import_map, resolve_relative


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


TRACE = ["trace_span"]
ALL = ["trace_span", "TraceSpan", "TraceContextMiddleware", "httpx_event_hooks"]
LONG = (
    "from frmk.utils.tracing import TraceSpan, trace_span\n"
    "from frmk.utils.tracing.asgi import TraceContextMiddleware\n"
    "from frmk.utils.tracing.http import httpx_event_hooks\n"
)

# (before, names, after): isort's place, with ``app`` as the project's own package.
CASES = [
    pytest.param(
        "import os\n\nimport httpx\nfrom langgraph.graph import END\n\nfrom app.models import User\n\nx = 1\n",
        TRACE,
        "import os\n\nimport httpx\nfrom frmk.utils.tracing import trace_span\nfrom langgraph.graph import END\n\nfrom app.models import User\n\nx = 1\n",
        id="stdlib-third-first-party",
    ),
    pytest.param(
        "import os\n\nimport httpx\nfrom langgraph.graph import END\n\nfrom app.models import User\n\nx = 1\n",
        ALL,
        "import os\n\nimport httpx\n"
        + LONG
        + "from langgraph.graph import END\n\nfrom app.models import User\n\nx = 1\n",
        id="stdlib-third-first-party-all-modules",
    ),
    pytest.param(
        "import os\n\nimport aiohttp\nimport httpx\n\nfrom app import db\n\nx = 1\n",
        TRACE,
        "import os\n\nimport aiohttp\nimport httpx\nfrom frmk.utils.tracing import trace_span\n\nfrom app import db\n\nx = 1\n",
        id="after-plain-imports-of-the-section",
    ),
    pytest.param(
        "from fastapi import FastAPI\nfrom starlette.requests import Request\n\nx = 1\n",
        TRACE,
        "from fastapi import FastAPI\nfrom frmk.utils.tracing import trace_span\nfrom starlette.requests import Request\n\nx = 1\n",
        id="between-from-imports",
    ),
    pytest.param(
        '"""Doc."""\n\nimport os\nfrom typing import Any\n\nfrom app.models import User\n\n\ndef f():\n    pass\n',
        TRACE,
        '"""Doc."""\n\nimport os\nfrom typing import Any\n\nfrom frmk.utils.tracing import trace_span\n\nfrom app.models import User\n\n\ndef f():\n    pass\n',
        id="stdlib-first-party-new-section",
    ),
    pytest.param(
        "import os\n\nfrom app.models import User\n\nx = 1\n",
        ALL,
        "import os\n\n" + LONG + "\nfrom app.models import User\n\nx = 1\n",
        id="stdlib-first-party-new-section-all-modules",
    ),
    pytest.param(
        "from app.models import User\n\nx = 1\n",
        TRACE,
        "from frmk.utils.tracing import trace_span\n\nfrom app.models import User\n\nx = 1\n",
        id="first-party-only",
    ),
    pytest.param(
        '"""Doc."""\nfrom app.models import User\n',
        TRACE,
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n\nfrom app.models import User\n',
        id="first-party-right-under-docstring",
    ),
    pytest.param(
        "import os\n\n# our modules\nfrom app.models import User\n",
        TRACE,
        "import os\n\nfrom frmk.utils.tracing import trace_span\n\n# our modules\nfrom app.models import User\n",
        id="new-section-before-a-commented-one",
    ),
    pytest.param(
        "import os\n\nx = 1\n",
        TRACE,
        "import os\n\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n",
        id="stdlib-only-new-last-section",
    ),
    pytest.param(
        "import os\n\nfrom . import views\n",
        TRACE,
        "import os\n\nfrom frmk.utils.tracing import trace_span\n\nfrom . import views\n",
        id="before-local-section",
    ),
    pytest.param(
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nx = 1\n',
        TRACE,
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n',
        id="future-and-stdlib",
    ),
    pytest.param(
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    import httpx\n",
        TRACE,
        "from __future__ import annotations\n\nfrom typing import TYPE_CHECKING\n\nfrom frmk.utils.tracing import trace_span\n\nif TYPE_CHECKING:\n    import httpx\n",
        id="type-checking-block-stays",
    ),
    pytest.param(
        "import os\n\nfrom frmk.agents import BaseAgent\nfrom frmk.utils.tracing.http import httpx_event_hooks\nfrom zoo import Animal\n\nfrom app import db\n",
        TRACE,
        "import os\n\nfrom frmk.agents import BaseAgent\nfrom frmk.utils.tracing import trace_span\nfrom frmk.utils.tracing.http import httpx_event_hooks\nfrom zoo import Animal\n\nfrom app import db\n",
        id="other-frmk-names-already-imported",
    ),
    pytest.param(
        "from frmk.agents import BaseAgent\n\nx = 1\n",
        ["TraceContextMiddleware"],
        "from frmk.agents import BaseAgent\nfrom frmk.utils.tracing.asgi import TraceContextMiddleware\n\nx = 1\n",
        id="last-of-its-section",
    ),
    pytest.param(
        "import os\nfrom frmk.utils.tracing import TraceSpan\nimport sys\n",
        TRACE,
        "import os\nfrom frmk.utils.tracing import TraceSpan, trace_span\nimport sys\n",
        id="merged-into-existing-runtime-import",
    ),
    pytest.param(
        "from frmk.utils.tracing import trace_span\n",
        ["TraceSpan"],
        "from frmk.utils.tracing import TraceSpan, trace_span\n",
        id="merged-before-existing-name",
    ),
    pytest.param(
        "from frmk.utils.tracing import (\n    TraceSpan,\n)\n",
        TRACE,
        "from frmk.utils.tracing import (\n    TraceSpan,\n    trace_span,\n)\n",
        id="merged-one-name-per-line",
    ),
    pytest.param(
        "from frmk.utils.tracing import (\n    TraceSpan,  # why\n    get_trace_id,\n)\n",
        TRACE,
        "from frmk.utils.tracing import (\n    TraceSpan,  # why\n    get_trace_id,\n    trace_span,\n)\n",
        id="merged-last-with-comments",
    ),
    pytest.param(
        "from frmk.utils.tracing import trace_span as ts\n",
        TRACE,
        "from frmk.utils.tracing import trace_span\nfrom frmk.utils.tracing import trace_span as ts\n",
        id="not-merged-into-an-aliased-import",
    ),
    pytest.param(
        "import os\r\n\r\nfrom app import db\r\n\r\nx = 1\r\n",
        TRACE,
        "import os\r\n\r\nfrom frmk.utils.tracing import trace_span\r\n\r\nfrom app import db\r\n\r\nx = 1\r\n",
        id="crlf-new-section",
    ),
    pytest.param(
        "import os\nfrom app import db\n",
        TRACE,
        "import os\nfrom frmk.utils.tracing import trace_span\nfrom app import db\n",
        id="unseparated-sections-get-no-blank-line",
    ),
    pytest.param(
        '"""Doc."""\n\nx = 1\n',
        TRACE,
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n',
        id="docstring-only",
    ),
    pytest.param(
        '"""Doc."""\n\n\n\nx = 1\n',
        TRACE,
        '"""Doc."""\n\n\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n',
        id="docstring-blank-lines-shared",
    ),
    pytest.param(
        '"""Doc."""\n\n\ndef f():\n    pass\n',
        TRACE,
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n\n\ndef f():\n    pass\n',
        id="docstring-then-def",
    ),
    pytest.param(
        "x = 1\n",
        TRACE,
        "from frmk.utils.tracing import trace_span\n\nx = 1\n",
        id="no-imports-code-follows",
    ),
    pytest.param(
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n@decorate\nclass C:\n    pass\n",
        TRACE,
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\nfrom frmk.utils.tracing import trace_span\n\n\n@decorate\nclass C:\n    pass\n",
        id="no-imports-header-comments-then-class",
    ),
    pytest.param(
        "# just a comment\n",
        TRACE,
        "# just a comment\nfrom frmk.utils.tracing import trace_span\n",
        id="empty",
    ),
]


@pytest.mark.parametrize(("before", "names", "after"), CASES)
def test_add_then_remove_runtime_import(before: str, names: list[str], after: str) -> None:
    added = add_runtime_imports(cst.parse_module(before), names, {"app"})
    assert added.code == after
    assert add_runtime_imports(added, names, {"app"}).code == after
    assert remove_runtime_imports(cst.parse_module(after), names).code == before


def test_without_a_project_index_only_relative_imports_are_local() -> None:
    before = "import os\n\nfrom app import db\n\nfrom . import views\n"
    added = add_runtime_imports(cst.parse_module(before), ["trace_span"])
    assert added.code == (
        "import os\n\nfrom app import db\nfrom frmk.utils.tracing import trace_span\n\n"
        "from . import views\n"
    )
    assert remove_runtime_imports(added, ["trace_span"]).code == before


def test_runtime_package_of_the_project_itself_is_first_party() -> None:
    before = "import os\n\nimport httpx\n\nfrom frmk.agents import BaseAgent\n"
    added = add_runtime_imports(cst.parse_module(before), ["trace_span"], {"frmk"})
    assert added.code == (
        "import os\n\nimport httpx\n\nfrom frmk.agents import BaseAgent\n"
        "from frmk.utils.tracing import trace_span\n"
    )


def test_hand_written_names_stay_when_the_added_one_goes() -> None:
    before = "from frmk.utils.tracing import TraceSpan, get_trace_id\n"
    added = add_runtime_imports(cst.parse_module(before), ["trace_span"])
    assert added.code == "from frmk.utils.tracing import TraceSpan, get_trace_id, trace_span\n"
    assert remove_runtime_imports(added, ["trace_span"]).code == before


FSWS = ImportStyle(force_sort_within_sections=True)
SINGLE = ImportStyle(force_single_line=True)

# (before, names, style, after): isort's place under the project's settings, ``app`` indexed.
STYLE_CASES = [
    pytest.param(
        "import os\n\nfrom aiohttp import web\nimport httpx\nimport zoo\n\nx = 1\n",
        TRACE,
        FSWS,
        "import os\n\nfrom aiohttp import web\nfrom frmk.utils.tracing import trace_span\n"
        "import httpx\nimport zoo\n\nx = 1\n",
        id="force-sort-within-sections",
    ),
    pytest.param(
        "import os\n\nimport frmk\nimport httpx\n\nx = 1\n",
        ["TraceSpan"],
        FSWS,
        "import os\n\nimport frmk\nfrom frmk.utils.tracing import TraceSpan\nimport httpx\n\nx = 1\n",
        id="force-sort-within-sections-after-plain-import",
    ),
    pytest.param(
        "import os\n\nimport httpx\n\nfrom app.models import User\nfrom shared.db import Session\n",
        TRACE,
        ImportStyle(known_first_party=frozenset({"shared"})),
        "import os\n\nimport httpx\nfrom frmk.utils.tracing import trace_span\n\n"
        "from app.models import User\nfrom shared.db import Session\n",
        id="known-first-party-not-in-index",
    ),
    pytest.param(
        "import os\n\nimport httpx\n\nfrom app import db\n",
        TRACE,
        ImportStyle(known_first_party=frozenset({"frmk"})),
        "import os\n\nimport httpx\n\nfrom app import db\nfrom frmk.utils.tracing import trace_span\n",
        id="known-first-party-runtime",
    ),
    pytest.param(
        "import os\n\nfrom app.vendored import lib\nfrom fastapi import FastAPI\n\n"
        "from app.models import User\n",
        TRACE,
        ImportStyle(known_third_party=frozenset({"app.vendored"})),
        "import os\n\nfrom app.vendored import lib\nfrom fastapi import FastAPI\n"
        "from frmk.utils.tracing import trace_span\n\nfrom app.models import User\n",
        id="known-third-party-in-index",
    ),
    pytest.param(
        "from frmk.utils.tracing import TraceSpan\n\nx = 1\n",
        TRACE,
        SINGLE,
        "from frmk.utils.tracing import TraceSpan\nfrom frmk.utils.tracing import trace_span\n\nx = 1\n",
        id="force-single-line-not-merged",
    ),
    pytest.param(
        "import os\n\nfrom app import db\n",
        ALL,
        SINGLE,
        "import os\n\nfrom frmk.utils.tracing import TraceSpan\n"
        "from frmk.utils.tracing import trace_span\n"
        "from frmk.utils.tracing.asgi import TraceContextMiddleware\n"
        "from frmk.utils.tracing.http import httpx_event_hooks\n\nfrom app import db\n",
        id="force-single-line-new-section",
    ),
    pytest.param(
        '"""Doc."""\n\nx = 1\n',
        TRACE,
        ImportStyle(lines_after_imports=2),
        '"""Doc."""\n\nfrom frmk.utils.tracing import trace_span\n\n\nx = 1\n',
        id="lines-after-imports-2-under-docstring",
    ),
    pytest.param(
        '"""Doc."""\n\n\ndef f():\n    pass\n',
        TRACE,
        ImportStyle(lines_after_imports=1),
        '"""Doc."""\n\n\nfrom frmk.utils.tracing import trace_span\n\ndef f():\n    pass\n',
        id="lines-after-imports-1-before-def",
    ),
    pytest.param(
        '"""Doc."""\n# note\nx = 1\n',
        TRACE,
        ImportStyle(lines_after_imports=2),
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n\n\n# note\nx = 1\n',
        id="lines-after-imports-right-under-docstring",
    ),
    pytest.param(
        "x = 1\n",
        TRACE,
        ImportStyle(lines_after_imports=2),
        "from frmk.utils.tracing import trace_span\n\n\nx = 1\n",
        id="lines-after-imports-no-docstring",
    ),
    pytest.param(
        '"""Doc."""\n',
        TRACE,
        ImportStyle(lines_after_imports=2),
        '"""Doc."""\nfrom frmk.utils.tracing import trace_span\n',
        id="lines-after-imports-nothing-below",
    ),
    pytest.param(
        "import os\n\n\nx = 1\n",
        TRACE,
        ImportStyle(lines_after_imports=2),
        "import os\n\nfrom frmk.utils.tracing import trace_span\n\n\nx = 1\n",
        id="lines-after-imports-new-last-section",
    ),
]


@pytest.mark.parametrize(("before", "names", "style", "after"), STYLE_CASES)
def test_add_then_remove_under_project_settings(
    before: str, names: list[str], style: ImportStyle, after: str
) -> None:
    added = add_runtime_imports(cst.parse_module(before), names, {"app"}, style=style)
    assert added.code == after
    assert add_runtime_imports(added, names, {"app"}, style=style).code == after
    assert remove_runtime_imports(cst.parse_module(after), names, style).code == before


def test_nothing_to_add_returns_the_same_module() -> None:
    module = cst.parse_module("import os\n")
    assert add_runtime_imports(module, []) is module
    assert remove_runtime_imports(module, []) is module
