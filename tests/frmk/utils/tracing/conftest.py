import pytest

from frmk.utils import tracing


@pytest.fixture
def spans():
    """Route spans into memory for one test; restore the environment's settings after."""
    sink = tracing.MemorySink()
    tracing.configure(output=sink, service="test", enabled=True, sample_rate=1.0)
    yield sink.records
    tracing.configure(output="none")


