"""Text from span files made safe to show: control characters escaped, printable text kept."""

from __future__ import annotations

import pytest

from goalgen.traces.safe_text import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("bot.on_turn", "bot.on_turn", id="plain"),
        pytest.param("café 中文 🔥 naïve", "café 中文 🔥 naïve", id="printable-unicode"),
        pytest.param("[bold]x[/] :fire:", "[bold]x[/] :fire:", id="markup-is-just-text"),
        pytest.param("a\x1b[31mb", r"a\x1b[31mb", id="ansi-csi"),
        pytest.param("\x1b]0;title\x07", r"\x1b]0;title\x07", id="osc-bel"),
        pytest.param("a\rb\nc\td", r"a\rb\nc\td", id="cr-lf-tab"),
        pytest.param("\x00\x7f\x9b", r"\x00\x7f\x9b", id="nul-del-c1"),
        pytest.param("abc\u202edef", r"abc\u202edef", id="bidi-override"),
        pytest.param("a\u2028b", r"a\u2028b", id="line-separator"),
        pytest.param("\ud800", r"\ud800", id="lone-surrogate"),
        pytest.param("\U000e0001", r"\U000e0001", id="tag-character"),
        pytest.param("a\\x1b", "a\\x1b", id="backslash-kept"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown
