"""Rule-based reading of travel details from user text: places, dates, travellers, nights, budget.

The travel sample's supervisor fills its context fields with it, and its offline answers read
the details the conversation gives. Everything is deterministic: the same text always gives the
same details, and relative dates ("tomorrow") stay as words unless a reference ``today`` is
given. Linear in the text: each city looks back over a bounded window, places are matched
against cities with one bisect.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import asdict, dataclass, fields, replace

__all__ = ["TravelDetails", "extract_travel_details", "find_cities"]

KNOWN_CITIES = (
    "Amsterdam Athens Atlanta Auckland Austin Bangkok Barcelona Beijing Berlin Bogota Boston "
    "Brussels Budapest Cairo Chicago Copenhagen Dallas Delhi Denver Dubai Dublin Edinburgh "
    "Florence Frankfurt Geneva Hamburg Helsinki Honolulu Istanbul Jakarta Lagos Lima Lisbon "
    "London Madrid Manchester Manila Marrakech Melbourne Miami Milan Montreal Moscow Mumbai "
    "Munich Nairobi Naples Nice Osaka Oslo Paris Porto Prague Reykjavik Rome Santiago Seattle "
    "Seoul Seville Shanghai Singapore Stockholm Sydney Taipei Tokyo Toronto Valencia Vancouver "
    "Venice Vienna Warsaw Zurich"
).split() + [
    "Abu Dhabi", "Buenos Aires", "Cape Town", "Hong Kong", "Kuala Lumpur", "Las Vegas",
    "Los Angeles", "Mexico City", "New Delhi", "New Orleans", "New York", "Rio de Janeiro",
    "San Diego", "San Francisco", "Sao Paulo", "Tel Aviv", "Washington",
]
_CANONICAL_CITY = {city.lower(): city for city in KNOWN_CITIES}

MONTHS = {
    name: index
    for index, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_CITY_RE = re.compile(
    r"\b(" + "|".join(re.escape(c) for c in sorted(KNOWN_CITIES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_PLACE_AFTER_RE = re.compile(
    r"\b(from|to|into|towards|in|at|visit|visiting|around)\s+((?:[A-Z][\w'-]+)(?:\s+[A-Z][\w'-]+){0,2})"
)
_DATE_RES = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?", re.I),
    re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?", re.I),
    re.compile(
        r"\b(today|tomorrow|tonight|this weekend|next weekend|next week|"
        r"(?:next|this|on)\s+(?:" + "|".join(WEEKDAYS) + r"))\b",
        re.I,
    ),
)
_RETURN_HINT_RE = re.compile(r"\b(return\w*|back|until|till|through)\b[^.?!]*$", re.I)
_PARTY_RE = re.compile(
    _NUM + r"\s+(people|persons|person|adults?|travell?ers?|passengers?|guests?|pax|tickets?|"
    r"seats?|of us|children|child|kids?|infants?)\b",
    re.I,
)
_FOR_N_RE = re.compile(
    r"\bfor\s+" + _NUM + r"\b(?!\s*(?:nights?|days?|weeks?|hours?|[$€£%]))", re.I
)
_COMPANIONS_RE = re.compile(
    r"\bwith\s+(?:my\s+)?" + _NUM + r"\s+(?:friends?|colleagues?|others|people|kids|children)\b",
    re.I,
)
_FAMILY_RE = re.compile(r"\b(?:family|group|party) of\s+" + _NUM + r"\b", re.I)
_COUPLE_RE = re.compile(r"\b(couple|my (?:wife|husband|partner|girlfriend|boyfriend)|"
                        r"the two of us|both of us)\b", re.I)
_SOLO_RE = re.compile(r"\b(solo|alone|just me|only me|by myself)\b", re.I)
_NIGHTS_RE = re.compile(_NUM + r"\s+nights?\b", re.I)
_DAYS_RE = re.compile(_NUM + r"[\s-]+(days?|weeks?)\b", re.I)
_BUDGET_RE = re.compile(
    r"([$€£]\s?\d[\d,]*(?:\.\d+)?\s*k?|\d[\d,]*(?:\.\d+)?\s*(?:k\s*)?(?:dollars|euros?|pounds|usd|eur|gbp)\b)",
    re.I,
)
# A place word ("from", "to", ...) that ends the text just before a city, read from a short
# window: the longest word plus one character, so the leading \b still sees a word's start.
_PLACE_WORD_BEFORE_RE = re.compile(r"\b(from|to|into|towards|in|at|visit|visiting|around)$")
_PLACE_WORD_WINDOW = len("visiting") + 1
_NOT_PLACES = {"the", "a", "an", "my", "our", "me", "us", "i", "you", "it", "please", "which"}


@dataclass(frozen=True)
class TravelDetails:
    """Travel facts found in text; ``None`` where the text says nothing."""

    origin: str | None = None
    destination: str | None = None
    departure_date: str | None = None
    return_date: str | None = None
    travelers: int | None = None
    nights: int | None = None
    budget: str | None = None

    def merged(self, newer: TravelDetails) -> TravelDetails:
        """These details updated by the known fields of ``newer`` (later messages win)."""
        changes = {f.name: getattr(newer, f.name) for f in fields(newer)}
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def describe(self) -> str:
        """The known details as a short phrase: "from London to Paris, on 3 May, 2 travellers"."""
        parts = []
        route = (f"from {self.origin} " if self.origin else "") + (
            f"to {self.destination}" if self.destination else ""
        )
        if route:
            parts.append(route.strip())
        if self.departure_date:
            parts.append(f"on {self.departure_date}")
        if self.return_date:
            parts.append(f"returning {self.return_date}")
        if self.nights:
            parts.append(f"{self.nights} night{'s' if self.nights != 1 else ''}")
        if self.travelers:
            parts.append(f"{self.travelers} traveller{'s' if self.travelers != 1 else ''}")
        if self.budget:
            parts.append(f"budget {self.budget}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, str | int]:
        """Only the known fields, in field order."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def extract_travel_details(text: str, today: dt.date | None = None) -> TravelDetails:
    """Read travel details from one message; ``today`` resolves year-less and relative dates."""
    origin, destination = _places(text)
    departure, return_date = _dates(text, today)
    nights = _first_number(_NIGHTS_RE, text)
    if nights is None:
        match = _DAYS_RE.search(text)
        if match:
            days = _number(match.group(1)) * (7 if match.group(2).lower().startswith("week") else 1)
            nights = max(days - 1, 1)
    if return_date is None and nights and departure and _is_iso(departure):
        return_date = (dt.date.fromisoformat(departure) + dt.timedelta(days=nights)).isoformat()
    if nights is None and departure and return_date and _both_iso(departure, return_date):
        delta = (dt.date.fromisoformat(return_date) - dt.date.fromisoformat(departure)).days
        nights = delta if delta > 0 else None
    budget = _BUDGET_RE.search(text)
    return TravelDetails(
        origin=origin,
        destination=destination,
        departure_date=departure,
        return_date=return_date,
        travelers=_travelers(text),
        nights=nights,
        budget=" ".join(budget.group(1).split()) if budget else None,
    )


