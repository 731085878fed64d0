"""trace_llm with the real OpenAI SDK (sync, async, Azure; Chat Completions and Responses;
streams) against the loopback model server, and with other model objects."""

from __future__ import annotations

import inspect
import socket

import openai
import pytest

from frmk.utils import tracing
from frmk.utils.tracing import TraceSpan
from frmk.utils.tracing.genai import note_llm_response, trace_llm
from frmk.utils.tracing.genai_attributes import TIME_TO_FIRST_CHUNK
from tests.frmk.llm.model_servers import MODEL_SUFFIX, REPLY, REPLY_TOKENS

MESSAGES = [{"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Say hello to me"}]  # fmt: skip
PROMPT_TOKENS = 7  # the server's count: words in the messages above


def sync_client(server) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url=server.openai_url, max_retries=0)


def async_client(server) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-test", base_url=server.openai_url, max_retries=0)


def only_span(spans) -> dict:
    assert len(spans) == 1, [s["name"] for s in spans]
    return spans[0]


def test_sync_chat_completion_is_a_client_span_with_request_and_response(spans, model_server):
    client = sync_client(model_server)
    with TraceSpan("agent.flight") as parent:
        reply = trace_llm(client.chat.completions.create)(
            model="gpt-4o-mini", messages=MESSAGES, temperature=0.2, max_tokens=50
        )
    assert reply.choices[0].message.content == REPLY
    llm, agent = spans
    assert (llm["name"], llm["kind"], llm["component"]) == ("chat gpt-4o-mini", "client", "llm")
    assert llm["parent_span_id"] == parent.span_id and agent["name"] == "agent.flight"
    assert llm["status"] == "ok"
    assert llm["metadata"] == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 50,
        "server.address": "127.0.0.1",
        "server.port": model_server.port,
        "gen_ai.response.model": "gpt-4o-mini" + MODEL_SUFFIX,
        "gen_ai.response.id": "chatcmpl-loopback",
        "gen_ai.usage.input_tokens": PROMPT_TOKENS,
        "gen_ai.usage.output_tokens": REPLY_TOKENS,
        "gen_ai.response.finish_reasons": ["stop"],
    }
    # what was sent is exactly what the caller passed
    assert model_server.requests == [("/v1/chat/completions", {
        "model": "gpt-4o-mini", "messages": MESSAGES, "temperature": 0.2, "max_tokens": 50,
    })]  # fmt: skip


async def test_async_chat_completion_with_max_completion_tokens(spans, model_server):
    client = async_client(model_server)
    create = trace_llm(client.chat.completions.create)
    reply = await create(model="gpt-4o", messages=MESSAGES, max_completion_tokens=30)
    assert reply.usage.completion_tokens == REPLY_TOKENS
    meta = only_span(spans)["metadata"]
    assert meta["gen_ai.request.max_tokens"] == 30
    assert "gen_ai.request.temperature" not in meta
    assert meta["gen_ai.usage.input_tokens"] == PROMPT_TOKENS
    assert meta["gen_ai.response.model"] == "gpt-4o" + MODEL_SUFFIX


def test_wrapper_keeps_the_signature(model_server):
    create = sync_client(model_server).chat.completions.create
    assert inspect.signature(trace_llm(create)) == inspect.signature(create)
    assert trace_llm(create).__wrapped__ == create


def test_azure_client_names_its_provider(spans, model_server):
    client = openai.AzureOpenAI(api_key="k", azure_endpoint=model_server.url,
                                api_version="2024-06-01", max_retries=0)  # fmt: skip
    trace_llm(client.chat.completions.create)(model="prod-4o", messages=MESSAGES)
    meta = only_span(spans)["metadata"]
    assert meta["gen_ai.provider.name"] == "azure.ai.openai"
    assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
    assert model_server.requests[0][0] == "/openai/deployments/prod-4o/chat/completions"


