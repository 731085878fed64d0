"""The --dry-run patch applies with real ``git apply`` and reproduces the new bytes exactly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from goalgen.instrument.diff import split_lines, unified_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CASES = {
    "lf": (
        b"import os\n\ndef f():\n    return 1\n",
        b"import os\n\n@deco\ndef f():\n    return 1\n",
    ),
    "crlf": (b"def f():\r\n    return 1\r\n", b"@deco\r\ndef f():\r\n    return 1\r\n"),
    "no-newline-at-end": (b"def f():\n    return 1", b"@deco\ndef f():\n    return 1"),
    "newline-added-at-end": (b"a = 1", b"a = 1\n"),
    "latin1": (
        b"# coding: latin-1\ns = 'caf\xe9'\ndef f(): pass\n",
        b"# coding: latin-1\ns = 'caf\xe9'\n@deco\ndef f(): pass\n",
    ),
    "bom": (b"\xef\xbb\xbfdef f(): pass\n", b"\xef\xbb\xbf@deco\ndef f(): pass\n"),
    "lines-looking-like-headers": (b"x = 1\n-- = 2\n++ = 3\n", b"x = 1\n"),
    "long-file-two-hunks": (
        b"".join(b"line%d = %d\n" % (i, i) for i in range(40)),
        b"".join(b"line%d = %d\n" % (i, i) for i in range(40) if i not in (3, 30)),
    ),
}


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, input=stdin, capture_output=True)


@pytest.mark.parametrize(("old", "new"), list(CASES.values()), ids=list(CASES))
def test_patch_applies_with_git_apply(tmp_path: Path, old: bytes, new: bytes) -> None:
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    _git(repo, "init", "-q")
    target = repo / "pkg" / "mod.py"
    target.write_bytes(old)
    patch = unified_diff(old, new, "pkg/mod.py")
    assert patch.startswith(
        b"diff --git a/pkg/mod.py b/pkg/mod.py\n--- a/pkg/mod.py\n+++ b/pkg/mod.py\n"
    )
    check = _git(repo, "apply", "--check", "-", stdin=patch)
    assert check.returncode == 0, check.stderr.decode()
    assert _git(repo, "apply", "-", stdin=patch).returncode == 0
    assert target.read_bytes() == new


def test_equal_contents_give_no_patch() -> None:
    assert unified_diff(b"a\n", b"a\n", "x.py") == b""


def test_lines_split_on_newline_only() -> None:
    assert split_lines(b"a\r\nb\rc\nd") == [b"a\r\n", b"b\rc\n", b"d"]
    assert split_lines(b"") == []
