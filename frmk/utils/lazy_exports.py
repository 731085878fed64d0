"""A package's public names loaded on first use (PEP 562 ``__getattr__``).

``frmk.bot`` and ``frmk.testing`` re-export names from submodules whose imports are heavy or
SDK-specific (aiohttp, botbuilder, the Agents SDK); a project importing one of them pays only
for the names it touches.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` for ``package``: ``exports`` maps each name to its module."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
