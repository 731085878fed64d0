"""The embedded local LLM: deterministic, offline, useful replies in the agent's role."""

import asyncio

import pytest

from frmk.llm import LLMConfigurationError, LocalLLM, get_llm
from frmk.llm.local import count_tokens
from frmk.utils.tracing.genai import trace_llm


def convo(role, *user_texts):
    messages = [{"role": "system", "content": f"You are {role}, part of a travel assistant."}]
    for text in user_texts:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]
    return messages[:-1]


async def test_same_input_same_output_across_instances():
    messages = convo("flight_agent", "Flights from Madrid to Lisbon on 4 June for 3 people")
    replies = {await LocalLLM().complete(messages) for _ in range(3)}
    replies.add(await get_llm("local").complete(messages))
    assert len(replies) == 1


async def test_flight_agent_reply_uses_the_request_details():
    reply = await LocalLLM().complete(
        convo("flight_agent", "I need a flight from London to Paris on May 3 for 2 people")
    )
    assert reply.startswith("I'll look for flights from London to Paris on 3 May for 2 travellers.")
    assert "please tell me" not in reply


async def test_flight_agent_asks_for_what_is_missing():
    reply = await LocalLLM().complete(convo("flight_agent", "Can I fly to Tokyo?"))
    assert "flights to Tokyo" in reply
    assert "departure city, travel date and number of travellers" in reply


async def test_hotel_and_itinerary_roles_answer_in_role():
    hotel = await LocalLLM().complete(
        convo("hotel_agent", "A hotel in Vienna from 2026-03-01 for 2 nights, 2 guests")
    )
    assert hotel.startswith(
        "I'll look for hotels in Vienna from 2026-03-01 to 2026-03-03 for 2 guests."
    )
    plan = await LocalLLM().complete(convo("itinerary_agent", "Plan 3 days in Prague"))
    lines = plan.splitlines()
    assert lines[0] == "Here is a draft 3-day itinerary for Prague:"
    assert [line.split(":")[0] for line in lines[1:]] == ["Day 1", "Day 2", "Day 3"]


async def test_later_messages_update_earlier_details():
    reply = await LocalLLM().complete(
        convo("flight_agent", "Flights from Berlin to Rome for 2 people", "Make it Naples on July 9")
    )
    assert "from Berlin to Naples on 9 July for 2 travellers" in reply


async def test_greeting_unknown_role_and_bare_string():
    llm = LocalLLM()
    assert await llm.complete("hello") == (
        "Hello! I'm the assistant. I can help with your request. How can I help?"
    )
    billing = await llm.complete(
        [{"role": "system", "content": "You are the billing_agent, who handles invoices."},
         {"role": "user", "content": "Where is invoice 1234 from March?"}]
    )
    assert billing.startswith("As the billing agent, I understood your request about invoice")


async def test_today_and_max_tokens_config():
    llm = get_llm("local", model="gpt-4o-mini", temperature=0.2, today="2026-05-01", max_tokens=6)
    assert await llm.complete(convo("flight_agent", "Rome to Oslo tomorrow")) == (
        "I'll look for flights from Rome…"
    )
    full = await llm.complete(convo("flight_agent", "Rome to Oslo tomorrow"), max_tokens=0)
    assert "on 2026-05-02" in full


async def test_bad_messages_are_rejected_clearly():
    with pytest.raises(ValueError, match="role 'robot'"):
        await LocalLLM().complete([{"role": "robot", "content": "x"}])
    with pytest.raises(ValueError, match="needs text content"):
        await LocalLLM().complete([{"role": "user", "content": None}])


