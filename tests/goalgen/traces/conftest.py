"""A span corpus written by the real runtime (``benchmarks/traces_corpus.py``, in a child
process so this one's tracing settings are untouched), shared by the streaming tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 spans in 200 traces across a bot and an orchestrator, lines interleaved."""
    path = tmp_path_factory.mktemp("corpus") / "spans.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "traces_corpus.py"), "2000",
                    str(path)], check=True, env=env, stdout=subprocess.DEVNULL)
    return path
