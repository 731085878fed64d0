"""Shared helpers for the codemod tests: run on dedented source, check the round trips."""

from __future__ import annotations

import contextlib
import importlib
import sys
import textwrap
from collections.abc import Mapping

from goalgen.codemods import KINDS, ProjectIndex, Rewrite, build_index, rewrite


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def run(
    code: str,
    *,
    module: str = "app.main",
    others: Mapping[str, str] | None = None,
    kinds=KINDS,
    style: str = "auto",
) -> Rewrite:
    index = build_index({**(others or {}), module: code})
    return rewrite(code, module=module, index=index, kinds=kinds, style=style)


def remove(code: str, module: str = "app.main") -> Rewrite:
    return rewrite(code, module=module, index=ProjectIndex(), remove=True)


def check(before: str, after: str, **kwargs) -> Rewrite:
    """``before`` becomes ``after``; a second run changes nothing; remove gives ``before``."""
    before, after = dedent(before), dedent(after)
    result = run(before, **kwargs)
    assert result.code == after
    again = run(result.code, **kwargs)
    assert again.code == result.code
    assert not again.changed_targets
    assert remove(result.code, kwargs.get("module", "app.main")).code == before
    return result


def check_noop(code: str, **kwargs) -> Rewrite:
    """Nothing to add, and nothing to remove either (tracing written by hand stays)."""
    code = dedent(code)
    result = run(code, **kwargs)
    assert result.code == code
    assert not result.changed_targets
    assert remove(code, kwargs.get("module", "app.main")).code == code
    return result


def actions(result: Rewrite) -> list[tuple[str, str, str]]:
    return [(t.kind, t.span or t.name, t.action) for t in result.targets]


def assert_check_then_remove_restores(project, traced, style: str, scratch) -> None:
    """On a copy of the instrumented project ``traced``: ``--check`` finds nothing left to do,
    and ``--remove`` gives back every ``.py`` file of the original ``project`` byte for byte."""
    import shutil

    from goalgen.cli import main as goalgen_main

    shutil.copytree(traced, scratch, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    args = ["--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(["instrument", str(scratch), "--check", "--style", style, *args]) == 0
    assert goalgen_main(["instrument", str(scratch), "--remove", *args]) == 0
    for original in project.rglob("*.py"):
        restored = scratch / original.relative_to(project)
        assert restored.read_bytes() == original.read_bytes(), original.name


def copy_project(project, dest):
    """Copy a fixture project's files (no bytecode) to ``dest``; return ``dest``."""
    import shutil

    shutil.copytree(project, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def instrumented_copies(project, base, style: str):
    """(plain copy, copy instrumented by the real CLI in ``style``) of ``project`` under ``base``."""
    from goalgen.cli import main as goalgen_main

    plain = copy_project(project, base / "plain")
    traced = copy_project(project, base / "traced")
    args = ["instrument", str(traced), "--style", style, "--no-cache", "--jobs", "1", "--no-color"]
    assert goalgen_main(args) == 0
    return plain, traced


@contextlib.contextmanager
def package_from(root, package: str):
    """Put ``root`` first on sys.path and yield ``load(name)`` importing ``package.name`` from it;
    afterwards the package is forgotten, so the next copy imports fresh."""

    def forget() -> None:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]

    forget()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield lambda name: importlib.import_module(f"{package}.{name}")
    finally:
        sys.path.remove(str(root))
        forget()


def assert_default_style_writes_decorator_style(project, traced, scratch) -> None:
    """Instrumenting a fresh copy of ``project`` with no --style writes exactly the files of
    ``traced`` (instrumented with ``--style decorator``)."""
    from goalgen.cli import main as goalgen_main

    default = copy_project(project, scratch)
    assert goalgen_main(["instrument", str(default), "--no-cache", "--jobs", "1"]) == 0
    for path in traced.rglob("*.py"):
        assert (default / path.relative_to(traced)).read_bytes() == path.read_bytes(), path.name
