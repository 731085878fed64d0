"""The embedded LLM: a deterministic, offline responder for demos, tests and CI.

It reads the agent's role from the system message ("You are flight_agent, ...") and the travel
details from the user messages (cities, dates, travellers, nights, budget), then composes a short
reply in that role: what it will do, what it still needs. It also reads two conventions of the
generated agents' system prompts: a ``Known so far: key=value; ...`` line (details established
earlier) and a ``Tool results:`` block of ``[tool] content`` lines (quoted, or reported as not
available). No network, no randomness: the same messages always give the same text.

Token counts, reported to a ``trace_llm`` span (``note_llm_response``): the responder has no
tokenizer, so it counts its own tokens the same way each time: every word (a run of letters,
digits and underscores) and every other non-space character is one token, over the contents of
all messages (input) and over the reply (output). Finish reason ``length`` when ``max_tokens``
cut the reply, else ``stop``.

``LOCAL_LLM_DELAY`` (seconds, default 0, read on every call) makes each answer wait first, like a
hosted model's latency: for trying timeouts, cancellation and load by hand or in tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from frmk.llm.errors import LLMConfigurationError
from frmk.llm.extraction import TravelDetails, extract_travel_details
from frmk.llm.messages import Message, normalize_messages
from frmk.utils.tracing.genai import note_llm_response

__all__ = ["LocalLLM"]

_ROLE_RE = re.compile(
    r"\byou are\s+(?:the\s+|an?\s+)?([A-Za-z][\w-]*(?:[ ][A-Za-z][\w-]*){0,3}?)"
    r"(?=\s*(?:[,.;:()\n]|$)|\s+(?:who|that|and|for|in|of|with|responsible)\b)",
    re.I,
)
_KNOWN_RE = re.compile(r"^Known so far:(.*)$", re.M)
_TOOL_LINE_RE = re.compile(r"^\[([\w.-]+)\]\s*(.*)$", re.M)
_UNAVAILABLE = ("not configured", "unavailable", "not implemented", "error", "failed")
_DETAIL_FIELDS = ("origin", "destination", "departure_date", "return_date", "travelers",
                  "nights", "budget")
_FIELD_ALIASES = {"travellers": "travelers", "departure": "departure_date",
                  "return": "return_date", "from": "origin", "to": "destination"}
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_THANKS_RE = re.compile(r"^\s*(thanks|thank you|thx|cheers|great|perfect|bye|goodbye)\b", re.I)
_GREETING_RE = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b", re.I)
_DOMAINS = (
    ("flight", ("flight", "fly", "airline", "air travel")),
    ("hotel", ("hotel", "accommodation", "lodging", "stay")),
    ("itinerary", ("itinerary", "planner", "schedule", "plan")),
    ("evaluator", ("evaluat", "review", "critic", "judge", "quality")),
    ("supervisor", ("supervisor", "router", "coordinator", "orchestrat")),
)
_CAPABILITIES = {
    "flight": "I can find flights between cities on your dates.",
    "hotel": "I can find hotels for your stay.",
    "itinerary": "I can plan a day-by-day itinerary for your trip.",
    "evaluator": "I check answers for completeness.",
    "supervisor": "I route your request to the right specialist.",
    "general": "I can help with your request.",
}
_DAY_PLANS = (
    "explore the historic centre and the main sights",
    "visit a museum in the morning and a local market in the afternoon",
    "take a day trip to the surroundings",
    "join a food tour and enjoy some free time",
    "discover the neighbourhoods off the usual tourist path",
    "relax, shop for souvenirs and enjoy a farewell dinner",
)
_STOPWORDS = frozenset(
    "a an the and or but to of in on at for with from by about is are was be i me my we our us you "
    "your it this that please can could would should will need want like help find get some any "
    "what which how when where who do does there here just also".split()
)


class LocalLLM:
    """Offline responder with ``async complete(messages, **overrides) -> str``.

    ``today`` (a date or ISO string) turns relative and year-less dates into ISO dates;
    ``max_tokens`` caps the reply length in words. ``temperature`` and other ``llm_config``
    keys are accepted and ignored (``temperature`` is kept, so a trace shows what was asked),
    so a spec written for a hosted model runs unchanged.
    """

    provider = "local"

    def __init__(
        self,
        model: str = "local",
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        today: dt.date | str | None = None,
        **ignored: Any,
    ):
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.today = dt.date.fromisoformat(today) if isinstance(today, str) else today
        self.ignored = dict(ignored)

    async def complete(self, messages: str | Sequence[Mapping[str, Any]], **overrides: Any) -> str:
        """Answer the conversation ``messages`` in the role the system message gives.

        The reading runs in a worker thread, so a long message never holds up the event loop
        (a server's other requests, its health check) while it is read."""
        delay = response_delay()
        if delay:
            await asyncio.sleep(delay)
        reply, cut, input_tokens, output_tokens = await asyncio.to_thread(
            self._answer, normalize_messages(messages), overrides
        )
        note_llm_response(
            model=self.model, input_tokens=input_tokens, output_tokens=output_tokens,
            finish_reasons=["length" if cut else "stop"],
        )  # fmt: skip
        return reply

    def respond(self, messages: list[Message], **overrides: Any) -> str:
        """The synchronous core of :meth:`complete`."""
        return self._answer(messages, overrides)[0]

    def _answer(
        self, messages: list[Message], overrides: Mapping[str, Any]
    ) -> tuple[str, bool, int, int]:
        """The reply, whether ``max_tokens`` cut it, and the input's and reply's token counts."""
        reply = self._compose(messages)
        text = _truncate(reply, overrides.get("max_tokens", self.max_tokens))
        input_tokens = sum(count_tokens(m["content"]) for m in messages)
        return text, text != reply, input_tokens, count_tokens(text)

    def _compose(self, messages: list[Message]) -> str:
        system = "\n".join(m["content"] for m in messages if m["role"] == "system")
        user_texts = [m["content"] for m in messages if m["role"] == "user"]
        last = user_texts[-1] if user_texts else ""
        role = _role_name(system)
        domain = _domain(role, system)
        details = _known_details(system)
        for text in user_texts:
            details = details.merged(extract_travel_details(text, self.today))
        if not last.strip():
            reply = f"Hello! I'm the {role}. {_CAPABILITIES[domain]} What would you like to do?"
        elif _GREETING_RE.match(last) and len(last.split()) <= 5:
            reply = f"Hello! I'm the {role}. {_CAPABILITIES[domain]} How can I help?"
        elif _THANKS_RE.match(last) and len(last.split()) <= 5:
            reply = "You're welcome! Let me know if there is anything else I can do."
        else:
            compose = _COMPOSERS.get(domain, _general_reply)
            reply = compose(role, details, last, messages) + _tool_notes(system)
        return reply

    def __repr__(self) -> str:
        return f"LocalLLM(model={self.model!r})"


def count_tokens(text: str) -> int:
    """The local responder's token count of ``text``: words and other non-space characters."""
    return len(_TOKEN_RE.findall(text))


def response_delay() -> float:
    """Seconds each answer waits, from ``LOCAL_LLM_DELAY`` (0 when unset)."""
    raw = os.environ.get("LOCAL_LLM_DELAY", "").strip()
    try:
        delay = float(raw or 0)
    except ValueError:
        delay = -1.0
    if not 0 <= delay < float("inf"):  # also refuses nan
        raise LLMConfigurationError(
            f"LOCAL_LLM_DELAY must be a number of seconds >= 0, got {raw!r}"
        )
    return delay


def _role_name(system: str) -> str:
    match = _ROLE_RE.search(system)
    if not match:
        return "assistant"
    return match.group(1).replace("_", " ").strip().lower()


def _known_details(system: str) -> TravelDetails:
    """Details a system prompt states as ``Known so far: destination=Paris; travelers=2``."""
    match = _KNOWN_RE.search(system)
    if not match:
        return TravelDetails()
    values: dict[str, Any] = {}
    for pair in match.group(1).split(";"):
        key, sep, value = pair.partition("=")
        key = _FIELD_ALIASES.get(key.strip().lower(), key.strip().lower())
        value = value.strip()
        if not sep or not value or key not in _DETAIL_FIELDS:
            continue
        if key in ("travelers", "nights"):
            if not value.isdigit():
                continue
            values[key] = int(value)
        else:
            values[key] = value
    return TravelDetails(**values)


def _tool_notes(system: str) -> str:
    """A sentence about the tool results in the system prompt: data found or tool unavailable."""
    block = system.partition("Tool results:")[2]
    found, unavailable = [], []
    for tool, content in _TOOL_LINE_RE.findall(block):
        content = content.strip()
        if content.lower().startswith(_UNAVAILABLE):
            unavailable.append(f"{tool} ({content})")
        elif content:
            found.append(f"{tool}: {content[:300]}")
    text = ""
    if found:
        text += " Results — " + "; ".join(found) + "."
    if unavailable:
        verb = "is" if len(unavailable) == 1 else "are"
        text += (" Note: I could not check live data because "
                 + _join(unavailable) + f" {verb} not available.")
    return text


def _domain(role: str, system: str) -> str:
    for text in (role, system.lower()):
        for domain, words in _DOMAINS:
            if any(word in text for word in words):
                return domain
    return "general"


def _flight_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    if not (d.destination or d.origin):
        return ("I can help you find flights. Where are you flying from and to, "
                "and on which date?")
    text = "I'll look for flights" + _opt(" from ", d.origin) + _opt(" to ", d.destination)
    text += _opt(" on ", d.departure_date) + _opt(", returning ", d.return_date)
    text += _travellers(d.travelers, " for ") + "."
    missing = _missing(("departure city", d.origin), ("destination", d.destination),
                       ("travel date", d.departure_date), ("number of travellers", d.travelers))
    if missing:
        return f"{text} To find the best options, please tell me your {_join(missing)}."
    return f"{text} I'll compare times and prices and suggest the best options."


def _hotel_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    if not d.destination:
        return "I can help you find a hotel. Which city are you staying in, and for which dates?"
    text = f"I'll look for hotels in {d.destination}"
    if d.departure_date and d.return_date:
        text += f" from {d.departure_date} to {d.return_date}"
    else:
        text += _opt(" from ", d.departure_date)
        text += f" for {d.nights} night{'s' if d.nights != 1 else ''}" if d.nights else ""
    text += _travellers(d.travelers, " for ", noun="guest") + _opt(" within ", d.budget) + "."
    missing = _missing(("check-in date", d.departure_date),
                       ("length of stay", d.nights or d.return_date),
                       ("number of guests", d.travelers))
    if missing:
        return f"{text} Please tell me your {_join(missing)} so I can check availability."
    return f"{text} I'll shortlist well-reviewed options close to the centre."


def _itinerary_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    if not d.destination:
        return ("I can put together an itinerary. Which city are you visiting, "
                "and for how many days?")
    days = min((d.nights or 2) + 1, 7)
    lines = [f"Here is a draft {days}-day itinerary for {d.destination}"
             + _opt(" starting ", d.departure_date) + _travellers(d.travelers, " for ") + ":"]
    lines.append(f"Day 1: arrive in {d.destination}, check in and take an evening walk.")
    for day in range(2, days):
        lines.append(f"Day {day}: {_DAY_PLANS[(day - 2) % len(_DAY_PLANS)]}.")
    if days > 1:
        lines.append(f"Day {days}: check out and travel home"
                     + _opt(" to ", d.origin) + ".")
    return "\n".join(lines)


def _evaluator_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    answers = [m["content"] for m in messages if m["role"] == "assistant"]
    subject = answers[-1] if answers else last
    checked = extract_travel_details(subject).merged(d)
    covered = [name.replace("_", " ") for name in checked.as_dict()]
    missing = _missing(("destination", checked.destination),
                       ("dates", checked.departure_date),
                       ("number of travellers", checked.travelers))
    verdict = "needs more detail" if missing else "complete"
    text = f"Review: the answer covers {_join(covered) or 'no concrete travel details'}."
    if missing:
        text += f" Missing: {_join(missing)}."
    return f"{text} Verdict: {verdict}."


def _supervisor_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    facts = d.describe()
    if not facts:
        return f"I'll coordinate your request: {_topic(last)}."
    return f"I'll coordinate your request ({facts}) with the right specialists."


def _general_reply(role: str, d: TravelDetails, last: str, messages: list[Message]) -> str:
    text = f"As the {role}, I understood your request about {_topic(last)}."
    if d.describe():
        text += f" Details noted: {d.describe()}."
    return text + " I'll work on it and report back with the results."


_COMPOSERS = {
    "flight": _flight_reply,
    "hotel": _hotel_reply,
    "itinerary": _itinerary_reply,
    "evaluator": _evaluator_reply,
    "supervisor": _supervisor_reply,
}


def _opt(prefix: str, value: Any) -> str:
    return f"{prefix}{value}" if value else ""


def _travellers(count: int | None, prefix: str, noun: str = "traveller") -> str:
    if not count:
        return ""
    return f"{prefix}{count} {noun}{'s' if count != 1 else ''}"


def _missing(*pairs: tuple[str, Any]) -> list[str]:
    return [label for label, value in pairs if not value]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _topic(text: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", text) if w.lower() not in _STOPWORDS]
    return " ".join(words[:6]) if words else "your message"


def _truncate(text: str, max_tokens: int | None) -> str:
    if not max_tokens or max_tokens <= 0:
        return text
    words = text.split(" ")
    return text if len(words) <= max_tokens else " ".join(words[:max_tokens]) + "…"
