"""ProjectServices starts a project's scripts on free loopback ports and leaves nothing behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from frmk.testing.services import ProjectServices, ServiceError, is_healthy

# A stand-in "project": each script serves the project folder (which has a `health` file).
ORCHESTRATOR = """#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
echo "orchestrator on $ORCHESTRATOR_PORT tracing to $TRACING_OUTPUT as $TRACING_SERVICE_NAME"
exec "${PYTHON:-python}" -m http.server "$ORCHESTRATOR_PORT" --bind 127.0.0.1
"""
# No exec and a child in the background: stopping must still end the child.
BOT = """#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bot on $BOT_PORT calling $ORCHESTRATOR_URL"
"${PYTHON:-python}" -m http.server "$BOT_PORT" --bind 127.0.0.1 &
wait
"""


def make_project(root: Path, bot: str = BOT) -> Path:
    (root / "scripts").mkdir(parents=True)
    (root / "health").write_text("ok\n")
    (root / "scripts" / "start_orchestrator.sh").write_text(ORCHESTRATOR)
    (root / "scripts" / "start_bot.sh").write_text(bot)
    return root


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_services_start_healthy_with_ports_and_stop_completely(tmp_path):
    project = make_project(tmp_path / "proj")
    with ProjectServices(project, tmp_path / "run", health_timeout=20) as run:
        assert is_healthy(run.orchestrator.url) and is_healthy(run.bot.url)
        pids = [s.process.pid for s in run.services]
        assert run.orchestrator.url != run.bot.url
        assert [p.name for p in run.trace_files] == ["orchestrator.jsonl", "bot.jsonl"]
    assert not any(alive(pid) for pid in pids)
    assert not is_healthy(run.bot.url)
    orchestrator_log = run.orchestrator.log_path.read_text()
    assert f"on {run.orchestrator.url.rsplit(':', 1)[1]}" in orchestrator_log
    assert "as orchestrator" in orchestrator_log and "orchestrator.jsonl" in orchestrator_log
    assert f"calling {run.orchestrator.url}" in run.bot.log_path.read_text()


def test_a_service_that_dies_is_reported_with_its_output_and_the_rest_stopped(tmp_path):
    broken = "#!/usr/bin/env bash\necho 'ImportError: no module named teams_app' >&2\nexit 3\n"
    project = make_project(tmp_path / "proj", bot=broken)
    run = ProjectServices(project, tmp_path / "run", health_timeout=20)
    with pytest.raises(ServiceError, match="bot exited with code 3") as info:
        run.start()
    assert "no module named teams_app" in str(info.value)
    assert run.orchestrator.process.poll() is not None  # stopped and reaped
    assert not is_healthy(run.orchestrator.url)


def test_missing_script_is_a_clear_error(tmp_path):
    with pytest.raises(ServiceError, match="start_orchestrator.sh is missing"):
        ProjectServices(tmp_path, tmp_path / "run").start()
