"""The real-code corpus for ``bench_instrument.py``: FastAPI's ``docs_src/`` plus LangGraph's
package and tests, about 110k lines, unpacked from their sdists.

Sdists come from PyPI through ``pip download`` (the only network used) and are kept, like the
unpacked corpus, under ``.bench/`` in the repository, so later runs need no network at all.
``download_sdist`` is also what ``scripts/realworld_langgraph.sh`` calls, so there is one
download step for both.

Run: ``python benchmarks/instrument_corpus.py build`` (prints files and lines), or
``python benchmarks/instrument_corpus.py download langgraph==1.2.22 DEST`` (prints the path).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOME = ROOT / ".bench"


@dataclass(frozen=True)
class Sdist:
    """One pinned sdist and the top-level folders of it that go into the corpus."""

    name: str
    version: str
    folders: tuple[str, ...]

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    @property
    def folder(self) -> str:
        """Where its part of the corpus goes, e.g. ``langgraph-1.2.22``."""
        return f"{self.name}-{self.version}"


SOURCES = (
    Sdist("fastapi", "0.165.0", ("docs_src",)),
    Sdist("langgraph", "1.2.22", ("langgraph", "tests")),
)


@dataclass(frozen=True)
class Corpus:
    path: Path
    files: int  # .py files
    lines: int  # lines in those files


class CorpusError(Exception):
    """The corpus cannot be built (no network, no such sdist, broken archive); one line."""


def sdist_names(requirement: str) -> list[str]:
    """The file names ``name==version`` may have as an sdist: PEP 625 normalized and as given."""
    match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s=]+)\s*", requirement)
    if not match:
        raise CorpusError(f"not a pinned requirement (name==version): {requirement!r}")
    name, version = match.groups()
    normalized = re.sub(r"[-_.]+", "_", name).lower()
    return list(dict.fromkeys(f"{n}-{version}.tar.gz" for n in (normalized, name)))


def download_sdist(requirement: str, dest: Path) -> Path:
    """The sdist of ``requirement`` (``name==version``) in ``dest``; downloaded with pip unless
    it is there already. Raises ``CorpusError`` when pip gives no .tar.gz."""
    names = sdist_names(requirement)
    for name in names:
        if (dest / name).is_file():
            return dest / name
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".download-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                   "--no-binary", ":all:", "--disable-pip-version-check", requirement, "-d", tmp]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise CorpusError(f"pip download {requirement} failed: {tail[0]}")
        saved = sorted(Path(tmp).iterdir())
        if len(saved) != 1 or not saved[0].name.endswith(".tar.gz"):
            got = ", ".join(p.name for p in saved) or "nothing"
            raise CorpusError(f"pip download {requirement} gave {got}, not one .tar.gz sdist")
        return Path(shutil.move(str(saved[0]), dest / saved[0].name))


def selected_members(
    archive: tarfile.TarFile, folders: Sequence[str]
) -> Iterator[tuple[tarfile.TarInfo, PurePosixPath]]:
    """Regular files under ``<sdist root>/<one of folders>/``, with their path below the root.

    Links, devices, absolute paths and ``..`` parts are left out, so nothing lands outside
    the destination whatever the archive holds.
    """
    for member in archive:
        parts = PurePosixPath(member.name).parts
        if not member.isfile() or member.name.startswith("/") or ".." in parts:
            continue
        if len(parts) > 2 and parts[1] in folders:
            yield member, PurePosixPath(*parts[1:])


def extract(sdist: Path, folders: Sequence[str], dest: Path) -> None:
    """Unpack the selected folders of ``sdist`` into ``dest`` (without the sdist's root dir)."""
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            for member, relative in selected_members(archive, folders):
                target = dest.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None  # a regular file always has content
                with source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CorpusError(f"cannot unpack {sdist}: {exc}") from None


def count_python(path: Path) -> tuple[int, int]:
    """(.py files, lines in them) under ``path``; a last line without newline counts."""
    files = lines = 0
    for file in path.rglob("*.py"):
        data = file.read_bytes()
        files += 1
        lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return files, lines


def build_corpus(home: Path = DEFAULT_HOME, sources: Sequence[Sdist] = SOURCES) -> Corpus:
    """The corpus in ``home/corpus``: reused when built from the same ``sources``, otherwise
    unpacked afresh from the sdists in ``home/dl`` (downloaded when missing)."""
    corpus = home / "corpus"
    stamp = corpus / ".sources"
    wanted = "".join(f"{s.requirement} {','.join(s.folders)}\n" for s in sources)
    if not (stamp.is_file() and stamp.read_text("utf-8") == wanted):
        sdists = [download_sdist(s.requirement, home / "dl") for s in sources]
        building = home / "corpus.partial"
        shutil.rmtree(building, ignore_errors=True)
        for source, sdist in zip(sources, sdists, strict=True):
            extract(sdist, source.folders, building / source.folder)
        (building / ".sources").write_text(wanted, "utf-8")
        shutil.rmtree(corpus, ignore_errors=True)
        building.rename(corpus)
    files, lines = count_python(corpus)
    return Corpus(corpus, files, lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build (or reuse) the corpus; print its size")
    build.add_argument("--home", type=Path, default=DEFAULT_HOME, help="default: .bench/")
    download = commands.add_parser("download", help="download one sdist; print its path")
    download.add_argument("requirement", help="name==version")
    download.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "download":
            print(download_sdist(args.requirement, args.dest))
        else:
            corpus = build_corpus(args.home)
            print(f"{corpus.path}: {corpus.files} files, {corpus.lines} lines")
    except CorpusError as exc:
        print(f"instrument_corpus: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
