"""The embedded local LLM: deterministic, offline replies in the agent's role, for any domain."""

import asyncio

import pytest

from frmk.llm import LLMConfigurationError, LocalLLM, LocalTurn, ToolNote, get_llm
from frmk.llm.local import count_tokens
from frmk.utils.tracing.genai import trace_llm


def convo(role, *user_texts, system=""):
    prompt = f"You are {role}, part of a support desk.{system}"
    messages = [{"role": "system", "content": prompt}]
    for text in user_texts:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]
    return messages[:-1]


HELPDESK = (
    "You are the vpn agent of the IT Helpdesk. Your tasks: fix vpn access, reset tokens. "
    "Answer the user's latest message helpfully and briefly."
)


async def test_same_input_same_output_across_instances():
    messages = convo("vpn_agent", "My VPN drops every 5 minutes since 2026-03-02")
    replies = {await LocalLLM().complete(messages) for _ in range(3)}
    replies.add(await get_llm("local").complete(messages))
    assert len(replies) == 1


@pytest.mark.parametrize(
    ("system", "message", "expected"),
    [
        pytest.param(HELPDESK, "hello", "Hello! I'm the vpn agent. I can help with fix vpn "
                     "access and reset tokens. How can I help?", id="greeting_lists_the_tasks"),
        pytest.param(HELPDESK, "", "Hello! I'm the vpn agent. I can help with fix vpn access "
                     "and reset tokens. What would you like to do?", id="empty_opens"),
        pytest.param(HELPDESK, "thanks!", "You're welcome! Let me know if there is anything "
                     "else I can do.", id="thanks_closes"),
        pytest.param("You are the payroll clerk of HR.", "When is the March payslip due?",
                     "As the payroll clerk, I understood your request about March payslip "
                     "due. I'll work on it and report back with the results.", id="hr_request"),
        pytest.param(HELPDESK + "\n\nKnown so far: ticket_id=INC-4821; device=laptop",
                     "It still fails", "As the vpn agent, I understood your request about "
                     "still fails. Details noted: ticket id INC-4821, device laptop. I'll work on "
                     "it and report back with the results.", id="known_context_noted"),
    ],
)  # fmt: skip
async def test_answers_in_the_role_the_system_prompt_gives(system, message, expected):
    messages = [{"role": "system", "content": system}, {"role": "user", "content": message}]
    assert await LocalLLM().complete(messages) == expected


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


async def test_reads_known_context_and_tool_results_from_the_system_prompt():
    system = (
        "You are the account agent of the IT Helpdesk. Answer briefly.\n\n"
        "Known so far: employee_id=4821\n\n"
        "Tool results:\n[directory_lookup] not configured: set DIRECTORY_URL\n"
        '[lock_status] {"locked": true, "attempts": 5}'
    )
    reply = await LocalLLM().complete(
        [{"role": "system", "content": system},
         {"role": "user", "content": "I am locked out of my account"}]
    )
    assert reply.startswith("As the account agent, I understood your request about locked out "
                            "account. Details noted: employee id 4821. Here is what I found.")
    assert 'Results — lock_status: {"locked": true, "attempts": 5}.' in reply
    assert reply.endswith(
        "because directory_lookup (not configured: set DIRECTORY_URL) is not available."
    )


@pytest.mark.parametrize(
    ("known", "answer", "expected"),
    [
        pytest.param("ticket_id=INC-7; device=printer", "Ticket INC-7: the printer queue was "
                     "cleared.", "Review: the answer covers ticket id and device. Verdict: "
                     "complete.", id="complete"),
        pytest.param("ticket_id=INC-7; device=printer", "Please restart it.", "Review: the "
                     "answer covers none of the known details. Missing: ticket id and device. "
                     "Verdict: needs more detail.", id="missing"),
        pytest.param("", "Please restart the printer.", "Review: the answer addresses "
                     "restart printer. Verdict: complete.", id="no_context"),
    ],
)  # fmt: skip
async def test_an_evaluator_reviews_the_last_answer_against_the_known_context(
    known, answer, expected
):
    system = "You are the quality reviewer of the IT Helpdesk."
    if known:
        system += f"\n\nKnown so far: {known}"
    messages = [{"role": "system", "content": system},
                {"role": "user", "content": "The printer is stuck"},
                {"role": "assistant", "content": answer},
                {"role": "user", "content": "Is that right?"}]
    assert await LocalLLM().complete(messages) == expected


