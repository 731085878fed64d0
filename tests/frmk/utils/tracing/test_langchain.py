"""langchain_callbacks on real LangChain chat models (langchain-openai's ChatOpenAI, langchain-
ollama's ChatOllama) talking to the loopback model server: invoke, ainvoke, stream, astream."""

from __future__ import annotations

import openai
import pytest
from langchain_ollama import ChatOllama
from langchain_openai import ChatOpenAI

from frmk.utils.tracing import TraceSpan, langchain_callbacks
from frmk.utils.tracing.genai import trace_llm
from frmk.utils.tracing.genai_attributes import TIME_TO_FIRST_CHUNK
from tests.frmk.llm.model_servers import MODEL_SUFFIX, REPLY, REPLY_TOKENS

# langchain-openai keeps one async HTTP client per base URL for the process: its connections
# belong to the event loop that opened them, so these tests share one loop.
pytestmark = pytest.mark.asyncio(loop_scope="session")

MESSAGES = [("system", "You are terse."), ("human", "Say hello to me")]
PROMPT_TOKENS = 7


async def run(model, style: str) -> str:
    if style == "invoke":
        return model.invoke(MESSAGES).content
    if style == "ainvoke":
        return (await model.ainvoke(MESSAGES)).content
    if style == "stream":
        return "".join(chunk.content for chunk in model.stream(MESSAGES))
    return "".join([chunk.content async for chunk in model.astream(MESSAGES)])


STYLES = ["invoke", "ainvoke", "stream", "astream"]


def chat_openai(server, **kwargs) -> ChatOpenAI:
    return ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", base_url=server.openai_url,
                      max_retries=0, callbacks=langchain_callbacks(), **kwargs)  # fmt: skip


@pytest.mark.parametrize("style", STYLES)
async def test_chat_openai_runs_are_chat_spans_under_the_current_span(spans, model_server, style):
    model = chat_openai(model_server, temperature=0.3, max_tokens=40, stream_usage=True)
    with TraceSpan("agent.flight") as parent:
        assert await run(model, style) == REPLY
    llm, agent = spans
    assert (llm["name"], llm["kind"], llm["component"]) == ("chat gpt-4o-mini", "client", "llm")
    assert llm["parent_span_id"] == parent.span_id and agent["name"] == "agent.flight"
    meta = llm["metadata"]
    assert {k: v for k, v in meta.items() if k != TIME_TO_FIRST_CHUNK} == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0.3,
        "gen_ai.request.max_tokens": 40,
        "gen_ai.response.model": "gpt-4o-mini" + MODEL_SUFFIX,
        "gen_ai.usage.input_tokens": PROMPT_TOKENS,
        "gen_ai.usage.output_tokens": REPLY_TOKENS,
        "gen_ai.response.finish_reasons": ["stop"],
    }
    assert (TIME_TO_FIRST_CHUNK in meta) == style.endswith("stream")


@pytest.mark.parametrize("style", ["stream", "astream"])
async def test_stream_usage_off_leaves_usage_absent(spans, model_server, style):
    model = chat_openai(model_server)  # base_url set: ChatOpenAI does not ask for stream usage
    assert await run(model, style) == REPLY
    meta = spans[0]["metadata"]
    assert "stream_options" not in model_server.requests[0][1]  # nothing added to the request
    assert "gen_ai.usage.input_tokens" not in meta and "gen_ai.usage.output_tokens" not in meta
    assert meta["gen_ai.response.model"] == "gpt-4o-mini" + MODEL_SUFFIX


@pytest.mark.parametrize("style", STYLES)
async def test_chat_ollama_reports_its_counts(spans, model_server, style):
    model = ChatOllama(model="llama3.1", base_url=model_server.url, temperature=0,
                       num_predict=64, callbacks=langchain_callbacks())  # fmt: skip
    assert await run(model, style) == REPLY
    meta = spans[0]["metadata"]
    assert spans[0]["name"] == "chat llama3.1"
    assert meta["gen_ai.provider.name"] == "ollama"
    assert meta["gen_ai.request.temperature"] == 0
    assert "gen_ai.request.max_tokens" not in meta  # ChatOllama does not tell its callbacks
    assert meta["gen_ai.response.model"] == "llama3.1"
    assert meta["gen_ai.usage.input_tokens"] == PROMPT_TOKENS
    assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
    assert meta["gen_ai.response.finish_reasons"] == ["stop"]


@pytest.mark.parametrize("style", ["invoke", "astream"])
async def test_model_errors_fail_the_span(spans, model_server, style):
    model = ChatOpenAI(model="rate-limited", api_key="k", base_url=model_server.openai_url,
                       max_retries=0, callbacks=langchain_callbacks())  # fmt: skip
    with pytest.raises(openai.RateLimitError) as raised:
        await run(model, style)
    (span,) = spans
    # the class raised: langchain-openai's subclass of the SDK's RateLimitError
    assert type(raised.value).__name__ == "OpenAIRateLimitError"
    assert span["status"] == "error" and span["error"]["type"] == "OpenAIRateLimitError"
    assert span["metadata"]["error.type"] == "OpenAIRateLimitError"
    assert span["name"] == "chat rate-limited"


async def test_trace_llm_around_a_chat_model_method_reads_the_message(spans, model_server):
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", base_url=model_server.openai_url,
                       max_retries=0)  # fmt: skip
    reply = await trace_llm(model.ainvoke)(MESSAGES)
    assert reply.content == REPLY
    (span,) = spans
    assert span["name"] == "chat gpt-4o-mini"
    assert span["metadata"]["gen_ai.usage.input_tokens"] == PROMPT_TOKENS
    assert span["metadata"]["gen_ai.response.model"] == "gpt-4o-mini" + MODEL_SUFFIX