def find_cities(text: str) -> list[tuple[int, str]]:
    """Known cities and capitalised places after from/to/in, as (position, name), in text order."""
    found: dict[int, str] = {}
    for match in _CITY_RE.finditer(text):
        found[match.start()] = _CANONICAL_CITY[match.group(1).lower()]
    known = list(found)  # in text order, so a place's overlap is one bisect away
    for match in _PLACE_AFTER_RE.finditer(text):
        start = match.start(2)
        words = match.group(2).split()
        while words and (words[-1].lower() in MONTHS or words[-1].lower() in WEEKDAYS):
            words.pop()
        if not words or words[0].lower() in _NOT_PLACES or words[0].lower() in MONTHS:
            continue
        nearest = bisect.bisect_left(known, start)
        if nearest == len(known) or known[nearest] >= match.end(2):
            found[start] = " ".join(words)
    return sorted(found.items())


def _places(text: str) -> tuple[str | None, str | None]:
    origin = destination = None
    loose: list[str] = []
    for position, city in find_cities(text):
        before = _word_before(text, position)
        if before.endswith("from"):
            origin = origin or city
        elif _PLACE_WORD_BEFORE_RE.search(before):
            destination = destination or city
        else:
            loose.append(city)
    for city in loose:
        if destination is None and city != origin:
            destination = city
        elif origin is None and city != destination:
            origin = city
    if origin is None and destination is not None and len(loose) >= 2:
        origin, destination = loose[0], loose[1]
    return origin, destination


