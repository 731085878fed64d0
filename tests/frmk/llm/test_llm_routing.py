"""choose(): deterministic keyword routing for the local LLM (any domain, synonyms passed in),
parsed answers for real LLMs."""

import pytest

from frmk.llm import LocalLLM, choose, keyword_scores

# The agents and tools of the sample travel_planning spec.
SPEC = {
    "agents": {
        "supervisor_agent": {"kind": "supervisor", "tools": []},
        "flight_agent": {"kind": "llm_agent", "tools": ["flight_search"]},
        "hotel_agent": {"kind": "llm_agent", "tools": ["hotel_search"]},
        "itinerary_agent": {"kind": "llm_agent", "tools": []},
    },
    "tools": {
        "flight_search": {"description": "Search flights between two cities on a date"},
        "hotel_search": {"description": "Search hotels in a city for a date range"},
    },
}

# What a generated supervisor passes: agent name -> description built from its tools.
OPTIONS = {
    "flight_agent": "Search flights between two cities on a date",
    "hotel_agent": "Search hotels in a city for a date range",
    "itinerary_agent": "Assemble a day-by-day itinerary",
}


class ScriptedLLM:
    """A stand-in for a hosted model: answers from a script and records the prompts it got."""

    def __init__(self, answer):
        self.answer = answer
        self.prompts = []

    async def complete(self, messages, **overrides):
        self.prompts.append(messages)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


# An IT helpdesk's agents: routing needs no concept table when the descriptions use the words.
HELPDESK = {
    "account_agent": "Unlocks accounts and resets passwords",
    "network_agent": "Fixes VPN, wifi and network connection problems",
    "hardware_agent": "Repairs laptops, printers and monitors",
}
# A domain's synonyms, passed in as data (a generated supervisor passes its domain module's).
TRAVEL_CONCEPTS = {
    "flight": ("fly", "airline"),
    "hotel": ("stay", "room", "night"),
    "itinerary": ("plan", "trip", "see", "thing", "do", "day", "day-by-day"),
}


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("I forgot my password", "account_agent"),
        ("My account is locked", "account_agent"),
        ("The VPN keeps disconnecting", "network_agent"),
        ("No wifi in room 4", "network_agent"),
        ("The printer jams", "hardware_agent"),
        ("My laptop screen flickers", "hardware_agent"),
    ],
)
async def test_local_routing_matches_descriptions_in_any_domain(request_text, expected):
    assert await choose(LocalLLM(), request_text, HELPDESK) == expected


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("I need a flight from London to Paris on May 3", "flight_agent"),
        ("Which airline is cheapest to Tokyo?", "flight_agent"),
        ("Book me a room in Rome for 3 nights", "hotel_agent"),
        ("Where should we stay in Lisbon?", "hotel_agent"),
        ("What should I see in Prague over 3 days?", "itinerary_agent"),
        ("Plan my trip", "itinerary_agent"),
    ],
)
async def test_concepts_passed_in_map_a_domains_synonyms(request_text, expected):
    assert await choose(LocalLLM(), request_text, OPTIONS, concepts=TRAVEL_CONCEPTS) == expected


async def test_without_a_concept_table_no_domain_synonyms_are_known():
    scores = keyword_scores("Where should we stay in Lisbon?", OPTIONS)
    assert set(scores.values()) == {0}
    assert keyword_scores("Where should we stay?", OPTIONS, TRAVEL_CONCEPTS)["hotel_agent"] > 0
    # The built-in table is domain-neutral: reviewing words still meet.
    options = {"writer": "Drafts answers", "checker": "Verifies answers"}
    assert await choose(LocalLLM(), "please review this", options) == "checker"


async def test_routing_works_from_names_alone_and_tool_descriptions_of_the_sample_spec():
    names_only = dict.fromkeys(OPTIONS, "")
    assert await choose(LocalLLM(), "I want to fly to Rome", names_only,
                        concepts=TRAVEL_CONCEPTS) == "flight_agent"
    tools = SPEC["tools"]
    options = {
        name: " ".join(tools[t]["description"] for t in agent["tools"])
        for name, agent in SPEC["agents"].items()
        if agent["kind"] != "supervisor"
    }
    assert await choose(LocalLLM(), "flights to Berlin please", options) == "flight_agent"
    assert await choose(LocalLLM(), "hotels in Berlin please", options) == "hotel_agent"
    assert await choose(LocalLLM(), "things to do in Berlin", options,
                        concepts=TRAVEL_CONCEPTS) == "itinerary_agent"


async def test_local_routing_is_deterministic_with_default_fallback():
    results = {await choose(LocalLLM(), "Flights to Oslo", OPTIONS) for _ in range(5)}
    assert results == {"flight_agent"}
    assert await choose(LocalLLM(), "hello there", OPTIONS) == "flight_agent"  # first option
    assert await choose(None, "hello there", OPTIONS, default="itinerary_agent") == "itinerary_agent"
    scores = keyword_scores("a flight and a hotel", OPTIONS)
    assert scores["flight_agent"] == scores["hotel_agent"] > scores["itinerary_agent"] == 0


async def test_option_checks():
    with pytest.raises(ValueError, match="at least one option"):
        await choose(LocalLLM(), "x", {})
    with pytest.raises(ValueError, match="'nobody' is not one of the options"):
        await choose(LocalLLM(), "x", OPTIONS, default="nobody")
    assert await choose(ScriptedLLM(RuntimeError("unused")), "x", {"only": ""}) == "only"


@pytest.mark.parametrize(
    "answer",
    ["hotel_agent", "  `Hotel_Agent`.\n", '"hotel agent"',
     "The best choice is hotel_agent because the user wants a room."],
)
async def test_real_llm_answer_is_parsed_leniently(answer):
    llm = ScriptedLLM(answer)
    assert await choose(llm, "I want to fly to Paris", OPTIONS) == "hotel_agent"
    system = llm.prompts[0][0]["content"]
    assert all(f"- {name}: {desc}" in system for name, desc in OPTIONS.items())
    assert llm.prompts[0][1] == {"role": "user", "content": "I want to fly to Paris"}


async def test_longest_name_wins_when_names_overlap():
    options = {"flight": "", "flight_agent": "", "hotel": ""}
    assert await choose(ScriptedLLM("flight_agent"), "x", options) == "flight_agent"
    assert await choose(ScriptedLLM("I pick flight."), "x", options) == "flight"


@pytest.mark.parametrize("answer", ["I cannot decide.", "", ConnectionError("down")])
async def test_unusable_answer_or_failure_falls_back_to_keywords(answer):
    assert await choose(ScriptedLLM(answer), "I want to fly to Paris", OPTIONS) == "flight_agent"
