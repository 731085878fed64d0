"""Spec names -> Python identifiers and class names."""

from __future__ import annotations

import pytest

from goalgen.spec.names import env_placeholders, to_class_name, to_identifier


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("flight_agent", "flight_agent"),
        ("flight-agent", "flight_agent"),
        ("Flight Agent", "flight_agent"),
        ("FlightAgent", "flight_agent"),
        ("HTTPSearch", "http_search"),
        ("3d-search", "tool_3d_search"),
        ("class", "class_"),
        ("match", "match_"),
        ("Café Finder", "cafe_finder"),
        ("__private__", "private"),
        ("!!!", ""),
    ],
)
def test_to_identifier(name: str, expected: str) -> None:
    ident = to_identifier(name, "tool")

    assert ident == expected
    assert ident == "" or ident.isidentifier()


def test_to_class_name() -> None:
    assert to_class_name("flight_agent") == "FlightAgent"
    assert to_class_name("class_") == "Class"
    assert to_class_name("agent_3d") == "Agent3d"


def test_env_placeholders() -> None:
    assert env_placeholders("${BASE}/x/${KEY}?k=${KEY}") == ["BASE", "KEY"]
    assert env_placeholders("https://example.com") == []
