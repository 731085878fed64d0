"""Static values of string expressions: templates, evaluation, module constants."""

from __future__ import annotations

import ast

import pytest

from goalgen.codemods.static_strings import DYNAMIC, Static, evaluate, module_constants, template

CONSTANTS = {"m.BASE": "/api", "m.cfg.V": "/v1"}


def _value(expr: str) -> Static:
    node = ast.parse(expr, mode="eval").body
    qualify = lambda text: None if text == "param" else f"m.{text}"  # noqa: E731
    return evaluate(template(node, qualify), CONSTANTS.get)


CASES = [
    pytest.param('"/x"', Static("/x"), id="literal"),
    pytest.param("BASE", Static("/api"), id="constant"),
    pytest.param('BASE + "/x" + cfg.V', Static("/api/x/v1"), id="concatenation"),
    pytest.param('f"{BASE}/{{id}}{cfg.V}"', Static("/api/{id}/v1"), id="f-string"),
    pytest.param("settings.API", Static(DYNAMIC, ("settings.API",)), id="unknown-attribute"),
    pytest.param("param", Static(DYNAMIC, ("param",)), id="local-name"),
    pytest.param('f"{BASE!r}/x"', Static(DYNAMIC + "/x", ("BASE",)), id="conversion"),
    pytest.param("get() + BASE", Static(DYNAMIC + "/api", ("get()",)), id="call"),
]


@pytest.mark.parametrize(("expr", "value"), CASES)
def test_evaluate(expr: str, value: Static) -> None:
    assert _value(expr) == value


def test_module_constants_keep_names_bound_once_to_static_strings() -> None:
    tree = ast.parse(
        "import os\n"
        'A = "/a"\n'
        'B: str = A + "/b"\n'
        'C = f"{B}/c"\n'
        'D = "/d"\n'
        'D += "/e"\n'
        "E = os.sep\n"
        "F = 3\n"
        "def G(): pass\n"
        'G = "/g"\n'
        'H, I = "/h", "/i"\n'
    )
    assert module_constants(tree) == {"A": "/a", "B": "/a/b", "C": "/a/b/c"}
