"""The runtime wheel a generated project vendors: ``vendor/goalgen_runtime-<version>-py3-none-any.whl``.

A generated project installs the runtime (``frmk``) from this file, so ``pip install -r
requirements.txt`` works on a fresh machine whichever way GoalGen itself was installed: from an
index, a wheel or a source checkout. The wheel is built here, by hand, from the files of the
``frmk`` package that is imported (found through ``frmk.__file__``: an editable install, a wheel
and an index install all have one) and the metadata of the installed ``goalgen-runtime``
distribution (name, version, Requires-Python, Requires-Dist, Provides-Extra). Building it with
setuptools instead would need the source tree and a build environment, which an installed
GoalGen has neither of.

A wheel is a zip of the package plus ``<name>-<version>.dist-info/`` holding ``METADATA``,
``WHEEL`` and ``RECORD`` (each file's sha256 in urlsafe base64 without padding, and its size).
Entries are sorted, timestamps fixed and caches (``__pycache__``, ``.pyc``) left out, so the same
runtime always gives the same bytes and regenerating a project changes nothing.

A source checkout run without installing it (``PYTHONPATH`` only) has no distribution metadata;
the metadata is then read from ``runtime/pyproject.toml`` beside the ``frmk`` folder.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

import frmk

DISTRIBUTION = "goalgen-runtime"
TAG = "py3-none-any"
# zip entries need a date; the earliest a zip can hold, as most reproducible builds use
EPOCH = (1980, 1, 1, 0, 0, 0)
_EXTRA_MARKER = re.compile(r"""^extra\s*==\s*["']([^"']+)["']$""")


class RuntimeMetadataError(Exception):
    """The runtime's distribution metadata cannot be found (neither installed nor in a checkout)."""


@dataclass(frozen=True)
class RuntimeMetadata:
    """What a wheel's METADATA says about the runtime; ``requires_dist`` as written there
    (``"fastapi>=0.110; extra == \\"api\\""``)."""

    name: str
    version: str
    summary: str
    requires_python: str
    requires_dist: tuple[str, ...]
    extras: tuple[str, ...]

    @property
    def filename(self) -> str:
        """The wheel's file name, e.g. ``goalgen_runtime-0.1.0-py3-none-any.whl``."""
        return f"{_normalized(self.name)}-{self.version}-{TAG}.whl"

    def requires(self, extra: str) -> list[str]:
        """The requirements the runtime's ``extra`` adds (``fastapi>=0.110``), in order."""
        if extra not in self.extras:
            raise KeyError(f"{self.name} has no extra {extra!r}")
        found = []
        for line in self.requires_dist:
            requirement, _, marker = line.partition(";")
            matched = _EXTRA_MARKER.match(marker.strip())
            if matched and matched.group(1) == extra:
                found.append(requirement.strip())
        return found


def runtime_metadata() -> RuntimeMetadata:
    """The installed ``goalgen-runtime``'s metadata, else the checkout's runtime/pyproject.toml."""
    try:
        found = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return checkout_metadata(Path(frmk.__file__).resolve().parent.parent)
    return RuntimeMetadata(
        name=found["Name"],
        version=found["Version"],
        summary=found.get("Summary") or "",
        requires_python=found.get("Requires-Python") or "",
        requires_dist=tuple(found.get_all("Requires-Dist") or ()),
        extras=tuple(found.get_all("Provides-Extra") or ()),
    )


def checkout_metadata(root: Path) -> RuntimeMetadata:
    """The runtime's metadata as ``root/runtime/pyproject.toml`` (a GoalGen checkout) declares it."""
    pyproject = root / "runtime" / "pyproject.toml"
    if not pyproject.is_file():
        raise RuntimeMetadataError(
            f"{DISTRIBUTION} is not installed and {pyproject} does not exist: "
            f"pip install {DISTRIBUTION} (or `make install` in a GoalGen checkout)"
        )
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise RuntimeMetadataError(
                f"{DISTRIBUTION} is not installed, and reading {pyproject} needs Python 3.11+ "
                "or tomli: pip install -e ./runtime"
            ) from None
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return RuntimeMetadata(
        name=project["name"],
        version=project["version"],
        summary=project.get("description", ""),
        requires_python=project.get("requires-python", ""),
        requires_dist=(
            *project.get("dependencies", ()),
            *(f'{req}; extra == "{extra}"' for extra, reqs in extras.items() for req in reqs),
        ),
        extras=tuple(extras),
    )


def build_runtime_wheel(
    package: Path | None = None, meta: RuntimeMetadata | None = None
) -> tuple[str, bytes]:
    """The runtime wheel's file name and bytes, built from ``package`` (default: the imported
    ``frmk``'s folder) and ``meta`` (default: :func:`runtime_metadata`)."""
    package = package or Path(frmk.__file__).resolve().parent
    meta = meta or runtime_metadata()
    files = [
        (PurePosixPath(package.name, *path.relative_to(package).parts).as_posix(), path.read_bytes())
        for path in sorted(package.rglob("*"))
        if path.is_file() and _shipped(path.relative_to(package))
    ]
    info = f"{_normalized(meta.name)}-{meta.version}.dist-info"
    files += [
        (f"{info}/METADATA", _metadata_text(meta).encode("utf-8")),
        (f"{info}/WHEEL", _wheel_text().encode("utf-8")),
        (f"{info}/top_level.txt", f"{package.name}\n".encode()),
    ]
    files.sort()
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in files)
    files.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode("utf-8")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            entry = zipfile.ZipInfo(name, date_time=EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return meta.filename, buffer.getvalue()


def _shipped(relative: Path) -> bool:
    """Whether a file under the package belongs in the wheel: no caches, no hidden files."""
    if any(part == "__pycache__" or part.startswith(".") for part in relative.parts):
        return False
    return relative.suffix not in (".pyc", ".pyo")


def _metadata_text(meta: RuntimeMetadata) -> str:
    """METADATA, one ``Key: value`` line per field (values are single lines, never folded)."""
    fields = [("Metadata-Version", "2.1"), ("Name", meta.name), ("Version", meta.version)]
    fields += [("Summary", meta.summary)] if meta.summary else []
    fields += [("Requires-Python", meta.requires_python)] if meta.requires_python else []
    fields += [("Provides-Extra", extra) for extra in meta.extras]
    fields += [("Requires-Dist", requirement) for requirement in meta.requires_dist]
    return "".join(f"{key}: {value}\n" for key, value in fields)


def _wheel_text() -> str:
    return f"Wheel-Version: 1.0\nGenerator: goalgen\nRoot-Is-Purelib: true\nTag: {TAG}\n"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _normalized(name: str) -> str:
    """A distribution name as wheel file names write it (``goalgen-runtime`` -> ``goalgen_runtime``)."""
    return re.sub(r"[-_.]+", "_", name).lower()
