"""``get_llm``: the LLM named by ``LLM_PROVIDER`` (or the argument), behind one small interface.

Every provider returns an object with ``async complete(messages, **overrides) -> str``.
``local`` (the default) is the embedded offline responder; its ``local_replies`` option names
a project's domain answers as ``"module:function"`` (imported on first use, ignored by the
other providers). ``openai``, ``azure`` and ``ollama``
wrap their LangChain chat models, imported only when selected and configured by the usual
environment variables; a missing package or variable raises :class:`LLMConfigurationError` with a
one-line fix.

Model choice: the provider's variable (``OPENAI_MODEL``, ``AZURE_OPENAI_DEPLOYMENT``,
``OLLAMA_MODEL``) wins over ``llm_config["model"]`` from the spec, so an operator can swap models
without regenerating code.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from frmk.llm.errors import LLMConfigurationError
from frmk.llm.local import LocalLLM
from frmk.llm.messages import normalize_messages
from frmk.utils.tracing.genai import note_llm_response
from frmk.utils.tracing.genai_attributes import result_fields

__all__ = ["PROVIDERS", "ChatModelLLM", "get_llm"]

PROVIDERS = ("local", "openai", "azure", "ollama")
_ALIASES = {"azure_openai": "azure", "azure-openai": "azure", "azureopenai": "azure"}
_PASSED_THROUGH = ("temperature", "max_tokens", "timeout", "max_retries")


class ChatModelLLM:
    """Adapts a LangChain chat model to ``async complete(messages, **overrides) -> str``.

    ``chat_model`` stays available for code that wants LangChain features (tools, streaming).
    Overrides such as ``temperature`` are bound to that one call. ``provider``, ``model``,
    ``temperature`` and ``max_tokens`` (as configured, ``None`` when unset) name the request in
    a ``trace_llm`` span; the response's model, usage and finish reason are reported to it.
    """

    def __init__(
        self,
        chat_model: Any,
        provider: str,
        model: str,
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ):
        self.chat_model = chat_model
        self.provider = provider
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens

    async def complete(self, messages: str | Sequence[Mapping[str, Any]], **overrides: Any) -> str:
        """Send ``messages`` to the chat model and return its text."""
        runnable = self.chat_model.bind(**overrides) if overrides else self.chat_model
        result = await runnable.ainvoke(normalize_messages(messages))
        note_llm_response(**result_fields(result))
        return _text(getattr(result, "content", result))

    def __repr__(self) -> str:
        return f"ChatModelLLM(provider={self.provider!r}, model={self.model!r})"


def get_llm(provider: str | None = None, **llm_config: Any) -> Any:
    """Build the LLM for ``provider`` (else ``LLM_PROVIDER``, else ``local``).

    ``llm_config`` is the spec's ``llm_config`` (``model``, ``temperature``, ``max_tokens``, ...).
    """
    raw = provider or os.environ.get("LLM_PROVIDER") or "local"
    name = raw.strip().lower()
    name = _ALIASES.get(name, name)
    builder = _BUILDERS.get(name)
    if builder is None:
        raise LLMConfigurationError(
            f"unknown LLM provider {raw!r}; choose one of {', '.join(PROVIDERS)} (LLM_PROVIDER)"
        )
    return builder(dict(llm_config))


def _local(config: dict[str, Any]) -> LocalLLM:
    config.pop("model", None)
    target = config.pop("local_replies", None)
    return LocalLLM(**config, replies=_import_target(target) if target else None)


def _import_target(target: str) -> Any:
    """The function ``"package.module:function"`` names; a clear error when it does not exist."""
    module_name, _, attribute = str(target).partition(":")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise LLMConfigurationError(
            f"local_replies {target!r} names no function (expected 'module:function'): {exc}"
        ) from exc
    if not callable(function):
        raise LLMConfigurationError(f"local_replies {target!r} is not a function")
    return function


def _openai(config: dict[str, Any]) -> ChatModelLLM:
    _require("openai", "OPENAI_API_KEY")
    model = os.environ.get("OPENAI_MODEL") or config.get("model") or "gpt-4o-mini"
    module = _import("openai", "langchain_openai", "langchain-openai")
    kwargs = _common(config)
    base_url = os.environ.get("OPENAI_BASE_URL")
    if base_url:
        kwargs["base_url"] = base_url
    chat = module.ChatOpenAI(model=model, **kwargs)
    return ChatModelLLM(chat, "openai", model, **_request(kwargs))


def _azure(config: dict[str, Any]) -> ChatModelLLM:
    deployment = os.environ.get("AZURE_OPENAI_DEPLOYMENT") or config.get("deployment")
    version = os.environ.get("OPENAI_API_VERSION") or os.environ.get("AZURE_OPENAI_API_VERSION")
    _require("azure", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT")
    if not deployment:
        _require("azure", "AZURE_OPENAI_DEPLOYMENT")
    if not version:
        _require("azure", "OPENAI_API_VERSION")
    module = _import("azure", "langchain_openai", "langchain-openai")
    chat = module.AzureChatOpenAI(
        azure_deployment=deployment,
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version=version,
        **_common(config),
    )
    return ChatModelLLM(chat, "azure", str(deployment), **_request(_common(config)))


def _ollama(config: dict[str, Any]) -> ChatModelLLM:
    model = os.environ.get("OLLAMA_MODEL") or config.get("model") or "llama3.1"
    base_url = os.environ.get("OLLAMA_BASE_URL") or "http://localhost:11434"
    module = _import("ollama", "langchain_ollama", "langchain-ollama")
    kwargs = _common(config)
    request = _request(kwargs)
    if "max_tokens" in kwargs:
        kwargs["num_predict"] = kwargs.pop("max_tokens")
    kwargs.pop("max_retries", None)
    chat = module.ChatOllama(model=model, base_url=base_url, **kwargs)
    return ChatModelLLM(chat, "ollama", model, **request)


_BUILDERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "local": _local,
    "openai": _openai,
    "azure": _azure,
    "ollama": _ollama,
}


def _require(provider: str, *names: str) -> None:
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise LLMConfigurationError(
            f"LLM_PROVIDER={provider} needs the environment variable"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        )


def _import(provider: str, module: str, package: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise LLMConfigurationError(
            f"LLM_PROVIDER={provider} needs the {package} package ({exc}): pip install {package}"
        ) from exc


def _common(config: Mapping[str, Any]) -> dict[str, Any]:
    return {key: config[key] for key in _PASSED_THROUGH if config.get(key) is not None}


def _request(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The configured request parameters a ``ChatModelLLM`` reports."""
    return {"temperature": kwargs.get("temperature"), "max_tokens": kwargs.get("max_tokens")}


def _text(content: Any) -> str:
    """LangChain content is a string or a list of blocks; join the text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)
    return str(content)