def _word_before(text: str, position: int) -> str:
    """The lowercased few characters before ``position``, trailing whitespace skipped.

    Each city looks back only over its own whitespace and a short window, so reading every
    city of a long text stays linear in its length."""
    end = position
    while end and text[end - 1].isspace():
        end -= 1
    return text[max(0, end - _PLACE_WORD_WINDOW):end].lower()


def _dates(text: str, today: dt.date | None) -> tuple[str | None, str | None]:
    found: list[tuple[int, str]] = []
    taken: set[int] = set()  # positions a date starts at; another within 2 of one is the same
    for pattern in _DATE_RES:
        for match in pattern.finditer(text):
            start = match.start()
            if taken.intersection(range(start - 2, start + 3)):
                continue
            taken.add(start)
            found.append((start, _format_date(match, pattern is _DATE_RES[2], today)))
    found.sort()
    departure = return_date = None
    for position, value in found:
        is_return = bool(_RETURN_HINT_RE.search(text[max(0, position - 25):position]))
        if is_return and return_date is None:
            return_date = value
        elif departure is None:
            departure = value
        elif return_date is None:
            return_date = value
    return departure, return_date


def _format_date(match: re.Match[str], day_first: bool, today: dt.date | None) -> str:
    groups = match.groups()
    if len(groups) == 1:
        return _relative_date(groups[0].lower(), today)
    if groups[0].isdigit() and len(groups[0]) == 4:
        return f"{groups[0]}-{groups[1]}-{groups[2]}"
    day, month_name = (groups[0], groups[1]) if day_first else (groups[1], groups[0])
    month, day_num = MONTHS[month_name.lower().rstrip(".")], int(day)
    year = int(groups[2]) if groups[2] else None
    if year is None and today is not None:
        year = today.year
        if (month, day_num) < (today.month, today.day):
            year += 1
    try:
        if year is not None:
            return dt.date(year, month, day_num).isoformat()
    except ValueError:
        pass
    return f"{day_num} {dt.date(2000, month, 1):%B}"


def _relative_date(phrase: str, today: dt.date | None) -> str:
    phrase = " ".join(phrase.split())
    if today is None:
        return phrase
    if phrase in ("today", "tonight"):
        return today.isoformat()
    if phrase == "tomorrow":
        return (today + dt.timedelta(days=1)).isoformat()
    words = phrase.split()
    if words[-1] in WEEKDAYS:
        ahead = (WEEKDAYS.index(words[-1]) - today.weekday()) % 7 or 7
        return (today + dt.timedelta(days=ahead)).isoformat()
    return phrase


def _travelers(text: str) -> int | None:
    party = [(_number(m.group(1)), m.group(2).lower()) for m in _PARTY_RE.finditer(text)]
    if party:
        kinds = {"adult", "adults", "children", "child", "kid", "kids", "infant", "infants"}
        mixed = [n for n, kind in party if kind in kinds]
        return sum(mixed) if mixed else party[0][0]
    companions = _first_number(_COMPANIONS_RE, text)
    if companions is not None:
        return companions + 1
    for pattern in (_FAMILY_RE, _FOR_N_RE):
        found = _first_number(pattern, text)
        if found is not None and found > 0:
            return found
    if _COUPLE_RE.search(text):
        return 2
    if _SOLO_RE.search(text):
        return 1
    return None


def _first_number(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return _number(match.group(1)) if match else None


def _number(token: str) -> int:
    token = token.lower()
    return int(token) if token.isdigit() else NUMBER_WORDS[token]


def _is_iso(value: str) -> bool:
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def _both_iso(first: str, second: str) -> bool:
    return _is_iso(first) and _is_iso(second)
