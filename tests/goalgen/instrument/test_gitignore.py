""".gitignore files as the walker applies them: git's precedence, from the repository root down."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from goalgen.instrument.files import find_python_files
from goalgen.instrument.gitignore import repository_root


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _found(paths: list[Path], cwd: Path, **kwargs) -> list[str]:
    found, _ = find_python_files(paths, cwd=cwd, **kwargs)
    return [f.display for f in found]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {".gitignore": "gen/\n", "app.py": "", "gen/models.py": "", "sub/gen/x.py": ""},
            ["app.py"],
            id="directory-pattern-anywhere",
        ),
        pytest.param(
            {".gitignore": "/gen/\n", "gen/models.py": "", "sub/gen/x.py": ""},
            ["sub/gen/x.py"],
            id="anchored-pattern-only-at-its-root",
        ),
        pytest.param(
            {".gitignore": "*_pb2.py\n!keep_pb2.py\n", "a_pb2.py": "", "keep_pb2.py": ""},
            ["keep_pb2.py"],
            id="negation-in-the-same-file",
        ),
        pytest.param(
            {".gitignore": "*_pb2.py\n", "api/.gitignore": "!*_pb2.py\n", "a_pb2.py": "",
             "api/b_pb2.py": ""},
            ["api/b_pb2.py"],
            id="nested-file-overrides-its-parent",
        ),
        pytest.param(
            {"api/.gitignore": "gen.py\n", "api/gen.py": "", "gen.py": ""},
            ["gen.py"],
            id="nested-file-speaks-only-for-its-subtree",
        ),
        pytest.param(
            {".gitignore": "out/\n!out/keep.py\n", "out/keep.py": ""},
            [],
            id="no-reinclusion-inside-an-ignored-directory",
        ),
        pytest.param(
            {".gitignore": "# a comment\n\n", "a.py": ""},
            ["a.py"],
            id="comments-and-blank-lines",
        ),
    ],
)
def test_gitignore_rules_follow_git(tmp_path: Path, files: dict[str, str], expected) -> None:
    root = _tree(tmp_path / "repo", files)
    (root / ".git").mkdir()
    assert _found([root], root) == expected


def test_gitignore_files_match_git_check_ignore(tmp_path: Path) -> None:
    """The walker and git agree on a mixed tree (a real repository, real git)."""
    root = _tree(
        tmp_path / "repo",
        {
            ".gitignore": "gen/\n*_pb2.py\n/scratch.py\n",
            "pkg/.gitignore": "!keep_pb2.py\nlocal_*.py\n",
            "pkg/keep_pb2.py": "",
            "pkg/other_pb2.py": "",
            "pkg/local_x.py": "",
            "pkg/scratch.py": "",
            "pkg/gen/a.py": "",
            "scratch.py": "",
            "main.py": "",
        },
    )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert _found([root], root) == sorted(p for p in listed if p.endswith(".py"))


def test_rules_above_the_walked_directory_apply_from_the_repository_root(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "repo",
        {".gitignore": "migrations/\n", "src/.gitignore": "*_gen.py\n",
         "src/app/migrations/m1.py": "", "src/app/x_gen.py": "", "src/app/views.py": ""},
    )
    (root / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert repository_root(root / "src" / "app") == root
    assert _found([root / "src" / "app"], root) == ["src/app/views.py"]


def test_rules_above_do_not_apply_outside_a_repository(tmp_path: Path) -> None:
    root = _tree(tmp_path / "plain", {".gitignore": "app/\n", "app/a.py": ""})
    if repository_root(root) is None:  # tmp inside a repository would rightly differ
        assert _found([root / "app"], root) == ["app/a.py"]
        assert _found([root], root) == []


def test_named_paths_are_taken_even_when_ignored(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "repo",
        {".gitignore": "gen/\nscratch.py\n", "gen/models.py": "", "scratch.py": "", "a.py": ""},
    )
    (root / ".git").mkdir()
    assert _found([root / "scratch.py", root / "gen"], root) == ["gen/models.py", "scratch.py"]
    assert _found([root], root) == ["a.py"]


def test_inside_a_named_ignored_directory_only_the_rules_below_it_count(tmp_path: Path) -> None:
    """``goalgen instrument .demo/travel`` where the repository ignores ``.demo/``: the rules of
    ``.demo/.gitignore`` (below the ignored directory) still apply, the ones above do not."""
    root = _tree(
        tmp_path / "repo",
        {".gitignore": ".demo/\n*_gen.py\n", ".demo/.gitignore": "scratch/\n",
         ".demo/travel/a_gen.py": "", ".demo/travel/scratch/x.py": "", ".demo/travel/app.py": ""},
    )
    (root / ".git").mkdir()
    assert _found([root / ".demo" / "travel"], root) == [
        ".demo/travel/a_gen.py",
        ".demo/travel/app.py",
    ]
    assert _found([root], root) == []


def test_ignored_paths_are_reported_once_each_and_can_be_walked(tmp_path: Path) -> None:
    root = _tree(
        tmp_path / "repo",
        {".gitignore": "gen/\n*_pb2.py\nnotes.txt\n", "gen/a.py": "", "gen/b.py": "",
         "x_pb2.py": "", "notes.txt": "", "a.py": ""},
    )
    (root / ".git").mkdir()
    found, skipped = find_python_files([root], cwd=root)
    assert [f.display for f in found] == ["a.py"]
    assert [(s.display, s.reason) for s in skipped] == [
        ("gen/", "gitignored"),
        ("x_pb2.py", "gitignored"),
    ]
    assert _found([root], root, gitignore=False) == ["a.py", "gen/a.py", "gen/b.py", "x_pb2.py"]


def test_a_changed_gitignore_is_seen_by_the_next_walk(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo", {".gitignore": "b.py\n", "a/a.py": "", "a/b.py": ""})
    (root / ".git").mkdir()
    assert _found([root / "a", root], root) == ["a/a.py"]
    (root / ".gitignore").write_text("a.py\n")
    assert _found([root / "a", root], root) == ["a/b.py"]