@pytest.mark.parametrize("usage", [True, False], ids=["include_usage", "no_usage"])
def test_sync_stream_passes_chunks_and_ends_span_when_exhausted(spans, model_server, usage):
    client = sync_client(model_server)
    options = {"stream_options": {"include_usage": True}} if usage else {}
    stream = trace_llm(client.chat.completions.create)(
        model="gpt-4o-mini", messages=MESSAGES, stream=True, **options
    )
    assert spans == []  # open until the stream ends
    chunks = list(stream)
    assert all(type(c).__name__ == "ChatCompletionChunk" for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == REPLY
    span = only_span(spans)
    meta = span["metadata"]
    assert span["status"] == "ok" and span["name"] == "chat gpt-4o-mini"
    assert isinstance(meta[TIME_TO_FIRST_CHUNK], float) and meta[TIME_TO_FIRST_CHUNK] >= 0
    assert meta["gen_ai.response.finish_reasons"] == ["stop"]
    assert meta["gen_ai.response.model"] == "gpt-4o-mini" + MODEL_SUFFIX
    if usage:
        assert meta["gen_ai.usage.input_tokens"] == PROMPT_TOKENS
        assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
    else:  # absent, never estimated
        assert "gen_ai.usage.input_tokens" not in meta
        assert "gen_ai.usage.output_tokens" not in meta
    assert model_server.requests[0][1] == {
        "model": "gpt-4o-mini", "messages": MESSAGES, "stream": True, **options,
    }


def test_sync_stream_closed_early_by_with_ends_the_span(spans, model_server):
    client = sync_client(model_server)
    with trace_llm(client.chat.completions.create)(
        model="gpt-4o-mini", messages=MESSAGES, stream=True
    ) as stream:
        first = next(stream)
        assert stream.response.status_code == 200  # other attributes are the stream's
        assert spans == []
    assert first.choices[0].delta.role == "assistant"
    span = only_span(spans)
    assert span["status"] == "ok" and "gen_ai.response.finish_reasons" not in span["metadata"]


@pytest.mark.parametrize("style", ["iterate", "async_with", "close"])
async def test_async_stream(spans, model_server, style):
    client = async_client(model_server)
    stream = await trace_llm(client.chat.completions.create)(
        model="gpt-4o-mini", messages=MESSAGES, stream=True,
        stream_options={"include_usage": True},
    )  # fmt: skip
    assert spans == []
    text = ""
    if style == "iterate":
        async for chunk in stream:
            text += chunk.choices[0].delta.content or "" if chunk.choices else ""
        assert text == REPLY
    elif style == "async_with":
        async with stream:
            async for chunk in stream:
                text += chunk.choices[0].delta.content or "" if chunk.choices else ""
        assert text == REPLY
    else:
        await stream.__anext__()
        await stream.close()
    meta = only_span(spans)["metadata"]
    if style == "close":
        assert "gen_ai.usage.input_tokens" not in meta
    else:
        assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
        assert TIME_TO_FIRST_CHUNK in meta


def test_sync_responses_api(spans, model_server):
    client = sync_client(model_server)
    response = trace_llm(client.responses.create)(
        model="gpt-4.1", input="Say hello to me", max_output_tokens=64, temperature=0
    )
    assert response.output_text == REPLY
    span = only_span(spans)
    assert span["name"] == "chat gpt-4.1"
    meta = span["metadata"]
    assert meta["gen_ai.request.max_tokens"] == 64 and meta["gen_ai.request.temperature"] == 0
    assert meta["gen_ai.usage.input_tokens"] == 4
    assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
    assert meta["gen_ai.response.finish_reasons"] == ["completed"]
    assert meta["gen_ai.response.id"] == "resp_loopback"


async def test_async_responses_api_stream(spans, model_server):
    client = async_client(model_server)
    stream = await trace_llm(client.responses.create)(model="gpt-4.1", input="hi", stream=True)
    events = [event async for event in stream]
    assert [e.type for e in events][-1] == "response.completed"
    meta = only_span(spans)["metadata"]
    assert meta["gen_ai.usage.input_tokens"] == 1
    assert meta["gen_ai.response.model"] == "gpt-4.1" + MODEL_SUFFIX
    assert TIME_TO_FIRST_CHUNK in meta


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("model", "base", "error"),
    [("rate-limited", None, "RateLimitError"),
     ("gpt-4o-mini", "closed", "APIConnectionError")],
    ids=["rate_limit", "connection_refused"],
)  # fmt: skip
async def test_provider_errors_fail_the_span_with_their_type(spans, model_server, model, base,
                                                             error):
    client = async_client(model_server)
    if base == "closed":
        client = openai.AsyncOpenAI(api_key="k", base_url=f"http://127.0.0.1:{closed_port()}/v1",
                                    max_retries=0)  # fmt: skip
    with pytest.raises(getattr(openai, error)):
        await trace_llm(client.chat.completions.create)(model=model, messages=MESSAGES)
    span = only_span(spans)
    assert span["status"] == "error" and span["error"]["type"] == error
    assert span["metadata"]["error.type"] == error


class Echo:
    """A model object frmk knows nothing about."""

    model_name = "echo-1"

    def reply(self, prompt: str, temperature: float = 1.0) -> str:
        return prompt


def test_any_other_model_call_is_a_generic_chat_span(spans):
    assert trace_llm(Echo().reply)("hi", temperature=0.5) == "hi"
    span = only_span(spans)
    assert span["name"] == "chat echo-1"
    assert span["metadata"] == {"gen_ai.operation.name": "chat",
                                "gen_ai.request.model": "echo-1",
                                "gen_ai.request.temperature": 0.5}  # fmt: skip
    assert trace_llm(print)() is None  # no owner, no model: just "chat"
    assert spans[-1]["name"] == "chat"


def test_note_llm_response_only_touches_llm_spans(spans):
    assert note_llm_response(input_tokens=3) is False
    with TraceSpan("agent.x"):
        assert note_llm_response(input_tokens=3) is False
    assert "gen_ai.usage.input_tokens" not in spans[0]["metadata"]


def test_disabled_tracing_returns_the_function_itself(model_server):
    create = sync_client(model_server).chat.completions.create
    tracing.configure(enabled=False, output="none")
    try:
        assert trace_llm(create) is create
    finally:
        tracing.configure(output="none")
