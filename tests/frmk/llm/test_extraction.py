"""extract_fields: context fields from a message by generic shapes only, linear in the text."""

import time

import pytest

from frmk.llm import extract_fields

FIELDS = ("employee_id", "ticket_id", "device", "incident_date", "priority")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("employee id: 4821; device is a ThinkPad X1.",
                     {"employee_id": "4821", "device": "ThinkPad X1"}, id="labels"),
        pytest.param("priority=high, ticket_id = INC-7", {"ticket_id": "INC-7", "priority": "high"},
                     id="equals_and_underscores"),
        pytest.param("The VPN drops, see ticket INC-7731", {"ticket_id": "INC-7731"},
                     id="identifier_after_the_first_word"),
        pytest.param("It broke on 2026-03-02 and again 2026-03-04",
                     {"incident_date": "2026-03-02"}, id="iso_date_for_a_date_field"),
        pytest.param("Device: laptop. Device: phone", {"device": "laptop"}, id="first_mention_wins"),
        pytest.param("My printer jams and nobody helps", {}, id="nothing_stated"),
    ],
)  # fmt: skip
def test_fields_are_read_by_shape(text, expected):
    assert extract_fields(text, FIELDS) == expected


def test_no_domain_words_are_known():
    found = extract_fields("A flight from London to Paris on 2026-05-03 for 2 people",
                           ["origin", "destination", "travelers"])
    assert found == {}


def extraction_seconds(size: int) -> float:
    """The fastest of three readings of a ``size``-character text full of labels and dates."""
    unit = "ticket INC-1 device is laptop priority high on 2026-03-02 employee id "
    text = (unit * (size // len(unit) + 1))[:size]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        extract_fields(text, FIELDS)
        timings.append(time.perf_counter() - start)
    return min(timings)


def test_reading_a_long_text_scales_linearly():
    # Four times the text: about four times the work when linear, sixteen when quadratic.
    ratio = extraction_seconds(800 * 1024) / extraction_seconds(200 * 1024)

    assert ratio < 6
