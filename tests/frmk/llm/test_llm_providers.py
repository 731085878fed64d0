"""get_llm: provider selection, clear configuration errors, and the LangChain adapter talking
to the loopback model server (real langchain-openai and langchain-ollama), traced."""

import sys

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from frmk.llm import ChatModelLLM, LLMConfigurationError, LocalLLM, get_llm
from frmk.utils.tracing.genai import trace_llm
from tests.frmk.llm.model_servers import MODEL_SUFFIX, REPLY, REPLY_TOKENS

# langchain-openai keeps one async HTTP client per base URL for the process: its connections
# belong to the event loop that opened them, so the async tests here share one loop.
shared_loop = pytest.mark.asyncio(loop_scope="session")
MESSAGES = [{"role": "system", "content": "You are flight_agent."},
            {"role": "user", "content": "Flights from Paris to Rome"}]  # fmt: skip
PROMPT_TOKENS = 8  # the server's count: words in MESSAGES

PROVIDER_VARS = (
    "LLM_PROVIDER", "OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_VERSION", "OLLAMA_BASE_URL", "OLLAMA_MODEL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in PROVIDER_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def without(monkeypatch):
    """``without("langchain_openai")``: importing that module fails, as when it is not installed."""

    def hide(module: str) -> None:
        monkeypatch.setitem(sys.modules, module, None)

    return hide


def test_default_and_env_select_local(monkeypatch):
    assert isinstance(get_llm(), LocalLLM)
    monkeypatch.setenv("LLM_PROVIDER", "Local")
    assert isinstance(get_llm(model="gpt-4o-mini", temperature=0.1), LocalLLM)


def test_unknown_provider_names_the_choices(monkeypatch):
    with pytest.raises(LLMConfigurationError, match=r"'gemini'.*local, openai, azure, ollama"):
        get_llm("gemini")
    monkeypatch.setenv("LLM_PROVIDER", "claude")
    with pytest.raises(LLMConfigurationError, match="'claude'"):
        get_llm()


def test_openai_names_the_missing_variable_then_the_missing_package(monkeypatch, without):
    without("langchain_openai")
    with pytest.raises(LLMConfigurationError, match="OPENAI_API_KEY") as missing_var:
        get_llm("openai")
    assert "\n" not in str(missing_var.value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with pytest.raises(LLMConfigurationError, match="pip install langchain-openai"):
        get_llm("openai")


def test_azure_lists_every_missing_variable_then_the_package(monkeypatch, without):
    without("langchain_openai")
    with pytest.raises(LLMConfigurationError,
                       match="variables AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT"):
        get_llm("azure")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")
    with pytest.raises(LLMConfigurationError, match="variable AZURE_OPENAI_DEPLOYMENT"):
        get_llm("azure")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "gpt4o")
    with pytest.raises(LLMConfigurationError, match="OPENAI_API_VERSION"):
        get_llm("azure_openai")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    with pytest.raises(LLMConfigurationError, match="pip install langchain-openai"):
        get_llm("azure")


def test_ollama_needs_its_package(without):
    without("langchain_ollama")
    with pytest.raises(LLMConfigurationError, match="pip install langchain-ollama"):
        get_llm("ollama")


@shared_loop
async def test_openai_adapter_sends_config_and_reports_usage_to_its_span(
    monkeypatch, model_server, spans
):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.openai_url)
    llm = get_llm("openai", model="gpt-4o-mini", temperature=0.3, max_tokens=800, extra="ignored")
    assert isinstance(llm, ChatModelLLM) and llm.model == "gpt-4o-mini"
    assert (llm.temperature, llm.max_tokens) == (0.3, 800)
    assert await trace_llm(llm.complete)(MESSAGES, temperature=0) == REPLY
    body = model_server.requests[0][1]
    assert (body["model"], body["temperature"], body["max_completion_tokens"]) == (
        "gpt-4o-mini", 0, 800,
    )  # the override is bound to the call  # fmt: skip
    (span,) = spans
    assert (span["name"], span["kind"], span["component"]) == ("chat gpt-4o-mini", "client", "llm")
    assert span["metadata"] == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.temperature": 0,
        "gen_ai.request.max_tokens": 800,
        "gen_ai.response.model": "gpt-4o-mini" + MODEL_SUFFIX,
        "gen_ai.usage.input_tokens": PROMPT_TOKENS,
        "gen_ai.usage.output_tokens": REPLY_TOKENS,
        "gen_ai.response.finish_reasons": ["stop"],
    }
    monkeypatch.setenv("OPENAI_MODEL", "gpt-4.1")  # the operator's variable beats the spec
    assert get_llm("openai", model="gpt-4o-mini").chat_model.model_name == "gpt-4.1"


@shared_loop
async def test_untraced_calls_report_nothing(monkeypatch, model_server, spans):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.openai_url)
    assert await get_llm("openai").complete("hi") == REPLY
    assert spans == []


@shared_loop
async def test_azure_adapter(monkeypatch, model_server, spans):
    for name, value in {
        "AZURE_OPENAI_API_KEY": "k", "AZURE_OPENAI_ENDPOINT": model_server.url,
        "AZURE_OPENAI_DEPLOYMENT": "prod-4o", "OPENAI_API_VERSION": "2024-06-01",
    }.items():
        monkeypatch.setenv(name, value)
    azure = get_llm("azure", temperature=0.5, max_retries=0)
    assert azure.chat_model.deployment_name == "prod-4o"
    assert await trace_llm(azure.complete)("hi") == REPLY
    assert model_server.requests[0][0] == "/openai/deployments/prod-4o/chat/completions"
    meta = spans[0]["metadata"]
    assert spans[0]["name"] == "chat prod-4o"
    assert meta["gen_ai.provider.name"] == "azure.ai.openai"
    assert meta["gen_ai.request.temperature"] == 0.5
    assert meta["gen_ai.usage.input_tokens"] == 1


@shared_loop
async def test_ollama_adapter(monkeypatch, model_server, spans):
    monkeypatch.setenv("OLLAMA_MODEL", "llama3.2")
    monkeypatch.setenv("OLLAMA_BASE_URL", model_server.url)
    ollama = get_llm("ollama", model="gpt-4o-mini", max_tokens=100)
    assert repr(ollama) == "ChatModelLLM(provider='ollama', model='llama3.2')"
    assert await trace_llm(ollama.complete)(MESSAGES) == REPLY
    path, body = model_server.requests[0]
    assert path == "/api/chat" and body["model"] == "llama3.2"
    assert body["options"] == {"num_predict": 100}
    meta = spans[0]["metadata"]
    assert meta["gen_ai.provider.name"] == "ollama"
    assert meta["gen_ai.request.max_tokens"] == 100
    assert meta["gen_ai.response.model"] == "llama3.2"
    assert meta["gen_ai.usage.input_tokens"] == PROMPT_TOKENS
    assert meta["gen_ai.usage.output_tokens"] == REPLY_TOKENS
    assert meta["gen_ai.response.finish_reasons"] == ["stop"]


@shared_loop
async def test_content_blocks_are_joined_and_missing_usage_stays_absent(spans):
    reply = AIMessage([{"type": "text", "text": "a"}, {"type": "image_url"}, "b"])
    llm = ChatModelLLM(GenericFakeChatModel(messages=iter([reply])), "fake", "fake-1")
    assert await trace_llm(llm.complete)("hi") == "ab"
    assert spans[0]["metadata"] == {"gen_ai.operation.name": "chat",
                                    "gen_ai.provider.name": "fake",
                                    "gen_ai.request.model": "fake-1"}  # fmt: skip
