"""The sample spec with ``ux.teams.sdk = "agents"``: teams_app/ on the Microsoft 365 Agents SDK.

The project's own tests pass (the real SDK hosting on loopback ports, Emulator-shaped
activities), ruff is clean, nothing imports botbuilder, the requirements name the Agents SDK,
and local mode (anonymous access) refuses to listen off loopback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goalgen.generator import render_project, write_project
from goalgen.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"
PYTHON = sys.executable
RUFF = str(Path(PYTHON).with_name("ruff"))


def agents_spec(folder: Path) -> Path:
    """The sample spec with ux.teams.sdk = "agents", written into ``folder``."""
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["domain_module"] = str(SAMPLE.parent / doc["domain_module"])  # found from the copy
    doc["ux"]["teams"]["sdk"] = "agents"
    path = folder / "travel_agents.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agents")
    out = root / "travel_agents"
    write_project(render_project(load_spec(agents_spec(root)).spec), out)
    return out


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run ``args`` in the project with the environment a developer shell would have."""
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TRACING_", "PYTEST_", "ORCHESTRATOR_", "BOT_"))}
    environment.update(LLM_PROVIDER="local", PYTHON=PYTHON, **env)
    return subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=300)


def test_the_generated_test_suite_passes_and_ruff_is_clean(project: Path) -> None:
    lint = run([RUFF, "check", "--no-cache", "."], project)
    tests = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)

    assert lint.returncode == 0, lint.stdout
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed", tests.stdout)


def test_the_bot_is_built_on_the_agents_sdk_and_not_botbuilder(project: Path) -> None:
    sources = {p.relative_to(project).as_posix(): p.read_text(encoding="utf-8")
               for p in project.rglob("*.py")}

    assert [name for name, text in sources.items() if "botbuilder" in text] == []
    assert "AgentApplication[TurnState](" in sources["teams_app/bot.py"]
    assert "MsalConnectionManager(" in sources["teams_app/server.py"]
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert "microsoft-agents-hosting-aiohttp>=1.9" in requirements.splitlines()
    assert "botbuilder" not in requirements


def test_local_mode_refuses_to_listen_off_loopback(project: Path) -> None:
    result = run([PYTHON, "-m", "teams_app.server"], project, BOT_HOST="0.0.0.0", BOT_PORT="9")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: BOT_HOST=0.0.0.0 is not a loopback address; without MicrosoftAppId the agent "
        "takes anonymous traffic, so it only listens on loopback"
    ]


def test_an_app_id_without_a_password_is_a_one_line_error(project: Path) -> None:
    result = run([PYTHON, "-m", "teams_app.server"], project, MicrosoftAppId="app-id",
                 BOT_PORT="9")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: MicrosoftAppId is set but MicrosoftAppPassword is not"
    ]


def test_instrument_traces_the_route_handlers_and_remove_restores_every_byte(
    project: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "travel_agents"
    shutil.copytree(project, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*.py")}
    goalgen = [PYTHON, "-m", "goalgen", "instrument"]

    instrumented = run([*goalgen, str(copy)], tmp_path)
    bot = (copy / "teams_app" / "bot.py").read_text(encoding="utf-8")
    check = run([*goalgen, "--check", str(copy)], tmp_path)
    removed = run([*goalgen, "--remove", str(copy)], tmp_path)

    assert instrumented.returncode == 0, instrumented.stderr
    for handler in ("on_members_added", "on_message", "on_error"):
        assert f'@trace_span("bot.{handler}"' in bot
    assert check.returncode == 0, check.stdout + check.stderr
    assert removed.returncode == 0, removed.stderr
    assert {p: p.read_bytes() for p in copy.rglob("*.py")} == before
