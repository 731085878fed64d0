"""The runtime wheel a generated project vendors: a valid wheel pip installs, the runtime's own
metadata, the same bytes on every generate, and requirements without the tool's packages."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import frmk
from goalgen.generator.runtime_wheel import (
    RuntimeMetadata,
    build_runtime_wheel,
    runtime_metadata,
)

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "examples" / "travel_planning.json"
TOOL_ONLY = {"goalgen", "libcst", "jinja2", "rich"}


def generate(out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "goalgen", "generate", "--spec", str(SAMPLE), "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(
        f"next: cd {out} && pip install -r requirements.txt && python -m pytest"
    )
    return out


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("generated")
    return generate(root / "one"), generate(root / "two")


def _wheel(project: Path) -> Path:
    (wheel,) = (project / "vendor").glob("*.whl")
    return wheel


def test_the_wheel_installs_and_its_frmk_imports_with_the_standard_library_only(
    projects: tuple[Path, Path], tmp_path: Path
) -> None:
    wheel = _wheel(projects[0])
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True, text=True, timeout=120,
    )
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import frmk, frmk.utils.tracing, frmk.agents, frmk.conversation, frmk.llm;"
        "from importlib.metadata import metadata as m; d = m('goalgen-runtime');"
        "print(frmk.__file__); print(d['Version']); print(d['Requires-Python']);"
        "print(sorted(d.get_all('Provides-Extra'))); print(sorted(d.get_all('Requires-Dist')))"
    )
    # -S: no site-packages, so the runtime's core needs nothing but the standard library
    out = subprocess.run(
        [sys.executable, "-S", "-c", probe, str(target)], cwd=tmp_path,
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    meta = runtime_metadata()
    assert out == [
        str(target / "frmk" / "__init__.py"), meta.version, meta.requires_python,
        str(sorted(meta.extras)), str(sorted(meta.requires_dist)),
    ]
    assert wheel.name == meta.filename == f"goalgen_runtime-{meta.version}-py3-none-any.whl"


def test_two_generates_vendor_the_same_bytes(projects: tuple[Path, Path]) -> None:
    one, two = projects
    assert _wheel(one).read_bytes() == _wheel(two).read_bytes()


def test_the_record_lists_every_file_with_its_hash_and_size(projects: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(_wheel(projects[0])) as archive:
        names = archive.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/RECORD"))
        rows = [line.split(",") for line in archive.read(f"{info}/RECORD").decode().splitlines()]
        for name, digest, size in rows:
            if name == f"{info}/RECORD":
                assert (digest, size) == ("", "")
                continue
            data = archive.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert (digest, int(size)) == (f"sha256={expected.decode()}", len(data)), name
        wheel_file = archive.read(f"{info}/WHEEL").decode()
    # sorted entries, RECORD last (as wheel builders write it)
    assert [row[0] for row in rows] == names == [*sorted(names[:-1]), f"{info}/RECORD"]
    sources = sorted(
        f"frmk/{p.relative_to(Path(frmk.__file__).parent).as_posix()}"
        for p in Path(frmk.__file__).parent.rglob("*.py") if "__pycache__" not in p.parts
    )
    assert [n for n in names if n.startswith("frmk/")] == sources
    assert "Root-Is-Purelib: true" in wheel_file and "Tag: py3-none-any" in wheel_file


def test_caches_and_hidden_files_stay_out(tmp_path: Path) -> None:
    package = tmp_path / "frmk"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"\0")
    (package / "stray.pyc").write_bytes(b"\0")
    (package / ".notes.swp").write_text("x")
    (package / "data.json").write_text("{}")
    meta = RuntimeMetadata("goalgen-runtime", "9.9", "", ">=3.10", (), ())

    name, data = build_runtime_wheel(package, meta)

    archive = zipfile.ZipFile(io.BytesIO(data))
    assert name == "goalgen_runtime-9.9-py3-none-any.whl"
    assert [n for n in archive.namelist() if not n.startswith("goalgen_runtime-9.9.dist-info/")] == [
        "frmk/__init__.py", "frmk/data.json"
    ]
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param("api", ["fastapi>=1", "uvicorn>=2"], id="two-requirements"),
        pytest.param("pg", ["psycopg[binary]>=3.1"], id="requirement-with-extras"),
        pytest.param("otel", [], id="extra-without-requirements"),
    ],
)
def test_an_extra_lists_its_requirements(extra: str, expected: list[str]) -> None:
    meta = RuntimeMetadata(
        "goalgen-runtime", "1.0", "", "", ("fastapi>=1; extra == \"api\"", "plain>=1",
                                          "uvicorn>=2 ; extra == 'api'",
                                          "psycopg[binary]>=3.1; extra == \"pg\""),
        ("api", "pg", "otel"),
    )
    assert meta.requires(extra) == expected


def test_an_unknown_extra_is_an_error() -> None:
    with pytest.raises(KeyError, match="no extra 'nope'"):
        runtime_metadata().requires("nope")


def test_the_requirements_name_the_wheel_and_no_tool_package(projects: tuple[Path, Path]) -> None:
    project = projects[0]
    lines = [line for line in (project / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    names = {re.split(r"[\[<>=;! ]", line, maxsplit=1)[0].lower() for line in lines[1:]}

    assert lines[0] == f"./vendor/{_wheel(project).name}"
    assert (project / lines[0]).is_file()
    assert names.isdisjoint(TOOL_ONLY | {"goalgen-runtime"}), names
    assert {"botbuilder-core", "fastapi", "uvicorn", "langgraph", "pytest", "pytest-asyncio"} <= names
