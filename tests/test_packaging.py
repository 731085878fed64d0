"""The two distributions as pip builds them: `goalgen` ships only the `goalgen` package (templates
and the traces page included), `goalgen-runtime` only `frmk`, and the versions agree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from goalgen.generator.runtime_wheel import checkout_metadata

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), ".", "./runtime"],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=600,
    )
    return {path.name.split("-")[0]: zipfile.ZipFile(path) for path in out.glob("*.whl")}


def _metadata(archive: zipfile.ZipFile):
    (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    return Parser().parsestr(archive.read(name).decode())


def _top_level(archive: zipfile.ZipFile) -> set[str]:
    return {name.split("/")[0] for name in archive.namelist() if ".dist-info/" not in name}


def test_the_tool_wheel_holds_only_the_goalgen_package(wheels: dict) -> None:
    names = wheels["goalgen"].namelist()

    assert _top_level(wheels["goalgen"]) == {"goalgen"}
    assert "goalgen/templates/project/requirements.txt.j2" in names
    assert "goalgen/templates/project/_partials/agents/teams_app/bot.py.j2" in names
    assert "goalgen/codemods/kinds/bot_handlers.py" in names
    assert {f"goalgen/traces/waterfall.{ext}" for ext in ("html", "css", "js")} <= set(names)


def test_the_runtime_wheel_holds_only_frmk(wheels: dict) -> None:
    names = wheels["goalgen_runtime"].namelist()
    sources = {f"frmk/{p.relative_to(REPO / 'frmk').as_posix()}"
               for p in (REPO / "frmk").rglob("*.py") if "__pycache__" not in p.parts}

    assert _top_level(wheels["goalgen_runtime"]) == {"frmk"}
    assert sources <= set(names)
    requires = _metadata(wheels["goalgen_runtime"]).get_all("Requires-Dist")
    assert requires and all("; extra ==" in r for r in requires)  # no core dependency


def test_the_tool_pins_the_runtime_of_its_own_version(wheels: dict) -> None:
    tool, runtime = _metadata(wheels["goalgen"]), _metadata(wheels["goalgen_runtime"])
    requires = tool.get_all("Requires-Dist")

    assert tool["Version"] == runtime["Version"]
    assert f"goalgen-runtime=={runtime['Version']}" in requires
    assert not any(r.startswith(("frmk", "goalgen[")) for r in requires)


def test_a_checkout_reads_the_metadata_the_built_runtime_has(wheels: dict) -> None:
    built = _metadata(wheels["goalgen_runtime"])
    read = checkout_metadata(REPO)

    assert (read.name, read.version, read.requires_python) == (
        built["Name"], built["Version"], built["Requires-Python"]
    )
    assert list(read.extras) == built.get_all("Provides-Extra")
    assert sorted(read.requires_dist) == sorted(built.get_all("Requires-Dist"))
