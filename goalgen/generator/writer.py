"""Put rendered files on disk all at once, or list what would be written.

Files are written into a temporary folder next to the output folder and moved into place with
one rename, so a failure never leaves a half-written project. With ``force`` an existing output
folder is moved aside first and deleted only after the new one is in place. An existing empty
folder (for example the current one) is kept and the files are moved into it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from goalgen.generator.render import RenderedFile


class OutputError(Exception):
    """The output folder cannot be used as asked (not empty without --force, a file, ...)."""


@dataclass(frozen=True)
class WriteResult:
    out: Path
    files: int
    bytes: int
    replaced: bool


def check_output(out: Path, force: bool) -> bool:
    """Fail early when ``out`` cannot receive the project; returns whether it will be replaced."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder")
    if not out.exists() or not any(out.iterdir()):
        return False
    if not force:
        raise OutputError(f"{out} is not empty; use --force to replace it")
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise OutputError(f"refusing to replace {out}: it is the filesystem root or your home folder")
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        raise OutputError(f"refusing to replace {out}: it contains the current folder")
    return True


def write_project(files: list[RenderedFile], out: Path, force: bool = False) -> WriteResult:
    """Write ``files`` under ``out`` atomically (see module docstring)."""
    replaced = check_output(out, force)
    out = out.resolve()  # "." has no usable parent or name for the staging folder
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.goalgen-new-", dir=out.parent))
    try:
        for item in files:
            target = staging.joinpath(*item.path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.content)
            if item.executable:
                target.chmod(0o755)
        staging.chmod(0o755)  # mkdtemp makes it 0700; a project folder is normally readable
        _move_into_place(staging, out, replaced)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteResult(out, len(files), sum(f.size for f in files), replaced)


def _move_into_place(staging: Path, out: Path, replace: bool) -> None:
    if not out.exists():
        os.replace(staging, out)
        return
    if not replace:
        # An existing empty folder (maybe the current one) stays; the files move into it.
        moved = []
        try:
            for child in sorted(staging.iterdir()):
                os.replace(child, out / child.name)
                moved.append(out / child.name)
        except BaseException:
            for path in moved:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            raise
        staging.rmdir()
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.goalgen-old-", dir=out.parent))
    os.replace(out, old / out.name)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old / out.name, out)  # put the previous project back
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
