"""A non-travel sample (examples/it_helpdesk.json, no domain module): its generated project
passes its own tests, and a conversation through the offline responder answers in each
helpdesk agent's role, with the context read generically and no travel words anywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from goalgen.generator import render_project, write_project
from goalgen.spec import load_spec

ROOT = Path(__file__).resolve().parents[3]
HELPDESK = ROOT / "examples" / "it_helpdesk.json"
PYTHON = sys.executable
RUFF = str(Path(PYTHON).with_name("ruff"))
CONVERSATION = [
    "hello",
    "I forgot my password, employee id is 4821",
    "The VPN keeps dropping since 2026-03-02, ticket INC-7731",
    "My laptop screen flickers",
    "thanks",
]
# Runs in the generated project: one thread through the compiled graph, replies as JSON.
TALK = """
import asyncio, json, sys
from langgraph.checkpoint.memory import MemorySaver
from workflow.graph import RECURSION_LIMIT, compile_graph
from workflow.state import CONTEXT_FIELDS, new_turn

async def talk():
    graph = compile_graph(MemorySaver())
    config = {"configurable": {"thread_id": "t"}, "recursion_limit": RECURSION_LIMIT}
    replies = []
    for text in json.loads(sys.argv[1]):
        state = await graph.ainvoke(new_turn(text), config)
        replies.append([state["messages"][-1]["name"], state["messages"][-1]["content"]])
    print(json.dumps({"replies": replies, "context": {k: state.get(k) for k in CONTEXT_FIELDS}}))

asyncio.run(talk())
"""


def project_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TRACING_", "PYTEST_", "ORCHESTRATOR_", "BOT_"))
           and k not in ("DATABASE_URL", "POSTGRES_URL", "LOCAL_LLM_DELAY")}
    return env | {"LLM_PROVIDER": "local"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "it_helpdesk"
    write_project(render_project(load_spec(HELPDESK).spec), out)
    return out


def test_the_helpdesk_project_passes_its_own_tests_and_ruff(project: Path) -> None:
    lint = subprocess.run([RUFF, "check", "--no-cache", "."], cwd=project, capture_output=True,
                          text=True)
    tests = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
        env=project_env(), capture_output=True, text=True, timeout=300,
    )

    assert lint.returncode == 0, lint.stdout
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout


def test_a_conversation_gets_role_appropriate_answers_offline(project: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-c", TALK, json.dumps(CONVERSATION)], cwd=project, env=project_env(),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout)
    replies = outcome["replies"]

    assert [name for name, _ in replies] == [
        "account_agent", "account_agent", "network_agent", "hardware_agent", "account_agent"]
    assert replies[0][1] == ("Hello! I'm the account agent. I can help with unlock accounts and "
                             "reset passwords. How can I help?")
    assert replies[1][1].startswith("As the account agent, I understood your request about "
                                    "forgot password")
    assert "Details noted: employee id 4821." in replies[1][1]
    assert "directory_lookup (not configured: set DIRECTORY_API_URL) is not available" in replies[1][1]
    assert "ticket id INC-7731, incident date 2026-03-02" in replies[2][1]
    assert replies[3][1].startswith("As the hardware agent, I understood your request about laptop "
                                    "screen flickers.")
    assert replies[4][1].startswith("You're welcome!")
    assert outcome["context"] == {"employee_id": "4821", "ticket_id": "INC-7731", "device": None,
                                  "incident_date": "2026-03-02"}
    travel = re.compile(r"flight|hotel|itinerar|travel|trip|destination", re.I)
    assert [text for _, text in replies if travel.search(text)] == []
