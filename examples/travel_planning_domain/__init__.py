"""Travel knowledge for the travel-planning sample, named by its spec's ``domain_module``.

``goalgen generate`` copies this package into the generated project as ``workflow/domain/``;
the generated code uses the names below when they are defined (each is optional):

- ``extract_context(message) -> dict``: the supervisor fills the context fields with it
  (places, dates, travellers from the words of a message);
- ``offline_reply(turn) -> str | None``: the offline responder's answers in the travel agents'
  roles (flights, hotels, day-by-day itineraries);
- ``ROUTING_CONCEPTS``: travel synonyms for the supervisor's keyword routing;
- ``CONTEXT_EXAMPLES``: messages and the context they give, checked by the generated tests.
"""

from __future__ import annotations

from .extraction import TravelDetails, extract_travel_details
from .replies import offline_reply

__all__ = [
    "CONTEXT_EXAMPLES", "ROUTING_CONCEPTS", "TravelDetails", "extract_context",
    "extract_travel_details", "offline_reply",
]

ROUTING_CONCEPTS = {
    "flight": ("flight", "fly", "flying", "flew", "plane", "airline", "airport", "airfare",
               "ticket", "depart", "departure", "layover", "nonstop", "aircraft"),
    "hotel": ("hotel", "stay", "room", "accommodation", "lodging", "hostel", "bnb", "airbnb",
              "resort", "night", "check-in", "checkin", "suite", "motel", "guesthouse"),
    "itinerary": ("itinerary", "plan", "planning", "schedule", "agenda", "sightseeing",
                  "activity", "attraction", "tour", "visit", "thing", "day-by-day", "program",
                  "trip", "day", "see", "explore", "sight", "do"),
    "price": ("price", "cost", "cheap", "cheapest", "budget", "expensive", "fare", "afford"),
    "weather": ("weather", "forecast", "rain", "temperature", "sunny"),
    "car": ("car", "rental", "rent", "drive", "vehicle"),
    "restaurant": ("restaurant", "food", "eat", "dinner", "lunch", "breakfast", "cuisine"),
}

CONTEXT_EXAMPLES = {
    "A trip from Seattle to Paris on 2026-12-20 for 2 people": {
        "origin": "Seattle", "destination": "Paris", "departure_date": "2026-12-20",
        "travelers": "2",
    },
}


def extract_context(message: str) -> dict[str, str]:
    """The travel details ``message`` gives, as context field values."""
    return {name: str(value) for name, value in extract_travel_details(message).as_dict().items()}