async def test_a_supervisor_coordinates():
    system = "You are the supervisor of the HR desk.\n\nKnown so far: leave_type=parental"
    reply = await LocalLLM().complete(
        [{"role": "system", "content": system}, {"role": "user", "content": "Help me plan"}]
    )
    assert reply == "I'll coordinate your request (leave type parental) with the right specialists."


async def test_domain_replies_answer_first_and_none_leaves_the_generic_answer():
    seen = []

    def replies(turn: LocalTurn):
        seen.append(turn)
        if turn.role == "vpn agent" and turn.kind == "request":
            return f"Resetting the VPN token for {turn.known.get('employee_id', 'you')}."
        return None

    llm = LocalLLM(replies=replies)
    system = HELPDESK + "\n\nKnown so far: employee_id=4821\n\nTool results:\n[vpn_status] up"
    domain = await llm.complete([{"role": "system", "content": system},
                                 {"role": "user", "content": "My token expired"}])
    generic = await llm.complete([{"role": "system", "content": HELPDESK},
                                  {"role": "user", "content": "hi"}])

    assert domain == "Resetting the VPN token for 4821. Results — vpn_status: up."
    assert generic.startswith("Hello! I'm the vpn agent.")
    assert [(t.kind, t.tasks, t.message) for t in seen] == [
        ("request", ("fix vpn access", "reset tokens"), "My token expired"),
        ("greeting", ("fix vpn access", "reset tokens"), "hi"),
    ]
    assert seen[0].tools == (ToolNote("vpn_status", "up", True),)


async def test_local_replies_name_a_function_through_get_llm(tmp_path, monkeypatch):
    (tmp_path / "desk_domain.py").write_text(
        "def offline_reply(turn):\n    return f'{turn.role} on: {turn.message}'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    llm = get_llm("local", local_replies="desk_domain:offline_reply")
    assert await llm.complete("reset my password") == "assistant on: reset my password"
    for target in ("desk_domain:nothing", "no_such_module:reply", "desk_domain"):
        with pytest.raises(LLMConfigurationError, match=f"^local_replies '{target}' names no"):
            get_llm("local", local_replies=target)


async def test_max_tokens_config_cuts_the_reply():
    llm = get_llm("local", model="gpt-4o-mini", temperature=0.2, max_tokens=6)
    messages = convo("vpn_agent", "The VPN client crashes on start")
    assert await llm.complete(messages) == "As the vpn agent, I understood…"
    full = await llm.complete(messages, max_tokens=0)
    assert full.endswith("report back with the results.")


async def test_bad_messages_are_rejected_clearly():
    with pytest.raises(ValueError, match="role 'robot'"):
        await LocalLLM().complete([{"role": "robot", "content": "x"}])
    with pytest.raises(ValueError, match="needs text content"):
        await LocalLLM().complete([{"role": "user", "content": None}])


async def test_thanks_gets_a_short_closing():
    reply = await LocalLLM().complete(convo("hr_agent", "Parental leave rules", "thanks!"))
    assert reply == "You're welcome! Let me know if there is anything else I can do."


async def test_local_llm_delay_holds_the_answer_back(monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_DELAY", "60")
    pending = asyncio.ensure_future(LocalLLM().complete(convo("hr_agent", "Parental leave rules")))

    done, _ = await asyncio.wait({pending}, timeout=0.2)
    pending.cancel()

    assert not done  # still waiting; cancelling it is how a caller gives up


async def test_no_local_llm_delay_answers_at_once(monkeypatch):
    monkeypatch.setenv("LOCAL_LLM_DELAY", "0")
    reply = await asyncio.wait_for(LocalLLM().complete(convo("hr_agent", "Leave")), timeout=30)
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
    long_text = "My laptop cannot reach the VPN gateway since 2026-03-02. " * 4000  # ~230 KB
    answer = asyncio.ensure_future(LocalLLM().complete(convo("vpn_agent", long_text)))

    await asyncio.sleep(0)  # the answer's task runs once; reading in this loop would finish it

    assert not answer.done()  # the loop is free while the text is read elsewhere
    assert "laptop" in await answer


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("Hello, world!", 4), ("vpn_agent 2 people", 3), ("a-b  c…", 5)],
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
    messages = convo("vpn_agent", "My VPN drops every 5 minutes since 2026-03-02")
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
