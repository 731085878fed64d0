"""The one walker: which files instrument looks at, and the module names it gives them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goalgen.instrument.files import find_python_files, is_excluded, module_name, split_globs
from goalgen.instrument.options import Options


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def _everywhere(**options):
    """The same options for every directory."""
    return lambda directory: Options(**options)


def _displays(root: Path) -> list[str]:
    found, _ = find_python_files([root], _everywhere(), cwd=root)
    return [f.display for f in found]


def test_walker_skips_tool_and_environment_directories(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "app/main.py",
        "app/notes.txt",
        ".git/hooks/x.py",
        ".venv/lib/y.py",
        "venv/lib/y.py",
        "env2/lib/site.py",
        "app/__pycache__/main.cpython-311.py",
        "node_modules/pkg/z.py",
        "build/lib/a.py",
        "dist/a.py",
        ".tox/py/a.py",
        ".eggs/a.py",
        "lib/site-packages/a.py",
    )
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    assert _displays(tmp_path) == ["app/main.py"]


def test_walker_does_not_follow_symlinks_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _touch(outside, "secret.py", "pkg/mod.py")
    project = tmp_path / "project"
    _touch(project, "a.py")
    os.symlink(outside / "secret.py", project / "link.py")
    os.symlink(outside / "pkg", project / "linked_pkg")
    os.symlink(project / "a.py", project / "alias.py")  # inside the tree: same file once
    found, skipped = find_python_files([project], _everywhere(), cwd=project)
    assert [f.display for f in found] == ["a.py"]
    assert {s.display: s.reason for s in skipped} == {
        "link.py": "symlink out of the tree",
        "linked_pkg": "symlink out of the tree",
    }


def test_exclude_globs_match_relative_paths_and_directories(tmp_path: Path) -> None:
    _touch(tmp_path, "app/main.py", "app/gen/models.py", "tests/test_a.py", "scripts/tool.py")
    globs = split_globs(["tests/*,app/gen", "*tool.py"])
    assert globs == ("tests/*", "app/gen", "*tool.py")
    found, skipped = find_python_files([tmp_path], _everywhere(exclude=globs), cwd=tmp_path)
    assert [f.display for f in found] == ["app/main.py"]
    assert sorted(s.display for s in skipped) == ["app/gen/", "scripts/tool.py", "tests/test_a.py"]
    assert is_excluded("a/b/c.py", ["b"]) and not is_excluded("a/bb/c.py", ["b"])


def test_module_names_come_from_the_nearest_directory_without_init(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "proj/workflow/__init__.py",
        "proj/workflow/graph.py",
        "proj/workflow/agents/__init__.py",
        "proj/workflow/agents/flight.py",
        "proj/scripts/run.py",
    )
    proj = tmp_path / "proj"
    assert module_name(proj / "workflow/graph.py") == "workflow.graph"
    assert module_name(proj / "workflow/agents/flight.py") == "workflow.agents.flight"
    assert module_name(proj / "workflow/agents/__init__.py") == "workflow.agents"
    assert module_name(proj / "scripts/run.py") == "run"
    found, _ = find_python_files([proj / "workflow"], _everywhere(), cwd=proj)
    assert [(f.display, f.module) for f in found] == [
        ("workflow/__init__.py", "workflow"),
        ("workflow/agents/__init__.py", "workflow.agents"),
        ("workflow/agents/flight.py", "workflow.agents.flight"),
        ("workflow/graph.py", "workflow.graph"),
    ]


def test_explicit_files_are_taken_even_without_py_suffix(tmp_path: Path) -> None:
    _touch(tmp_path, "tool", "a.py")
    found, _ = find_python_files(
        [tmp_path / "tool", tmp_path / "a.py", tmp_path], _everywhere(), cwd=tmp_path
    )
    assert [f.display for f in found] == ["a.py", "tool"]


@pytest.mark.parametrize("name", ["x.pyc", "x.pyi", "README.md"])
def test_walker_takes_only_py_files(tmp_path: Path, name: str) -> None:
    _touch(tmp_path, name)
    assert _displays(tmp_path) == []


def test_walker_ignores_special_files_and_dangling_links(tmp_path: Path) -> None:
    _touch(tmp_path, "a.py")
    os.mkfifo(tmp_path / "pipe.py")  # reading it would block forever
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    assert _displays(tmp_path) == ["a.py"]


def test_exclude_also_matches_paths_relative_to_the_working_directory(tmp_path: Path) -> None:
    _touch(tmp_path, "src/gen/models.py", "src/app.py")
    found, _ = find_python_files(
        [tmp_path / "src"], _everywhere(exclude=("src/gen",)), cwd=tmp_path
    )
    assert [f.display for f in found] == ["src/app.py"]


def test_each_directory_is_judged_by_its_own_options(tmp_path: Path) -> None:
    """A nested project's excludes are relative to its directory, and its files carry its
    options; the parent's options decide whether the nested directory is entered at all."""
    _touch(tmp_path, "top.py", "gen/x.py", "lib/gen/y.py", "lib/keep.py", "old/z.py")
    root, lib = tmp_path.resolve(), (tmp_path / "lib").resolve()
    top = Options(exclude=("old",), exclude_root=root)
    nested = Options(style="block", exclude=("gen",), exclude_root=lib)

    def options_for(directory: Path) -> Options:
        return nested if directory == lib or lib in directory.parents else top

    found, skipped = find_python_files([tmp_path], options_for, cwd=tmp_path)
    assert [(f.display, f.options.style) for f in found] == [
        ("gen/x.py", "auto"),  # "gen" is lib's exclude, not the top's
        ("lib/keep.py", "block"),
        ("top.py", "auto"),
    ]
    assert sorted(s.display for s in skipped) == ["lib/gen/", "old/"]
