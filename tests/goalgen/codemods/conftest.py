"""Make ``codemod_cases`` (shared helpers next to this file) importable under importlib mode."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


import pytest  # noqa: E402


@pytest.fixture
def spans():
    """Finished spans (record dicts), collected in memory while the test runs."""
    from frmk.utils.tracing import MemorySink, configure

    sink = MemorySink()
    configure(output=sink, enabled=True, sample_rate=1.0)
    try:
        yield sink.records
    finally:
        configure(output="none")


@pytest.fixture
def load(tmp_path, monkeypatch):
    """Write ``{dotted module: source}`` under tmp_path and import one of them."""
    import importlib

    created: list[str] = []

    def _load(files: dict[str, str], name: str):
        for module, code in files.items():
            path = tmp_path.joinpath(*module.split(".")).with_suffix(".py")
            path.parent.mkdir(parents=True, exist_ok=True)
            for parent in path.relative_to(tmp_path).parents:
                if str(parent) != ".":
                    (tmp_path / parent / "__init__.py").touch()
            path.write_text(code, encoding="utf-8")
            created.append(module)
        monkeypatch.syspath_prepend(str(tmp_path))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield _load
    for module in list(sys.modules):
        if any(
            module == c or module.startswith(c.split(".")[0] + ".") or module == c.split(".")[0]
            for c in created
        ):
            sys.modules.pop(module, None)
