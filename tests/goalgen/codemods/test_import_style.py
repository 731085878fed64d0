"""isort's sections and order under a project's settings (``goalgen.codemods.import_style``)."""

from __future__ import annotations

import pytest

from goalgen.codemods.import_style import (
    FIRST_PARTY,
    FUTURE,
    LOCAL,
    STDLIB,
    THIRD_PARTY,
    ImportStyle,
    import_section,
    member_key,
    order_key,
)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["trace_span", "TraceSpan", "TRACE_ID", "add_trace_metadata"],
            ["TRACE_ID", "TraceSpan", "add_trace_metadata", "trace_span"],
        ),
        (["b10", "b9", "B1", "a"], ["B1", "a", "b9", "b10"]),
    ],
    ids=["constants-classes-functions", "natural-case-insensitive"],
)
def test_member_order_is_ruffs(names: list[str], expected: list[str]) -> None:
    assert sorted(names, key=member_key) == expected


@pytest.mark.parametrize(
    ("module", "level", "section"),
    [
        ("__future__", 0, FUTURE),
        ("collections.abc", 0, STDLIB),
        ("httpx", 0, THIRD_PARTY),
        ("app.models", 0, FIRST_PARTY),
        ("models", 1, LOCAL),
        ("", 2, LOCAL),
    ],
    ids=["future", "stdlib", "third-party", "first-party", "relative", "relative-bare"],
)
def test_import_sections(module: str, level: int, section: int) -> None:
    assert import_section(module, level, {"app"}) == section



KNOWN = ImportStyle(
    known_first_party=frozenset({"shared", "vendor.ours", "corp_*"}),
    known_third_party=frozenset({"app.vendored", "vendor", "os"}),
)


@pytest.mark.parametrize(
    ("module", "section"),
    [
        ("shared.db", FIRST_PARTY),
        ("corp_auth.tokens", FIRST_PARTY),
        ("vendor.ours.thing", FIRST_PARTY),
        ("vendor.theirs", THIRD_PARTY),
        ("app.vendored.lib", THIRD_PARTY),
        ("app.models", FIRST_PARTY),
        ("os.path", THIRD_PARTY),
        ("sys", STDLIB),
        ("httpx", THIRD_PARTY),
        ("__future__", FUTURE),
    ],
    ids=[
        "known-first-not-in-index", "known-first-glob", "longest-prefix-first-party",
        "shorter-prefix-third-party", "known-third-beats-index", "index-first-party",
        "known-third-beats-stdlib", "stdlib", "third-party", "future-stays",
    ],
)  # fmt: skip
def test_known_lists_win_over_stdlib_and_index(module: str, section: int) -> None:
    assert import_section(module, 0, {"app"}, KNOWN) == section


def test_known_lists_leave_relative_imports_local() -> None:
    assert import_section("shared", 1, {"app"}, KNOWN) == LOCAL


@pytest.mark.parametrize(
    ("lines", "force_sort"),
    [
        (
            [(False, "httpx"), (False, "zoo"), (True, "aiohttp"), (True, "frmk.utils")],
            False,
        ),
        (
            [(True, "aiohttp"), (True, "frmk.utils"), (False, "httpx"), (True, "httpx"),
             (False, "zoo")],
            True,
        ),
    ],
    ids=["import-lines-first", "force-sort-within-sections"],
)  # fmt: skip
def test_order_within_a_section(lines: list[tuple[bool, str]], force_sort: bool) -> None:
    style = ImportStyle(force_sort_within_sections=force_sort)
    assert sorted(lines, key=lambda line: order_key(style, *line, ())) == lines
    assert sorted(reversed(lines), key=lambda line: order_key(style, *line, ())) == lines
