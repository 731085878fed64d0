"""A project kept clean by its own ruff or isort settings stays clean after ``goalgen instrument``,
and ``--remove`` gives back its bytes.

Real tools on real files: the sample project is first sorted by the tool under the case's
configuration (so it is clean to start with, whatever the settings), then instrumented, then
checked with ``ruff check --select I`` or ``isort --check-only --diff`` reading that same
configuration, then un-instrumented. Each case also says where one runtime import must go, a
place that differs from the default settings' place.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from goalgen.cli import main as goalgen_main

BIN = Path(sys.executable).parent
RUFF, ISORT = BIN / "ruff", BIN / "isort"

FILES = {
    "shop/__init__.py": "",
    "shop/models.py": "class Order:\n    pass\n",
    # third party with `import` and `from` lines; an internal library outside the project
    "shop/bot.py": """\
import logging

import httpx
import yaml
from botbuilder.core import ActivityHandler
from corp_lib.auth import check

from shop.models import Order

log = logging.getLogger(__name__)


class ShopBot(ActivityHandler):
    async def on_message_activity(self, turn_context):
        async with httpx.AsyncClient() as client:
            log.info("%s %s %s", client, yaml, check(Order))
""",
    # a package of the project that the settings may call third-party
    "basket/__init__.py": "",
    "basket/client.py": "class Client:\n    pass\n",
    "shop/steps.py": """\
import os

from basket.client import Client

from shop.models import Order


def plan(state):
    return {"order": Order(), "client": Client(), "env": os.sep}
""",
    # other frmk names imported already
    "shop/agents.py": """\
from frmk.agents import BaseAgent
from frmk.utils.tracing import get_trace_id


class OrderAgent(BaseAgent):
    async def invoke(self, state):
        return {"trace": get_trace_id()}
