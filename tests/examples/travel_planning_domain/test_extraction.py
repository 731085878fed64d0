"""The travel sample's extract_travel_details: places, dates, party size, nights and budget."""

import datetime as dt
import time

import pytest

from examples.travel_planning_domain import TravelDetails, extract_travel_details

TODAY = dt.date(2026, 5, 1)  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "I need a flight from London to Paris on May 3 for 2 people",
            {"origin": "London", "destination": "Paris", "departure_date": "3 May", "travelers": 2},
            id="from-to-date-people",
        ),
        pytest.param(
            "Book a hotel in tokyo for 3 nights from 2025-06-10, we are a family of four",
            {"destination": "Tokyo", "departure_date": "2025-06-10",
             "return_date": "2025-06-13", "travelers": 4, "nights": 3},
            id="iso-date-nights-family",
        ),
        pytest.param(
            "hotel in Barcelona from 12 July 2026 to 19 July 2026 for 2 adults and 1 child",
            {"destination": "Barcelona", "departure_date": "2026-07-12",
             "return_date": "2026-07-19", "travelers": 3, "nights": 7},
            id="date-range-mixed-party",
        ),
        pytest.param(
            "Plan a 5-day trip to Rome for me and my wife, budget $2,000",
            {"destination": "Rome", "travelers": 2, "nights": 4, "budget": "$2,000"},
            id="days-couple-budget",
        ),
        pytest.param(
            "from New York to San Francisco next friday, back on June 2nd",
            {"origin": "New York", "destination": "San Francisco",
             "departure_date": "next friday", "return_date": "2 June"},
            id="multiword-cities-relative-and-return",
        ),
        pytest.param("I'm going to Japan with 3 friends", {"destination": "Japan", "travelers": 4},
                     id="unknown-place-after-to-companions"),
        pytest.param("Paris to Berlin tomorrow, solo",
                     {"origin": "Paris", "destination": "Berlin", "departure_date": "tomorrow",
                      "travelers": 1}, id="bare-pair-solo"),
        pytest.param("hello there, how are you?", {}, id="nothing"),
    ],
)
def test_extraction(text, expected):
    assert extract_travel_details(text).as_dict() == expected


def test_today_resolves_relative_and_yearless_dates():
    details = extract_travel_details("Paris to Rome next friday, back on June 2nd", today=TODAY)
    assert details.departure_date == "2026-05-08"
    assert details.return_date == "2026-06-02"
    assert details.nights == 25
    # A day already past this year means next year.
    assert extract_travel_details("to Oslo on 3 March", today=TODAY).departure_date == "2027-03-03"


def test_merged_keeps_earlier_details_and_newer_wins():
    first = extract_travel_details("Flights from London to Paris for 2 people")
    second = extract_travel_details("Actually make it Rome on May 4")
    merged = first.merged(second)
    assert merged == TravelDetails(origin="London", destination="Rome", departure_date="4 May",
                                   travelers=2)
    assert merged.describe() == "from London to Rome, on 4 May, 2 travellers"


LONG_UNIT = ("I want to fly from London to Paris on May 3 and return May 10 with 2 people, "
             "budget $2000. Also visit Rome in June and New York on 4 July. ")


def extraction_seconds(size: int) -> float:
    """The fastest of three readings of a ``size``-character text full of places and dates."""
    text = (LONG_UNIT * (size // len(LONG_UNIT) + 1))[:size]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        extract_travel_details(text)
        timings.append(time.perf_counter() - start)
    return min(timings)


def test_reading_a_long_text_scales_linearly():
    # Four times the text: about four times the work when linear, sixteen when quadratic.
    ratio = extraction_seconds(160 * 1024) / extraction_seconds(40 * 1024)

    assert ratio < 6
