"""The one exception the LLM layer raises for configuration mistakes."""

from __future__ import annotations

__all__ = ["LLMConfigurationError"]


class LLMConfigurationError(ValueError):
    """An LLM provider cannot be built: unknown name, missing package or missing variable.

    The message is one line a user can act on, e.g. ``pip install langchain-openai``.
    """
