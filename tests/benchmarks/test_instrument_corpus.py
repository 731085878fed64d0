"""The corpus helper on tiny sdists built in tmp: which members are kept, line counts, reuse.

No network: every sdist is already in the download dir, which is what a second run sees.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from benchmarks.instrument_corpus import (
    CorpusError,
    Sdist,
    build_corpus,
    count_python,
    download_sdist,
    extract,
    sdist_names,
)


def make_sdist(path: Path, files: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    """A .tar.gz holding ``files`` (member name -> content) and symlinks (name -> target)."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_extract_keeps_only_regular_files_under_the_chosen_folders(tmp_path: Path) -> None:
    sdist = make_sdist(
        tmp_path / "demo-1.0.tar.gz",
        {
            "demo-1.0/docs_src/a.py": b"x = 1\n",
            "demo-1.0/docs_src/sub/b.py": b"y = 2\n",
            "demo-1.0/docs_src/data.json": b"{}",
            "demo-1.0/docs_srcx/c.py": b"no\n",
            "demo-1.0/README.md": b"no\n",
            "demo-1.0/docs_src/../../evil.py": b"no\n",
            "/abs/docs_src/evil.py": b"no\n",
            "docs_src": b"no\n",
        },
        links={"demo-1.0/docs_src/link.py": "/etc/passwd"},
    )
    dest = tmp_path / "out"
    extract(sdist, ["docs_src"], dest)
    assert tree(dest) == {
        "docs_src/a.py": b"x = 1\n",
        "docs_src/sub/b.py": b"y = 2\n",
        "docs_src/data.json": b"{}",
    }
    assert not (tmp_path / "evil.py").exists()


def test_extract_names_a_broken_archive(tmp_path: Path) -> None:
    broken = tmp_path / "broken-1.0.tar.gz"
    broken.write_bytes(b"not a tar")
    with pytest.raises(CorpusError, match="cannot unpack"):
        extract(broken, ["docs_src"], tmp_path / "out")


def test_count_python_counts_py_files_and_a_last_line_without_newline(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "a.py").write_bytes(b"a = 1\nb = 2\n")
    (tmp_path / "pkg" / "b.py").write_bytes(b"c = 3")
    (tmp_path / "pkg" / "empty.py").write_bytes(b"")
    (tmp_path / "notes.txt").write_bytes(b"1\n2\n3\n")
    assert count_python(tmp_path) == (3, 3)


@pytest.mark.parametrize(
    ("requirement", "names"),
    [
        pytest.param("langgraph==1.2.22", ["langgraph-1.2.22.tar.gz"], id="plain"),
        pytest.param(
            "Foo.Bar-baz == 2.0",
            ["foo_bar_baz-2.0.tar.gz", "Foo.Bar-baz-2.0.tar.gz"],
            id="normalized-and-as-given",
        ),
    ],
)
def test_sdist_names(requirement: str, names: list[str]) -> None:
    assert sdist_names(requirement) == names


@pytest.mark.parametrize(
    "requirement",
    [
        pytest.param("langgraph", id="unpinned"),
        pytest.param("langgraph>=1.0", id="range"),
    ],
)
def test_sdist_names_rejects_an_unpinned_requirement(requirement: str) -> None:
    with pytest.raises(CorpusError, match="not a pinned requirement"):
        sdist_names(requirement)


def test_download_reuses_an_sdist_already_there(tmp_path: Path) -> None:
    present = make_sdist(tmp_path / "demo-1.0.tar.gz", {"demo-1.0/x.py": b""})
    assert download_sdist("demo==1.0", tmp_path) == present


def test_build_corpus_unpacks_each_sdist_then_reuses_the_result(tmp_path: Path) -> None:
    (tmp_path / "dl").mkdir()
    make_sdist(tmp_path / "dl" / "docs-1.0.tar.gz", {"docs-1.0/docs_src/a.py": b"a\nb\n"})
    make_sdist(
        tmp_path / "dl" / "lib-2.0.tar.gz",
        {"lib-2.0/lib/m.py": b"m\n", "lib-2.0/tests/t.py": b"t\n", "lib-2.0/bench/x.py": b"x\n"},
    )
    sources = (Sdist("docs", "1.0", ("docs_src",)), Sdist("lib", "2.0", ("lib", "tests")))

    corpus = build_corpus(tmp_path, sources)
    assert (corpus.path, corpus.files, corpus.lines) == (tmp_path / "corpus", 3, 4)
    assert sorted(p for p in tree(corpus.path) if p.endswith(".py")) == [
        "docs-1.0/docs_src/a.py",
        "lib-2.0/lib/m.py",
        "lib-2.0/tests/t.py",
    ]

    (corpus.path / "lib-2.0" / "lib" / "added.py").write_bytes(b"kept\n")
    assert build_corpus(tmp_path, sources).files == 4  # same sources: reused, not rebuilt
    assert build_corpus(tmp_path, sources[:1]).files == 1  # other sources: rebuilt
