"""The one file walker of ``goalgen instrument``: which ``*.py`` files to look at, and their
module names.

Directories that never hold project code (``.git``, virtualenvs, caches, build output,
``node_modules``, ``site-packages``) are skipped, symlinks that leave the tree are not followed,
and ``exclude`` globs skip files and whole directories. Module names follow
pytest's rule: the package root of a file is the nearest directory above it without an
``__init__.py``, so ``tests/test_x.py`` in a package ``tests`` becomes ``tests.test_x``.
Each directory's files and subdirectories are judged by the options for that directory (a
nested project's pyproject.toml may set its own): globs from the command line match paths
relative to the given PATH or to the working directory, a pyproject.toml's relative to its own
directory. Each file found carries the options it is to be rewritten with. Paths the project's
``.gitignore`` files ignore are skipped too (see ``goalgen.instrument.gitignore``), unless
``gitignore=False``; a file named explicitly is always taken, ignored or not.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from goalgen.instrument.gitignore import GitIgnores, Layers, is_ignored
from goalgen.instrument.options import Options

SKIP_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "__pycache__",
        "node_modules",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".eggs",
        "site-packages",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)


@dataclass(frozen=True)
class FoundFile:
    """A Python file to process: where it is, how to show it, its dotted module name, and the
    options for its directory."""

    path: Path  # absolute, symlinks resolved (this is the file that gets written)
    display: str  # path relative to the working directory, posix style (used in diffs)
    module: str
    options: Options


@dataclass(frozen=True)
class SkippedPath:
    """Something the walker left out on purpose, with the reason."""

    display: str
    reason: str


def split_globs(values: Iterable[str]) -> tuple[str, ...]:
    """Flatten repeatable and comma-separated glob options into one tuple."""
    globs: list[str] = []
    for value in values:
        globs.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(globs)


def is_excluded(relative: str, globs: Sequence[str]) -> bool:
    """True when a relative posix path, or any of its parent directories, matches a glob."""
    if not globs:
        return False
    pure = PurePosixPath(relative)
    candidates = [relative, *(str(parent) for parent in pure.parents if str(parent) != ".")]
    for glob in globs:
        pattern = glob.rstrip("/")
        for candidate in candidates:
            if fnmatch.fnmatchcase(candidate, pattern) or pure.match(pattern):
                return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in pure.parts):
            return True
    return False


def _excluded(relative: str, path: Path, cwd: Path, options: Options) -> bool:
    """Globs match the path relative to ``options.exclude_root``, or when that is None, relative
    to the given PATH or to the working directory."""
    globs = options.exclude
    if not globs:
        return False
    if options.exclude_root is not None:
        return is_excluded(path.relative_to(options.exclude_root).as_posix(), globs)
    return is_excluded(relative, globs) or is_excluded(_display(path, cwd), globs)


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def _display(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, cwd)).as_posix()


def module_name(path: Path) -> str:
    """Dotted module name of ``path`` from the nearest directory above without ``__init__.py``."""
    parts = [path.stem] if path.stem != "__init__" else []
    directory = path.parent
    while (directory / "__init__.py").is_file() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    return ".".join(parts) or path.parent.name


OptionsFor = Callable[[Path], Options]


def find_python_files(
    paths: Sequence[Path],
    options_for: OptionsFor | None = None,
    cwd: Path | None = None,
    gitignore: bool = True,
) -> tuple[list[FoundFile], list[SkippedPath]]:
    """Walk ``paths`` (files or directories) and return the ``*.py`` files to process, in a
    stable order, plus the paths skipped for a reason worth telling the user.

    ``options_for(directory)`` (a resolved path) gives the options for what is in it (default:
    the built-in options everywhere).
    """
    if options_for is None:
        defaults = Options()
        options_for = lambda _directory: defaults  # noqa: E731
    cwd = (cwd or Path.cwd()).resolve()
    found: dict[Path, FoundFile] = {}
    skipped: list[SkippedPath] = []
    ignores = GitIgnores() if gitignore else None
    for given in paths:
        given_abs = (cwd / given).absolute()
        if given_abs.is_file() or not given_abs.exists():
            real = given_abs.resolve()
            if real not in found:
                options = options_for(real.parent)
                found[real] = FoundFile(
                    real, _display(given_abs, cwd), module_name(given_abs), options
                )
            continue
        root = given_abs.resolve()
        for file_path, options in _walk(root, options_for, skipped, cwd, ignores):
            real = file_path.resolve()
            if real not in found:
                found[real] = FoundFile(
                    real, _display(file_path, cwd), module_name(file_path), options
                )
    return sorted(found.values(), key=lambda f: f.display), skipped


def _walk(
    root: Path,
    options_for: OptionsFor,
    skipped: list[SkippedPath],
    cwd: Path,
    ignores: GitIgnores | None,
):
    """Yield ``(path, options)`` for the ``*.py`` files under ``root`` (a resolved directory),
    depth first, sorted."""
    stack: list[tuple[Path, Layers]] = [(root, ignores.above(root) if ignores else ())]
    while stack:
        directory, layers = stack.pop()
        options = options_for(directory)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(SkippedPath(_display(directory, cwd), f"unreadable: {exc.strerror}"))
            continue
        if ignores is not None:
            layers = ignores.enter(layers, str(directory))
        subdirs: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            relative = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if entry.is_symlink():
                target = path.resolve()
                if target != root and root not in target.parents:
                    skipped.append(SkippedPath(_display(path, cwd), "symlink out of the tree"))
                    continue
                if is_dir:
                    continue  # a link back into the tree: its files are reached directly
            if is_dir:
                if entry.name in SKIP_DIRS or _is_virtualenv(path):
                    continue
                if _excluded(relative, path, cwd, options):
                    skipped.append(SkippedPath(_display(path, cwd) + "/", "excluded"))
                    continue
                if layers and is_ignored(layers, entry.path, is_dir=True):
                    skipped.append(SkippedPath(_display(path, cwd) + "/", "gitignored"))
                    continue
                subdirs.append(path)
            elif entry.name.endswith(".py") and entry.is_file():  # not a FIFO, socket, ...
                if _excluded(relative, path, cwd, options):
                    skipped.append(SkippedPath(_display(path, cwd), "excluded"))
                    continue
                if layers and is_ignored(layers, entry.path, is_dir=False):
                    skipped.append(SkippedPath(_display(path, cwd), "gitignored"))
                    continue
                yield path, options
        stack.extend((subdir, layers) for subdir in reversed(subdirs))
