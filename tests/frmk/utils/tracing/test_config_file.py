"""Tracing settings from TRACING_CONFIG or [tool.goalgen.tracing], read by a real child program."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from frmk.utils.tracing.config_file import ENV_FOR_KEY, file_settings

CHILD = textwrap.dedent(
    """
    import json
    from frmk.utils.tracing import settings, stats, TraceSpan

    with TraceSpan("one"):
        pass
    print(json.dumps({"enabled": settings.enabled, "sample_rate": settings.sample_rate,
                      "service": settings.service, "record_content": settings.record_content,
                      "sink": stats()["sink"]}))
    """
)
TRACING_VARIABLES = [*ENV_FOR_KEY.values(), "TRACING_CONFIG", "OTEL_SERVICE_NAME"]


def run_child(cwd, env_extra=None):
    """Run CHILD in ``cwd`` with no tracing variables but ``env_extra``; (settings, stderr)."""
    env = {k: v for k, v in os.environ.items() if k not in TRACING_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, "-c", CHILD], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1]), proc.stderr


@pytest.fixture
def repo(tmp_path):
    """A repository root (holding .git) with a nested package directory to run from."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc" / "pkg").mkdir(parents=True)
    return tmp_path


PYPROJECT = textwrap.dedent(
    """
    [project]
    name = "svc"

    [tool.goalgen.tracing]
    output = "{out}"
    sample_rate = 1
    service_name = "from-pyproject"
    record_content = true
    file_mode = 0o640
    """
)


def test_pyproject_table_found_from_a_subdirectory(repo):
    out = repo / "spans.jsonl"
    (repo / "svc" / "pyproject.toml").write_text(PYPROJECT.format(out=out))
    got, stderr = run_child(repo / "svc" / "pkg")
    assert got == {"enabled": True, "sample_rate": 1.0, "service": "from-pyproject",
                   "record_content": True, "sink": "FileSink"}
    assert stderr == ""
    assert json.loads(out.read_text())["service"] == "from-pyproject"
    assert out.stat().st_mode & 0o777 == 0o640 & ~_umask()


def test_environment_wins_over_the_file(repo):
    out = repo / "spans.jsonl"
    (repo / "svc" / "pyproject.toml").write_text(PYPROJECT.format(out=out))
    got, _ = run_child(repo / "svc", {"TRACE_SAMPLE_RATE": "0.5", "TRACING_SERVICE_NAME": "env",
                                      "TRACING_RECORD_CONTENT": "false", "TRACING_OUTPUT": "none"})
    assert got == {"enabled": True, "sample_rate": 0.5, "service": "env",
                   "record_content": False, "sink": "NullSink"}
    assert not out.exists()


def test_pyproject_without_the_table_does_not_hide_one_above(repo):
    (repo / "pyproject.toml").write_text('[tool.goalgen.tracing]\nservice_name = "root"\n'
                                         'output = "none"\n')
    (repo / "svc" / "pyproject.toml").write_text('[project]\nname = "goalgen-less"\n')
    got, _ = run_child(repo / "svc" / "pkg")
    assert got["service"] == "root"


def test_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.goalgen.tracing]\nservice_name = "outer"\n')
    inner = tmp_path / "repo"
    (inner / ".git").mkdir(parents=True)
    assert file_settings(inner) == {}
    (tmp_path / "other").mkdir()
    assert file_settings(tmp_path / "other")["TRACING_SERVICE_NAME"][0] == "outer"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("tracing.toml", 'enabled = false\nservice_name = "named"\nsample_rate = 0.25\n',
                     id="toml"),
        pytest.param("tracing.json", '{"enabled": false, "service_name": "named", "sample_rate": 0.25}',
                     id="json"),
    ],
)
def test_tracing_config_names_the_file_and_the_pyproject_is_not_read(repo, name, text):
    (repo / "svc" / "pyproject.toml").write_text(PYPROJECT.format(out=repo / "spans.jsonl"))
    path = repo / name
    path.write_text(text)
    got, stderr = run_child(repo / "svc", {"TRACING_CONFIG": str(path), "TRACING_OUTPUT": "none"})
    assert got["enabled"] is False
    assert got["service"] == "named"
    assert got["sample_rate"] == 0.25
    assert got["record_content"] is False  # the pyproject's true is not read
    assert stderr == ""


@pytest.mark.parametrize(
    ("text", "warning", "setting", "default"),
    [
        pytest.param('sample_rate = "half"', "sample_rate='half' is not a number",
                     "sample_rate", 1.0, id="rate-not-a-number"),
        pytest.param("sample_rate = true", "sample_rate = True has the wrong type",
                     "sample_rate", 1.0, id="rate-bool"),
        pytest.param('enabled = "maybe"', "enabled='maybe' is not a boolean",
                     "enabled", True, id="bool-word"),
        pytest.param("record_content = 3", "record_content = 3 has the wrong type",
                     "record_content", False, id="bool-int"),
        pytest.param("service_name = [1]", "service_name = [1] has the wrong type",
                     "service", "-c", id="service-list"),
        pytest.param("colour = 1", "colour is not a tracing setting", "enabled", True,
                     id="unknown-key"),
        pytest.param("enabled = ", "not valid TOML", "enabled", True, id="bad-toml"),
    ],
)
def test_bad_values_warn_and_fall_back(repo, text, warning, setting, default):
    (repo / "pyproject.toml").write_text(f"[tool.goalgen.tracing]\n{text}\n")
    got, stderr = run_child(repo, {"TRACING_OUTPUT": "none"})
    assert got[setting] == default
    assert warning in stderr
    assert "Traceback" not in stderr


def test_bad_file_mode_warns_and_uses_0600(repo):
    out = repo / "spans.jsonl"
    (repo / "pyproject.toml").write_text(f'[tool.goalgen.tracing]\noutput = "{out}"\n'
                                         'file_mode = "rw-r--r--"\n')
    _, stderr = run_child(repo)
    assert "file_mode='rw-r--r--' is not an octal file mode" in stderr
    assert out.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("name", "text", "warning"),
    [
        pytest.param("missing.toml", None, "cannot be read", id="missing"),
        pytest.param("bad.json", "{not json", "not valid JSON", id="bad-json"),
        pytest.param("list.json", "[1, 2]", "must be a table", id="not-a-table"),
    ],
)
def test_unusable_tracing_config_warns_and_is_ignored(repo, name, text, warning):
    path = repo / name
    if text is not None:
        path.write_text(text)
    got, stderr = run_child(repo, {"TRACING_CONFIG": str(path), "TRACING_OUTPUT": "none"})
    assert got["enabled"] is True
    assert warning in stderr
    assert "Traceback" not in stderr


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
