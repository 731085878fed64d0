"""isort's sections and order, under the target project's settings.

``instrument`` reads the settings from the project's ruff or isort configuration into an
:class:`ImportStyle`; the codemods only get this record, so they stay free of I/O. The defaults
are ruff's (and isort's). ``goalgen.codemods.import_edits`` uses the sections and sort keys here to put
a runtime import where ``ruff check --select I`` and ``isort --check`` want it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
_STDLIB = frozenset(sys.stdlib_module_names)
_NATURAL = re.compile(r"[0-9]+|.", re.DOTALL)


@dataclass(frozen=True)
class ImportStyle:
    """isort settings that move an import line.

    ``known_first_party`` / ``known_third_party``: module names or glob patterns (``app``,
    ``app.models``, ``app_*``) that override the standard library and the project index.
    ``force_sort_within_sections``: ``import x`` and ``from x import y`` sorted together by
    module. ``force_single_line``: one imported name per ``from`` line. ``lines_after_imports``:
    blank lines under the import block; ``None`` is isort's automatic one (two above a def or
    class, else one).
    """

    known_first_party: frozenset[str] = frozenset()
    known_third_party: frozenset[str] = frozenset()
    force_sort_within_sections: bool = False
    force_single_line: bool = False
    lines_after_imports: int | None = None

    def known_party(self, module: str) -> Literal["first", "third"] | None:
        """Which ``known-*`` list claims ``module``: the longest matching dotted prefix wins,
        first-party before third-party at the same length (as isort and ruff decide)."""
        if not (self.known_first_party or self.known_third_party):
            return None
        parts = module.split(".")
        for n in range(len(parts), 0, -1):
            prefix = ".".join(parts[:n])
            if any(fnmatchcase(prefix, p) for p in self.known_first_party):
                return "first"
            if any(fnmatchcase(prefix, p) for p in self.known_third_party):
                return "third"
        return None


DEFAULT_STYLE = ImportStyle()


def natural(text: str) -> tuple[tuple[int, int], ...]:
    """ruff's natural order: runs of digits compare as numbers, other characters by code."""
    return tuple(
        (0x30, int(tok)) if tok[0] in "0123456789" else (ord(tok), 0)
        for tok in _NATURAL.findall(text)
    )


def name_key(name: str) -> tuple:
    """Case-insensitive first (ruff's default ``case-sensitive = false``), then exact."""
    return (natural(name.lower()), natural(name))


def member_key(name: str) -> tuple:
    """Order of names in one ``from`` import (ruff's ``order-by-type``): CONSTANTS, Classes,
    then everything else, each case-insensitively: ``CONST, TraceSpan, trace_span``."""
    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return (kind, *name_key(name))


def import_section(
    module: str,
    level: int = 0,
    first_party: Collection[str] | None = None,
    style: ImportStyle = DEFAULT_STYLE,
) -> int:
    """isort section of ``import module`` / ``from <level dots>module import ...``.

    ``first_party``: top-level names of the project's own modules; without it every absolute
    import that is not the standard library's counts as third-party. The ``known-*`` lists of
    ``style`` win over both, as in ruff and isort.
    """
    if level:
        return LOCAL
    top = module.partition(".")[0]
    if top == "__future__":
        return FUTURE
    known = style.known_party(module)
    if known is not None:
        return FIRST_PARTY if known == "first" else THIRD_PARTY
    if top in _STDLIB:
        return STDLIB
    if first_party and top in first_party:
        return FIRST_PARTY
    return THIRD_PARTY


def order_key(style: ImportStyle, is_from: bool, module: str, first: tuple) -> tuple:
    """Order within a section: ``import x`` lines, then ``from x import y`` lines, each by
    module and then by ``first`` (the first name's key); with ``force_sort_within_sections``
    by module only, ``import x`` first at a tie."""
    if style.force_sort_within_sections:
        return (*name_key(module), is_from, first)
    return (is_from, *name_key(module), first)
