"""An isort-clean project stays ruff-clean after ``goalgen instrument``, and ``--remove`` gives
back its bytes.

The real check: the installed ruff (isort rules ``I`` and line length ``E501``, default isort
settings, the project's packages known as first-party) reads the instrumented files. Covered:
the runtime import joining a third-party section, opening a new one between the standard library
and the project's own imports, merging with other ``frmk`` imports, above a local (relative)
section, under a ``__future__`` import, in modules without imports (with and without a
docstring), CRLF; and client calls written one argument per line getting their trace configs on a
line of their own.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goalgen.cli import main as goalgen_main

RUFF = Path(sys.executable).with_name("ruff")
pytestmark = pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed next to python")

FILES = {
    "shop/__init__.py": "",
    "shop/models.py": '''\
"""Plain data: nothing to trace here."""

from dataclasses import dataclass


@dataclass
class Order:
    id: int
''',
    # stdlib + third-party + first-party; a client written one argument per line.
    "shop/bot.py": '''\
"""The shop's Teams bot."""

import logging

import aiohttp
from botbuilder.core import ActivityHandler, TurnContext

from shop.models import Order

logger = logging.getLogger(__name__)


class ShopBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext):
        async with aiohttp.ClientSession(
            base_url="http://localhost:8000/a/rather/long/base/url/for/the/orders/service",
            raise_for_status=True,
        ) as client:
            await client.get("/orders")
        logger.info("%s", Order)
''',
    # stdlib + first-party only: the runtime import opens a third-party section.
    "shop/steps.py": '''\
"""Workflow steps, registered in shop.graph."""

from typing import Any

from shop.models import Order


def plan(state: dict[str, Any]) -> dict[str, Any]:
    return {"order": Order(1)}
''',
    # other frmk names already imported; a __future__ import first.
    "shop/agents.py": """\
from __future__ import annotations

from frmk.agents import BaseAgent
from frmk.utils.tracing import get_trace_id

from shop.models import Order


class OrderAgent(BaseAgent):
    async def invoke(self, state):
        return {"trace": get_trace_id(), "order": Order(2)}
""",
    # a relative (local) import section after the place of the new import.
    "shop/api.py": '''\
"""HTTP API."""

import os

from fastapi import FastAPI

from .models import Order

app = FastAPI()


@app.get("/orders/{order_id}")
async def get_order(order_id: int):
    return {"id": order_id, "order": str(Order(order_id)), "env": os.environ.get("SHOP")}
''',
    "shop/graph.py": """\
from langgraph.graph import StateGraph

from shop.bare import check
from shop.plain import review
from shop.steps import plan

builder = StateGraph(dict)
builder.add_node("plan", plan)
builder.add_node("review", review)
builder.add_node("check", check)
""",
    # no imports, under a docstring
    "shop/plain.py": '''\
"""Steps that need no imports."""


def review(state):
    return state
''',
    # no imports, no docstring: the import gets the blank lines isort wants below it.
    "shop/bare.py": """\
def check(state):
    return state
""",
}

CRLF_FILES = {
    "shop/crlf_bot.py": '''\
"""A bot saved with Windows line endings."""

import asyncio

import aiohttp
from botbuilder.core import ActivityHandler

from shop.models import Order


class CrlfBot(ActivityHandler):
    async def on_message_activity(self, turn_context):
        async with aiohttp.ClientSession(
            base_url="http://localhost:3978",
        ) as session:
            await asyncio.sleep(0)
            return session, Order(3)
'''.replace("\n", "\r\n"),
}


def ruff(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(RUFF), "check", "--isolated", "--no-cache", "--select", "I,E501",
            "--line-length", "100", "--config", 'lint.isort.known-first-party = ["shop"]', ".",
        ],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for name, text in {**FILES, **CRLF_FILES}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return root


def instrument(root: Path, *args: str) -> int:
    return goalgen_main(["instrument", str(root), "--no-cache", "--jobs", "1", "--no-color", *args])


def test_the_project_is_ruff_clean_to_start_with(project: Path) -> None:
    checked = ruff(project)
    assert checked.returncode == 0, checked.stdout


def test_instrumented_project_passes_ruff_and_remove_restores_the_bytes(project: Path) -> None:
    before = snapshot(project)
    assert instrument(project) == 0
    after = snapshot(project)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [
        "shop/agents.py", "shop/api.py", "shop/bare.py", "shop/bot.py", "shop/crlf_bot.py",
        "shop/plain.py", "shop/steps.py",
    ]  # fmt: skip
    checked = ruff(project)
    assert checked.returncode == 0, checked.stdout
    assert instrument(project, "--check") == 0
    assert instrument(project, "--remove") == 0
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "shop/bot.py",
            "import logging\n\nimport aiohttp\nfrom botbuilder.core import ActivityHandler, "
            "TurnContext\nfrom frmk.utils.tracing import trace_span\n"
            "from frmk.utils.tracing.http import aiohttp_trace_configs\n\nfrom shop.models import",
            id="third-party-section",
        ),
        pytest.param(
            "shop/steps.py",
            "from typing import Any\n\nfrom frmk.utils.tracing import trace_span\n\n"
            "from shop.models import Order\n",
            id="new-third-party-section",
        ),
        pytest.param(
            "shop/agents.py",
            "from frmk.agents import BaseAgent\n"
            "from frmk.utils.tracing import get_trace_id, trace_span\n\nfrom shop.models",
            id="merged-with-other-frmk-names",
        ),
        pytest.param(
            "shop/api.py",
            "from fastapi import FastAPI\nfrom frmk.utils.tracing import trace_span\n"
            "from frmk.utils.tracing.asgi import TraceContextMiddleware\n\nfrom .models import",
            id="before-local-section",
        ),
        pytest.param(
            "shop/plain.py",
            '"""Steps that need no imports."""\nfrom frmk.utils.tracing import trace_span\n\n\n'
            "@trace_span",
            id="no-imports-under-docstring",
        ),
        pytest.param(
            "shop/bare.py",
            "from frmk.utils.tracing import trace_span\n\n\n@trace_span",
            id="no-imports-no-docstring",
        ),
        pytest.param(
            "shop/crlf_bot.py",
            "from frmk.utils.tracing import trace_span\r\n"
            "from frmk.utils.tracing.http import aiohttp_trace_configs\r\n\r\nfrom shop.models",
            id="crlf",
        ),
        pytest.param(
            "shop/bot.py",
            "            raise_for_status=True,\n"
            "            trace_configs=aiohttp_trace_configs(),  # goalgen: instrument\n"
            "        ) as client:\n",
            id="client-argument-on-its-own-line",
        ),
    ],
)
def test_where_the_imports_and_arguments_go(project: Path, name: str, expected: str) -> None:
    assert instrument(project) == 0
    assert expected in (project / name).read_bytes().decode()


def test_generated_project_is_ruff_clean_after_instrument_and_restored_by_remove(
    tmp_path: Path,
) -> None:
    from goalgen.generator import render_project, write_project
    from goalgen.spec import load_spec

    spec = Path(__file__).resolve().parents[3] / "examples" / "travel_planning.json"
    out = tmp_path / "travel_planning"
    write_project(render_project(load_spec(spec).spec), out)
    before = snapshot(out)
    assert instrument(out) == 0
    assert snapshot(out) != before
    # the project's own ruff settings (pyproject.toml): E, F, W, I, B, UP at 100 columns
    checked = subprocess.run(
        [str(RUFF), "check", "--no-cache", "."], cwd=out, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert instrument(out, "--remove") == 0
    assert snapshot(out) == before