""",
    # no imports: a docstring and one blank line, then not a def
    "shop/plain.py": '''\
"""Steps without imports."""

REVIEWS = 0


def review(state):
    return state
''',
    # no imports, no docstring, a def first
    "shop/bare.py": "def check(state):\n    return state\n",
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
}

RUNTIME = "from frmk.utils.tracing import trace_span\n"
CLIENT = "from frmk.utils.tracing.http import trace_client\n"

# (config files, tool, file, text it must hold after instrumenting)
CASES = [
    pytest.param(
        {"pyproject.toml": "[tool.ruff]\nline-length = 88\n"},
        "ruff",
        "shop/steps.py",
        "import os\n\n" + RUNTIME + "\nfrom basket.client import Client\nfrom shop",
        id="ruff-defaults",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.ruff.lint.isort]\nknown-first-party = ["corp_lib"]\n'},
        "ruff",
        "shop/bot.py",
        "from botbuilder.core import ActivityHandler\n" + RUNTIME + CLIENT + "\nfrom corp_lib",
        id="ruff-known-first-party-outside-the-index",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.ruff.lint.isort]\nknown-third-party = ["basket"]\n'},
        "ruff",
        "shop/steps.py",
        "import os\n\nfrom basket.client import Client\n" + RUNTIME + "\nfrom shop",
        id="ruff-known-third-party-in-the-index",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff.lint.isort]\nforce-sort-within-sections = true\n"},
        "ruff",
        "shop/bot.py",
        "from corp_lib.auth import check\n" + RUNTIME + CLIENT + "import httpx\nimport yaml\n",
        id="ruff-force-sort-within-sections",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff.lint.isort]\nforce-single-line = true\n"},
        "ruff",
        "shop/agents.py",
        "from frmk.utils.tracing import get_trace_id\n" + RUNTIME,
        id="ruff-force-single-line",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff.lint.isort]\nlines-after-imports = 2\n"},
        "ruff",
        "shop/plain.py",
        '"""Steps without imports."""\n\n' + RUNTIME + "\n\nREVIEWS = 0\n",
        id="ruff-lines-after-imports-2",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff.lint.isort]\nlines-after-imports = 1\n"},
        "ruff",
        "shop/bare.py",
        RUNTIME + "\n@trace_span",
        id="ruff-lines-after-imports-1",
    ),
    pytest.param(
        {
            "ruff.toml": "[lint.isort]\nforce-sort-within-sections = true\n",
            "pyproject.toml": "[tool.ruff.lint.isort]\nlines-after-imports = 2\n",
        },
        "ruff",
        "shop/bot.py",
        "from corp_lib.auth import check\n" + RUNTIME + CLIENT + "import httpx\n",
        id="ruff-toml-wins-over-pyproject",
    ),
    pytest.param(
        {".ruff.toml": "[lint.isort]\nforce-single-line = true\n", "ruff.toml": ""},
        "ruff",
        "shop/agents.py",
        "from frmk.utils.tracing import get_trace_id\n" + RUNTIME,
        id="dot-ruff-toml-wins-over-ruff-toml",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.ruff.isort]\nlines-after-imports = 2\n"},
        "ruff",
        "shop/plain.py",
        '"""Steps without imports."""\n\n' + RUNTIME + "\n\nREVIEWS = 0\n",
        id="ruff-old-isort-table",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.isort]\nknown_first_party = ["corp_lib"]\n'},
        "isort",
        "shop/bot.py",
        "from botbuilder.core import ActivityHandler\n" + RUNTIME + CLIENT + "\nfrom corp_lib",
        id="isort-known-first-party",
    ),
    pytest.param(
        {"pyproject.toml": '[tool.isort]\nprofile = "black"\nknown_third_party = ["basket"]\n'},
        "isort",
        "shop/steps.py",
        "import os\n\nfrom basket.client import Client\n" + RUNTIME + "\nfrom shop",
        id="isort-profile-black-known-third-party",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.isort]\nforce_sort_within_sections = true\n"},
        "isort",
        "shop/bot.py",
        "from corp_lib.auth import check\n" + RUNTIME + CLIENT + "import httpx\n",
        id="isort-force-sort-within-sections",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.isort]\nforce_single_line = true\n"},
        "isort",
        "shop/agents.py",
        "from frmk.utils.tracing import get_trace_id\n" + RUNTIME,
        id="isort-force-single-line",
    ),
    pytest.param(
        {"pyproject.toml": "[tool.isort]\nlines_after_imports = 2\n"},
        "isort",
        "shop/plain.py",
        '"""Steps without imports."""\n\n' + RUNTIME + "\n\nREVIEWS = 0\n",
        id="isort-lines-after-imports-2",
    ),
    pytest.param(
        {".isort.cfg": "[settings]\nforce_single_line = True\n", "pyproject.toml": ""},
        "isort",
        "shop/agents.py",
        "from frmk.utils.tracing import get_trace_id\n" + RUNTIME,
        id="isort-cfg",
    ),
    pytest.param(
        {"setup.cfg": "[isort]\nknown_first_party = corp_lib, other\nlines_after_imports = 2\n"},
        "isort",
        "shop/plain.py",
        '"""Steps without imports."""\n\n' + RUNTIME + "\n\nREVIEWS = 0\n",
        id="setup-cfg",
    ),
]


def _tool(tool: str, root: Path, fix: bool) -> subprocess.CompletedProcess:
    if tool == "ruff":
        args = [str(RUFF), "check", "--no-cache", "--select", "I", *(["--fix"] if fix else []), "."]
    else:
        args = [str(ISORT), *([] if fix else ["--check-only", "--diff"]), "."]
    return subprocess.run(args, cwd=root, capture_output=True, text=True)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def _instrument(root: Path, *args: str) -> int:
    return goalgen_main(["instrument", str(root), "--no-cache", "--jobs", "1", "--no-color", *args])


@pytest.mark.parametrize(("config", "tool", "name", "expected"), CASES)
def test_instrumented_project_passes_its_own_import_sorting_and_remove_restores_it(
    tmp_path: Path, config: dict[str, str], tool: str, name: str, expected: str
) -> None:
    if not (RUFF if tool == "ruff" else ISORT).exists():
        pytest.skip(f"{tool} is not installed next to python")
    root = tmp_path / "proj"
    for rel, text in {**FILES, **config}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / ".git").mkdir()  # the project's root for isort's search, as in a checkout
    _tool(tool, root, fix=True)
    assert _tool(tool, root, fix=False).returncode == 0
    before = _snapshot(root)

    assert _instrument(root) == 0
    assert expected in (root / name).read_text()
    checked = _tool(tool, root, fix=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _instrument(root, "--remove") == 0
    assert _snapshot(root) == before
