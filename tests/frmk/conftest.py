"""Fixtures for the frmk tests: spans in memory, and the loopback model server
(``tests/frmk/llm/model_servers.py``) for tests of model clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frmk.utils import tracing
from tests.frmk.llm.model_servers import ModelServer


@pytest.fixture(scope="session")
def _model_server() -> Iterator[ModelServer]:
    with ModelServer() as server:
        yield server


@pytest.fixture
def model_server(_model_server: ModelServer) -> ModelServer:
    """The loopback model server, its request log emptied for this test."""
    _model_server.requests.clear()
    return _model_server


@pytest.fixture
def spans():
    """Route spans into memory for one test; restore the environment's settings after."""
    sink = tracing.MemorySink()
    tracing.configure(output=sink, service="test", enabled=True, sample_rate=1.0)
    yield sink.records
    tracing.configure(output="none")
