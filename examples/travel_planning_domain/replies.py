"""The travel sample's offline answers: flights, hotels and day-by-day itineraries.

``offline_reply`` is what ``frmk.llm.LocalLLM`` calls for each turn of the travel agents: it
reads the travel details from the ``Known so far`` line and the user's messages and answers in
the agent's role, or returns ``None`` for roles it does not know (the generic answer then).
"""

from __future__ import annotations

from typing import Any

from frmk.llm import LocalTurn
from frmk.llm.local import join_words

from .extraction import TravelDetails, extract_travel_details

__all__ = ["offline_reply"]

_DOMAINS = (
    ("flight", ("flight", "fly", "airline", "air travel")),
    ("hotel", ("hotel", "accommodation", "lodging", "stay")),
    ("itinerary", ("itinerary", "planner", "schedule", "plan")),
)
_CAPABILITIES = {
    "flight": "I can find flights between cities on your dates.",
    "hotel": "I can find hotels for your stay.",
    "itinerary": "I can plan a day-by-day itinerary for your trip.",
}
_DAY_PLANS = (
    "explore the historic centre and the main sights",
    "visit a museum in the morning and a local market in the afternoon",
    "take a day trip to the surroundings",
    "join a food tour and enjoy some free time",
    "discover the neighbourhoods off the usual tourist path",
    "relax, shop for souvenirs and enjoy a farewell dinner",
)
_FIELDS = ("origin", "destination", "departure_date", "return_date", "travelers", "nights",
           "budget")
_ALIASES = {"travellers": "travelers", "departure": "departure_date", "return": "return_date",
            "from": "origin", "to": "destination"}


def offline_reply(turn: LocalTurn) -> str | None:
    """The travel answer for ``turn``, or None when the agent is not a travel agent."""
    domain = next((name for name, words in _DOMAINS if any(w in turn.role for w in words)), None)
    if domain is None:
        return None
    if turn.kind == "empty":
        return f"Hello! I'm the {turn.role}. {_CAPABILITIES[domain]} What would you like to do?"
    if turn.kind == "greeting":
        return f"Hello! I'm the {turn.role}. {_CAPABILITIES[domain]} How can I help?"
    if turn.kind != "request":
        return None
    details = known_details(turn.known)
    for text in turn.user_messages:
        details = details.merged(extract_travel_details(text, turn.today))
    return _COMPOSERS[domain](details)


def known_details(known: dict[str, str]) -> TravelDetails:
    """The travel details among ``Known so far`` pairs (``destination=Paris; travelers=2``)."""
    values: dict[str, Any] = {}
    for key, value in known.items():
        key = _ALIASES.get(key.lower(), key.lower())
        if key not in _FIELDS:
            continue
        if key in ("travelers", "nights"):
            if value.isdigit():
                values[key] = int(value)
        else:
            values[key] = value
    return TravelDetails(**values)


def _flight_reply(d: TravelDetails) -> str:
    if not (d.destination or d.origin):
        return ("I can help you find flights. Where are you flying from and to, "
                "and on which date?")
    text = "I'll look for flights" + _opt(" from ", d.origin) + _opt(" to ", d.destination)
    text += _opt(" on ", d.departure_date) + _opt(", returning ", d.return_date)
    text += _party(d.travelers, " for ") + "."
    missing = _missing(("departure city", d.origin), ("destination", d.destination),
                       ("travel date", d.departure_date), ("number of travellers", d.travelers))
    if missing:
        return f"{text} To find the best options, please tell me your {join_words(missing)}."
    return f"{text} I'll compare times and prices and suggest the best options."


def _hotel_reply(d: TravelDetails) -> str:
    if not d.destination:
        return "I can help you find a hotel. Which city are you staying in, and for which dates?"
    text = f"I'll look for hotels in {d.destination}"
    if d.departure_date and d.return_date:
        text += f" from {d.departure_date} to {d.return_date}"
    else:
        text += _opt(" from ", d.departure_date)
        text += f" for {d.nights} night{'s' if d.nights != 1 else ''}" if d.nights else ""
    text += _party(d.travelers, " for ", noun="guest") + _opt(" within ", d.budget) + "."
    missing = _missing(("check-in date", d.departure_date),
                       ("length of stay", d.nights or d.return_date),
                       ("number of guests", d.travelers))
    if missing:
        return f"{text} Please tell me your {join_words(missing)} so I can check availability."
    return f"{text} I'll shortlist well-reviewed options close to the centre."


def _itinerary_reply(d: TravelDetails) -> str:
    if not d.destination:
        return ("I can put together an itinerary. Which city are you visiting, "
                "and for how many days?")
    days = min((d.nights or 2) + 1, 7)
    lines = [f"Here is a draft {days}-day itinerary for {d.destination}"
             + _opt(" starting ", d.departure_date) + _party(d.travelers, " for ") + ":"]
    lines.append(f"Day 1: arrive in {d.destination}, check in and take an evening walk.")
    for day in range(2, days):
        lines.append(f"Day {day}: {_DAY_PLANS[(day - 2) % len(_DAY_PLANS)]}.")
    if days > 1:
        lines.append(f"Day {days}: check out and travel home" + _opt(" to ", d.origin) + ".")
    return "\n".join(lines)


_COMPOSERS = {"flight": _flight_reply, "hotel": _hotel_reply, "itinerary": _itinerary_reply}


def _opt(prefix: str, value: Any) -> str:
    return f"{prefix}{value}" if value else ""


def _party(count: int | None, prefix: str, noun: str = "traveller") -> str:
    if not count:
        return ""
    return f"{prefix}{count} {noun}{'s' if count != 1 else ''}"


def _missing(*pairs: tuple[str, Any]) -> list[str]:
    return [label for label, value in pairs if not value]
