"""The travel-planning sample as the scripts run it: generated and instrumented by the goalgen
CLI (in subprocesses, as a user would), then served offline from its own start scripts.

Shared by ``demo.py`` and ``loadcheck.py``; both are run as ``python scripts/<name>.py``, so this
module is importable by its bare name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from frmk.testing.services import ProjectServices  # noqa: E402

SPEC = REPO / "examples" / "travel_planning.json"
SDKS = ("botbuilder", "agents")  # ux.teams.sdk


def sample_spec(sdk: str, folder: Path) -> Path:
    """The sample spec with its bot on ``sdk``: the example itself for botbuilder, else a copy
    with ``ux.teams.sdk`` set, written into ``folder``."""
    if sdk == SDKS[0]:
        return SPEC
    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    doc["domain_module"] = str(SPEC.parent / doc["domain_module"])  # found from the copy
    doc["ux"]["teams"]["sdk"] = sdk
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"travel_planning.{sdk}.json"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


class GoalgenError(Exception):
    """A goalgen command failed; the message has its exit code and output."""


def goalgen(*args: str) -> str:
    """Run ``goalgen ARGS`` from the repository; returns its output, raises on failure."""
    command = [sys.executable, "-m", "goalgen", *args]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise GoalgenError(f"`goalgen {' '.join(args)}` exited {result.returncode}:\n{output}")
    return output


def sample_services(
    project: Path, run: Path, env: dict[str, str] | None = None, tracing_output: str | None = None
) -> ProjectServices:
    """The project's orchestrator and bot on free loopback ports, offline (local LLM), with
    checkpoints, conversation ids, logs and span files under ``run``; ``env`` adds variables
    (the stand-in APIs' URLs, see ``travel_apis.py``)."""
    return ProjectServices(
        project,
        run,
        env={
            "LLM_PROVIDER": "local",
            "CHECKPOINT_DB": str(run / "checkpoints.sqlite"),
            "CONVERSATION_DB_PATH": str(run / "conversations.sqlite"),
            **(env or {}),
        },
        tracing_output=tracing_output,
    )
