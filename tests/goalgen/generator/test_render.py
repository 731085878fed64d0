"""Rendering: the right files, valid and ruff-clean Python, no tracing, the spec kept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from goalgen.generator import RenderedFile, render_project, write_project
from goalgen.generator.runtime_wheel import runtime_metadata
from goalgen.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "examples" / "travel_planning.json"
VARIED = ROOT / "tests" / "goalgen" / "templates" / "varied_spec.json"
MINIMAL = ROOT / "tests" / "goalgen" / "templates" / "minimal_spec.json"  # the public GoalGen's smallest
HELPDESK = ROOT / "examples" / "it_helpdesk.json"  # no domain module: the generic path
RUFF = Path(sys.executable).with_name("ruff")

EXPECTED_SAMPLE_FILES = {
    "README.md", "requirements.txt", ".env.example", ".gitignore", "goal_spec.json",
    "pyproject.toml",
    "teams_app/__init__.py", "teams_app/bot.py", "teams_app/server.py",
    "orchestrator/__init__.py", "orchestrator/checkpoints.py", "orchestrator/main.py",
    "orchestrator/postgres.py",
    "orchestrator/turns.py",
    "workflow/__init__.py", "workflow/graph.py", "workflow/state.py", "workflow/tools.py",
    "workflow/agents/__init__.py", "workflow/agents/supervisor_agent.py",
    "workflow/agents/flight_agent.py", "workflow/agents/hotel_agent.py",
    "workflow/agents/itinerary_agent.py",
    "workflow/domain/__init__.py", "workflow/domain/extraction.py", "workflow/domain/replies.py",
    "scripts/start_orchestrator.sh", "scripts/start_bot.sh", "scripts/test_message.sh",
    "scripts/test_e2e.sh",
    "docs/BOT_TESTING.md", "docs/DISTRIBUTED_TRACING.md",
    "tests/conftest.py", "tests/test_workflow.py", "tests/test_orchestrator.py",
    "tests/test_turns.py",
    "tests/test_bot.py", "tests/test_server.py", "tests/test_tools.py",
    f"vendor/{runtime_metadata().filename}",
}


def rendered(spec_path: Path) -> dict[str, RenderedFile]:
    files = render_project(load_spec(spec_path).spec)
    return {f.path.as_posix(): f for f in files}


@pytest.fixture(scope="module")
def sample_files() -> dict[str, RenderedFile]:
    return rendered(SAMPLE)


@pytest.fixture(scope="module")
def varied_files() -> dict[str, RenderedFile]:
    return rendered(VARIED)


def test_the_sample_renders_the_documented_layout(sample_files: dict[str, RenderedFile]) -> None:
    assert set(sample_files) == EXPECTED_SAMPLE_FILES


def test_only_the_scripts_are_executable(sample_files: dict[str, RenderedFile]) -> None:
    executable = {path for path, f in sample_files.items() if f.executable}

    assert executable == {p for p in EXPECTED_SAMPLE_FILES if p.startswith("scripts/")}
    for path in executable:
        text = sample_files[path].content.decode()
        assert text.startswith("#!/usr/bin/env bash\n")
        assert "set -euo pipefail" in text


@pytest.mark.parametrize("fixture", ["sample_files", "varied_files"])
def test_generated_python_compiles_and_has_no_tracing(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    files: dict[str, RenderedFile] = request.getfixturevalue(fixture)
    python = {path: f.content.decode() for path, f in files.items() if path.endswith(".py")}

    assert python
    for path, text in python.items():
        compile(text, path, "exec")
        assert not re.search(r"trac(e|ing)", text, re.IGNORECASE), path


@pytest.mark.parametrize("spec_path", [SAMPLE, VARIED, MINIMAL], ids=["sample", "varied", "minimal"])
def test_generated_project_is_ruff_clean(spec_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    write_project(render_project(load_spec(spec_path).spec), out)

    result = subprocess.run(
        [str(RUFF), "check", "--no-cache", "."], cwd=out, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_goal_spec_json_keeps_the_spec_as_written(varied_files: dict[str, RenderedFile]) -> None:
    written = json.loads(varied_files["goal_spec.json"].content)

    assert written == json.loads(VARIED.read_text(encoding="utf-8"))
    assert written["owner"] == "it-team"


def test_odd_spec_names_become_modules_classes_and_nodes(
    varied_files: dict[str, RenderedFile],
) -> None:
    agents = {p for p in varied_files if p.startswith("workflow/agents/")}
    graph = varied_files["workflow/graph.py"].content.decode()

    assert agents == {
        "workflow/agents/__init__.py", "workflow/agents/router.py",
        "workflow/agents/ticket_agent.py", "workflow/agents/class_.py",
        "workflow/agents/reviewer.py",
    }
    ticket_agent = varied_files["workflow/agents/ticket_agent.py"].content.decode()
    assert "class TicketAgent(BaseAgent):" in ticket_agent
    assert 'builder.add_node("supervisor", supervisor)' in graph
    for ident in ("ticket_agent", "class_", "reviewer"):
        assert f'builder.add_node("{ident}", {ident})' in graph
        assert f"async def {ident}(state: WorkflowState)" in graph


def test_tools_of_every_type_are_generated(varied_files: dict[str, RenderedFile]) -> None:
    tools = varied_files["workflow/tools.py"].content.decode()

    for ident in ("ticket_db", "status_page", "kb_search", "notify"):
        assert f"async def {ident}(request: str, state: Mapping[str, Any]) -> ToolResult:" in tools
    assert 'not_implemented("ticket-db", "sql")' in tools
    assert '"https://status.example.com/api/${STATUS_TOKEN}"' in tools


def test_a_spec_without_context_fields_or_served_tools_skips_what_does_not_apply(
    varied_files: dict[str, RenderedFile],
) -> None:
    state = varied_files["workflow/state.py"].content.decode()

    assert "CONTEXT_FIELDS: dict[str, str] = {}" in state
    assert "context_from" not in state and "extract_" not in state


def test_the_domain_module_is_copied_and_its_hooks_are_used(
    sample_files: dict[str, RenderedFile],
) -> None:
    source = ROOT / "examples" / "travel_planning_domain" / "replies.py"
    files = {
        path: f.content.decode() for path, f in sample_files.items() if not path.endswith(".whl")
    }

    assert files["workflow/domain/replies.py"] == source.read_text(encoding="utf-8")
    assert "from workflow.domain import extract_context" in files["workflow/state.py"]
    supervisor = files["workflow/agents/supervisor_agent.py"]
    assert "concepts=ROUTING_CONCEPTS" in supervisor
    assert "local_replies" not in supervisor  # routing needs no answers
    assert '"local_replies": "workflow.domain:offline_reply"' in files["workflow/agents/hotel_agent.py"]
    assert "from workflow.domain import CONTEXT_EXAMPLES" in files["tests/test_workflow.py"]


def test_without_a_domain_module_the_project_reads_context_generically() -> None:
    files = {
        path: f.content.decode() for path, f in rendered(HELPDESK).items() if not path.endswith(".whl")
    }

    assert not [path for path in files if path.startswith("workflow/domain")]
    assert "from frmk.llm import extract_fields" in files["workflow/state.py"]
    assert "found = extract_fields(message, CONTEXT_FIELDS)" in files["workflow/state.py"]
    assert "concepts=" not in files["workflow/agents/helpdesk_supervisor.py"]
    assert "local_replies" not in files["workflow/agents/account_agent.py"]
    travel = re.compile(r"flight|hotel|itinerar|travel\b|traveller|destination", re.I)
    assert [path for path, text in files.items() if travel.search(text)] == []


def test_rendering_is_deterministic() -> None:
    first = render_project(load_spec(SAMPLE).spec)
    second = render_project(load_spec(SAMPLE).spec)

    assert [(f.path, f.content) for f in first] == [(f.path, f.content) for f in second]


def test_paths_are_relative_and_inside_the_project(sample_files: dict[str, RenderedFile]) -> None:
    for path in sample_files:
        pure = PurePosixPath(path)
        assert not pure.is_absolute()
        assert ".." not in pure.parts


def test_a_destination_field_alone_does_not_switch_on_travel_reading(tmp_path: Path) -> None:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    del doc["domain_module"]  # the travel fields stay; only the explicit choice is gone
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")

    state = rendered(spec)["workflow/state.py"].content.decode()

    assert "found = extract_fields(message, CONTEXT_FIELDS)" in state
    assert "workflow.domain" not in state
