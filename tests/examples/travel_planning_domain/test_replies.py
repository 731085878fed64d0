"""The travel sample's offline answers, through the local LLM: flights, hotels, itineraries."""

import pytest

from examples.travel_planning_domain import offline_reply
from frmk.llm import LocalLLM


def convo(role, *user_texts, known=""):
    system = f"You are the {role} of the Travel Planning Assistant."
    if known:
        system += f"\n\nKnown so far: {known}"
    messages = [{"role": "system", "content": system}]
    for text in user_texts:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]
    return messages[:-1]


@pytest.mark.parametrize(
    ("role", "texts", "known", "expected"),
    [
        pytest.param("flight agent", ["I need a flight from London to Paris on May 3 for 2 people"],
                     "", "I'll look for flights from London to Paris on 3 May for 2 travellers. "
                     "I'll compare times and prices and suggest the best options.", id="flight"),
        pytest.param("flight agent", ["Can I fly to Tokyo?"], "", "I'll look for flights to "
                     "Tokyo. To find the best options, please tell me your departure city, travel "
                     "date and number of travellers.", id="flight_asks_for_what_is_missing"),
        pytest.param("hotel agent", ["A hotel in Vienna from 2026-03-01 for 2 nights, 2 guests"],
                     "", "I'll look for hotels in Vienna from 2026-03-01 to 2026-03-03 for 2 "
                     "guests. I'll shortlist well-reviewed options close to the centre.",
                     id="hotel"),
        pytest.param("flight agent", ["Flights from Berlin to Rome for 2 people",
                                      "Make it Naples on July 9"], "", "I'll look for flights "
                     "from Berlin to Naples on 9 July for 2 travellers. I'll compare times and "
                     "prices and suggest the best options.", id="later_messages_win"),
        pytest.param("flight agent", ["I want to fly from Berlin on May 3"],
                     "destination=Paris; travelers=2", "I'll look for flights from Berlin to "
                     "Paris on 3 May for 2 travellers. I'll compare times and prices and suggest "
                     "the best options.", id="known_context"),
        pytest.param("hotel agent", ["hello"], "", "Hello! I'm the hotel agent. I can find "
                     "hotels for your stay. How can I help?", id="greeting_capability"),
    ],
)  # fmt: skip
async def test_travel_agents_answer_from_the_details(role, texts, known, expected):
    reply = await LocalLLM(replies=offline_reply).complete(convo(role, *texts, known=known))
    assert reply == expected


async def test_the_itinerary_has_one_line_per_day():
    plan = await LocalLLM(replies=offline_reply).complete(
        convo("itinerary agent", "Plan 3 days in Prague")
    )
    lines = plan.splitlines()
    assert lines[0] == "Here is a draft 3-day itinerary for Prague:"
    assert [line.split(":")[0] for line in lines[1:]] == ["Day 1", "Day 2", "Day 3"]


async def test_today_resolves_relative_dates_and_other_roles_get_the_generic_answer():
    llm = LocalLLM(replies=offline_reply, today="2026-05-01")
    assert "on 2026-05-02" in await llm.complete(convo("flight agent", "Rome to Oslo tomorrow"))
    other = await llm.complete(convo("billing agent", "Where is invoice 12?"))
    assert other.startswith("As the billing agent, I understood your request about")
