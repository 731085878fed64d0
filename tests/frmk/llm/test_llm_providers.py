"""get_llm: provider selection, clear configuration errors, and the LangChain adapter."""

import sys
import textwrap

import pytest

from frmk.llm import ChatModelLLM, LLMConfigurationError, LocalLLM, get_llm

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
def standin_packages(tmp_path, monkeypatch):
    """Importable stand-ins for langchain-openai / langchain-ollama that record their settings."""
    body = textwrap.dedent(
        '''
        class _Reply:
            def __init__(self, content):
                self.content = content

        class _Chat:
            def __init__(self, **kwargs):
                self.kwargs = kwargs
                self.bound = {}
                self.calls = []

            def bind(self, **kwargs):
                clone = type(self)(**self.kwargs)
                clone.bound = kwargs
                clone.calls = self.calls
                return clone

            async def ainvoke(self, messages):
                self.calls.append((messages, self.bound))
                if self.kwargs.get("model") == "blocks":
                    return _Reply([{"type": "text", "text": "a"}, {"type": "image"}, "b"])
                return _Reply("reply from " + type(self).__name__)

        class ChatOpenAI(_Chat):
            pass

        class AzureChatOpenAI(_Chat):
            pass

        class ChatOllama(_Chat):
            pass
        '''
    )
    for package in ("langchain_openai", "langchain_ollama"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(body)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for package in ("langchain_openai", "langchain_ollama"):
        sys.modules.pop(package, None)


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


def test_openai_names_the_missing_variable_then_the_missing_package(monkeypatch):
    with pytest.raises(LLMConfigurationError, match="OPENAI_API_KEY") as missing_var:
        get_llm("openai")
    assert "\n" not in str(missing_var.value)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with pytest.raises(LLMConfigurationError, match="pip install langchain-openai"):
        get_llm("openai")


def test_azure_lists_every_missing_variable_then_the_package(monkeypatch):
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


def test_ollama_needs_its_package():
    with pytest.raises(LLMConfigurationError, match="pip install langchain-ollama"):
        get_llm("ollama")


async def test_openai_adapter_passes_config_and_returns_text(monkeypatch, standin_packages):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    llm = get_llm("openai", model="gpt-4o-mini", temperature=0.3, max_tokens=800, extra="ignored")
    assert isinstance(llm, ChatModelLLM) and llm.model == "gpt-4o-mini"
    assert llm.chat_model.kwargs == {"model": "gpt-4o-mini", "temperature": 0.3, "max_tokens": 800}
    messages = [{"role": "system", "content": "You are x."}, {"role": "user", "content": "hi"}]
    assert await llm.complete(messages, temperature=0) == "reply from ChatOpenAI"
    assert llm.chat_model.calls == [(messages, {"temperature": 0})]
    monkeypatch.setenv("OPENAI_MODEL", "blocks")  # the operator's variable beats the spec
    assert await get_llm("openai", model="gpt-4o-mini").complete("hi") == "ab"


async def test_azure_and_ollama_adapters(monkeypatch, standin_packages):
    for name, value in {
        "AZURE_OPENAI_API_KEY": "k", "AZURE_OPENAI_ENDPOINT": "https://e.openai.azure.com",
        "AZURE_OPENAI_DEPLOYMENT": "prod-4o", "OPENAI_API_VERSION": "2024-06-01",
    }.items():
        monkeypatch.setenv(name, value)
    azure = get_llm("azure", temperature=0.5)
    assert azure.chat_model.kwargs == {
        "azure_deployment": "prod-4o", "azure_endpoint": "https://e.openai.azure.com",
        "api_key": "k", "api_version": "2024-06-01", "temperature": 0.5,
    }
    assert await azure.complete("hi") == "reply from AzureChatOpenAI"

    monkeypatch.setenv("OLLAMA_MODEL", "llama3.2")
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:11500")
    ollama = get_llm("ollama", model="gpt-4o-mini", max_tokens=100)
    assert ollama.chat_model.kwargs == {
        "model": "llama3.2", "base_url": "http://127.0.0.1:11500", "num_predict": 100,
    }
    assert repr(ollama) == "ChatModelLLM(provider='ollama', model='llama3.2')"
