"""Worker processes give exactly what a serial run gives."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from sample_project import FILES, snapshot, write_project

from goalgen.instrument.engine import PARALLEL_MIN_FILES, run
from goalgen.instrument.options import Mode, Options


def _many_files(root: Path) -> Path:
    files = dict(FILES)
    for i in range(PARALLEL_MIN_FILES + 6):
        files[f"app/gen/mod_{i:02d}.py"] = FILES["app/api.py"].replace(
            b"/items", f"/items{i}".encode()
        )
    files["app/gen/__init__.py"] = b""
    return write_project(root, broken=True, files=files)


def test_parallel_report_and_files_equal_serial(tmp_path: Path) -> None:
    serial_root = _many_files(tmp_path / "serial")
    parallel_root = tmp_path / "parallel"
    shutil.copytree(serial_root, parallel_root)

    serial = run([serial_root], Options(jobs=1, use_cache=False), cwd=serial_root)
    parallel = run([parallel_root], Options(jobs=2, use_cache=False), cwd=parallel_root)
    assert serial.to_dict() == parallel.to_dict()
    assert serial.return_code == 123  # the broken files, in both
    assert len(serial.changed) > PARALLEL_MIN_FILES
    assert snapshot(serial_root) == snapshot(parallel_root)


def test_parallel_dry_run_diffs_equal_serial(tmp_path: Path) -> None:
    root = _many_files(tmp_path / "proj")
    options = {"mode": Mode.DIFF, "diff": True, "use_cache": False}
    serial = run([root], Options(jobs=1, **options), cwd=root)
    parallel = run([root], Options(jobs=2, **options), cwd=root)
    assert [f.diff for f in serial.files] == [f.diff for f in parallel.files]
    assert any(f.diff for f in serial.files)


def test_workers_use_each_files_own_options(tmp_path: Path) -> None:
    """Files under app/gen get block style from ``options_for``, in both paths."""
    root = _many_files(tmp_path / "proj")
    gen = (root / "app" / "gen").resolve()
    reports = []
    for jobs in (1, 2):
        options = Options(jobs=jobs, use_cache=False, mode=Mode.DIFF, diff=True)
        block = replace(options, style="block")
        options_for = lambda d, o=options, b=block: b if d == gen else o  # noqa: E731
        reports.append(run([root], options, cwd=root, options_for=options_for))
    serial, parallel = reports
    assert [f.diff for f in serial.files] == [f.diff for f in parallel.files]
    diffs = {f.path: f.diff for f in parallel.files}
    assert b"with TraceSpan(" in diffs["app/gen/mod_00.py"]
    assert b"@trace_span(" in diffs["app/api.py"] and b"with TraceSpan(" not in diffs["app/api.py"]


def test_forked_check_equals_serial_check_and_fills_the_same_cache(tmp_path: Path) -> None:
    """--check on forked workers (instrument.forked): summaries, decisions, report and cached
    answers as a serial run gives them."""
    from goalgen.instrument.engine import FORKED_MIN_FILES
    from goalgen.instrument.forked import available

    if not available():
        import pytest

        pytest.skip("no fork on this platform")
    root = tmp_path / "proj"
    files = dict(FILES)
    for i in range(FORKED_MIN_FILES * 2):
        files[f"app/gen/mod_{i:02d}.py"] = FILES["app/api.py"].replace(
            b"/items", f"/items{i}".encode()
        )
    files["app/gen/__init__.py"] = b""
    write_project(root, broken=True, files=files)
    check = {"mode": Mode.CHECK}
    serial = run([root], Options(jobs=1, **check), cwd=root, cache_directory=tmp_path / "c1")
    forked = run([root], Options(jobs=2, **check), cwd=root, cache_directory=tmp_path / "c2")
    assert serial.to_dict() == forked.to_dict()
    assert serial.return_code == 123 and len(serial.changed) > FORKED_MIN_FILES
    warm = run([root], Options(jobs=1, **check), cwd=root, cache_directory=tmp_path / "c2")
    assert warm.to_dict()["files"] == [
        {**f, "cached": f["status"] != "failed"} for f in serial.to_dict()["files"]
    ]
