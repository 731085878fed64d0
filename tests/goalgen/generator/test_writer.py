"""Writing: all at once into place, --force replaces as a whole, nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from goalgen.generator import OutputError, RenderedFile, write_project


def files(*paths: str) -> list[RenderedFile]:
    return [RenderedFile(PurePosixPath(p), f"content of {p}\n".encode(), p.endswith(".sh"))
            for p in paths]


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".goalgen-" in p.name)


def test_a_new_folder_gets_every_file(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "project"

    result = write_project(files("README.md", "scripts/run.sh", "pkg/mod.py"), out)

    assert (out / "pkg" / "mod.py").read_text() == "content of pkg/mod.py\n"
    assert os.access(out / "scripts" / "run.sh", os.X_OK)
    assert not os.access(out / "README.md", os.X_OK)
    assert (result.files, result.replaced) == (3, False)
    assert leftovers(out.parent) == []


def test_an_empty_folder_is_used(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()

    write_project(files("a.txt"), out)

    assert (out / "a.txt").exists()


def test_the_current_folder_can_be_the_output_when_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")

    write_project(files("a.txt", "pkg/b.py"), Path("."))

    assert sorted(p.name for p in (tmp_path / "here").iterdir()) == ["a.txt", "pkg"]
    assert leftovers(tmp_path) == []


def test_a_non_empty_folder_needs_force_and_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")

    with pytest.raises(OutputError, match="not empty; use --force"):
        write_project(files("a.txt"), out)

    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert leftovers(tmp_path) == []


def test_force_replaces_the_folder_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "project"
    (out / "old").mkdir(parents=True)
    (out / "old" / "stale.py").write_text("stale")

    result = write_project(files("a.txt"), out, force=True)

    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    assert result.replaced
    assert leftovers(tmp_path) == []


def test_a_file_in_the_way_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.write_text("not a folder")

    with pytest.raises(OutputError, match="is not a folder"):
        write_project(files("a.txt"), out, force=True)


def test_force_refuses_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "precious.txt").write_text("x")
    monkeypatch.chdir(tmp_path / "work")

    with pytest.raises(OutputError, match="contains the current folder"):
        write_project(files("a.txt"), tmp_path, force=True)

    assert (tmp_path / "work" / "precious.txt").exists()


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "project"
    clash = files("a", "a/b.txt")  # "a" is written as a file, then needed as a folder

    with pytest.raises(OSError):
        write_project(clash, out)

    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_a_failed_forced_write_keeps_the_old_project(tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "old.txt").write_text("old")

    with pytest.raises(OSError):
        write_project(files("a", "a/b.txt"), out, force=True)

    assert (out / "old.txt").read_text() == "old"
    assert leftovers(tmp_path) == []