async def test_reads_known_context_and_tool_results_from_the_system_prompt():
    system = (
        "You are the flight agent of the Travel Planning Assistant. Answer briefly.\n\n"
        "Known so far: destination=Paris; travelers=2; mood=happy\n\n"
        "Tool results:\n[flight_search] not configured: set FLIGHT_API_URL\n"
        '[price_check] {"cheapest": 120}'
    )
    reply = await LocalLLM().complete(
        [{"role": "system", "content": system},
         {"role": "user", "content": "I want to fly from Berlin on May 3"}]
    )
    assert reply.startswith("I'll look for flights from Berlin to Paris on 3 May for 2 travellers.")
    assert 'Results — price_check: {"cheapest": 120}.' in reply
    assert reply.endswith(
        "because flight_search (not configured: set FLIGHT_API_URL) is not available."
    )


async def test_thanks_gets_a_short_closing():
    reply = await LocalLLM().complete(convo("hotel_agent", "Hotel in Oslo", "thanks!"))
    assert reply == "You're welcome! Let me know if there is anything else I can do."


async def test_local_llm_delay_holds_the_answer_back(monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_DELAY", "60")
    pending = asyncio.ensure_future(LocalLLM().complete(convo("hotel_agent", "A hotel in Rome")))

    done, _ = await asyncio.wait({pending}, timeout=0.2)
    pending.cancel()

    assert not done  # still waiting; cancelling it is how a caller gives up


async def test_no_local_llm_delay_answers_at_once(monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_DELAY", "0")
    reply = await asyncio.wait_for(LocalLLM().complete(convo("hotel_agent", "Rome")), timeout=30)
    assert reply


@pytest.mark.parametrize(
    "value", ["soon", "-1", "nan", "inf"], ids=["word", "negative", "nan", "infinite"]
)
async def test_a_bad_local_llm_delay_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("LOCAL_LLM_DELAY", value)
    with pytest.raises(LLMConfigurationError, match="^LOCAL_LLM_DELAY must be a number"):
        await LocalLLM().complete("hi")


async def test_a_long_message_is_read_off_the_event_loop(monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_DELAY", "0")
    long_text = "A flight from London to Paris on May 3 for 2 people. " * 4000  # ~210 KB
    answer = asyncio.ensure_future(LocalLLM().complete(convo("flight_agent", long_text)))

    await asyncio.sleep(0)  # the answer's task runs once; reading in this loop would finish it

    assert not answer.done()  # the loop is free while the text is read elsewhere
    assert "London" in await answer


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("Hello, world!", 4), ("flight_agent 2 people", 3), ("a-b  c…", 5)],
    ids=["empty", "punctuation", "underscore_and_digits", "hyphen_space_ellipsis"],
)  # fmt: skip
def test_count_tokens_counts_words_and_other_characters(text, count):
    assert count_tokens(text) == count


@pytest.mark.parametrize(
    ("config", "finish"),
    [({"temperature": 0.2}, "stop"), ({"max_tokens": 4}, "length")],
    ids=["spec_config", "cut_by_max_tokens"],
)  # fmt: skip
async def test_traced_local_calls_report_counted_tokens(spans, config, finish):
    llm = get_llm("local", model="gpt-4o-mini", **config)  # the spec's model is not the local one
    messages = convo("flight_agent", "Flights from Madrid to Lisbon on 4 June for 3 people")
    reply = await trace_llm(llm.complete)(messages)
    (span,) = spans
    assert (span["name"], span["kind"], span["component"]) == ("chat local", "client", "llm")
    expected = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "goalgen.local",
        "gen_ai.request.model": "local",
        "gen_ai.response.model": "local",
        "gen_ai.usage.input_tokens": sum(count_tokens(m["content"]) for m in messages),
        "gen_ai.usage.output_tokens": count_tokens(reply),
        "gen_ai.response.finish_reasons": [finish],
    }
    if llm.temperature is not None:
        expected["gen_ai.request.temperature"] = llm.temperature
    if llm.max_tokens is not None:
        expected["gen_ai.request.max_tokens"] = llm.max_tokens
    assert span["metadata"] == expected
    assert span["metadata"]["gen_ai.usage.input_tokens"] > 0
