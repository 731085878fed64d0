"""A span file for the ``goalgen traces`` benchmarks, written by the real runtime.

Every line is what ``frmk.utils.tracing`` writes: ``TraceSpan`` objects entered and ended in
one process, their service switched between the bot and the orchestrator so one trace spans
both, with the metadata real spans carry (``bot.*`` turn attributes, HTTP client and server
attributes, GenAI model calls with token counts, tool calls), and now and then a failed span.
Spans of neighbouring conversations interleave in the file, as concurrent turns do. A file is
written once under ``.bench/`` and reused while its size says it is complete.

Run: ``python benchmarks/traces_corpus.py SPANS [PATH]`` (prints the path).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
SPANS_PER_TRACE = 10
INTERLEAVED = 8  # traces whose lines are shuffled together, as concurrent turns write them
MODELS = ("gpt-4o", "gpt-4o-mini", "llama3.1:8b")


def _http_client(rng: random.Random, method: str, url: str) -> dict[str, object]:
    return {"http.request.method": method, "url.full": url,
            "http.response.status_code": rng.choice((200, 200, 200, 502))}


def _chat(rng: random.Random, model: str) -> dict[str, object]:
    return {"gen_ai.request.model": model, "gen_ai.response.model": model,
            "gen_ai.usage.input_tokens": rng.randrange(50, 4000),
            "gen_ai.usage.output_tokens": rng.randrange(5, 800)}


def _trace_spans(rng: random.Random, turn: int) -> list[tuple[str, str, int, str, dict]]:
    """One turn as (name, service, depth, kind, metadata), parents first: 10 spans."""
    model = MODELS[turn % len(MODELS)]
    return [
        ("bot.TravelBot.on_message_activity", "bot", 0, "internal",
         {"bot.activity.type": "message", "bot.channel_id": "emulator",
          "bot.sdk": "botbuilder"}),
        ("POST", "bot", 1, "client", _http_client(rng, "POST", "http://127.0.0.1:8000/api/v1/message")),
        ("POST /api/v1/message", "orchestrator", 2, "server",
         {"http.request.method": "POST", "http.route": "/api/v1/message",
          "http.response.status_code": 200}),
        ("agent.Supervisor.invoke", "orchestrator", 3, "internal",
         {"gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "Supervisor"}),
        (f"chat {model}", "orchestrator", 4, "client", _chat(rng, model)),
        ("langgraph.node.flight", "orchestrator", 4, "internal", {"thread_id": f"t{turn}"}),
        ("tool.search_flights", "orchestrator", 5, "internal",
         {"gen_ai.tool.name": "search_flights"}),
        ("GET", "orchestrator", 6, "client", _http_client(rng, "GET", "http://127.0.0.1:9100/flights")),
        (f"chat {model}", "orchestrator", 5, "client", _chat(rng, model)),
        ("bot.reply", "bot", 1, "internal", {"bot.activity.type": "message"}),
    ]


def _interleave(rng: random.Random, traces: list[list[str]]) -> list[str]:
    """The lines of ``traces`` in a random merge that keeps each trace's own order."""
    owners = [index for index, lines in enumerate(traces) for _ in lines]
    rng.shuffle(owners)
    cursors = [iter(lines) for lines in traces]
    return [next(cursors[index]) for index in owners]


def write_corpus(path: Path, spans: int, seed: int = 7) -> None:
    """Write ``spans`` spans (whole traces of ``SPANS_PER_TRACE``) to ``path`` with the runtime."""
    from frmk.utils import tracing
    from frmk.utils.tracing.sinks import Sink

    class Lines(Sink):
        """Keeps the lines the runtime writes, so neighbouring traces can be interleaved."""

        def __init__(self) -> None:
            self.lines: list[str] = []

        def write_line(self, line: str) -> None:
            self.lines.append(line)

    rng = random.Random(seed)
    sink = Lines()
    tracing.configure(output=sink, service="bot", enabled=True, sample_rate=1.0)
    tmp = path.with_suffix(".partial")
    with open(tmp, "w", encoding="utf-8") as out:
        batch: list[list[str]] = []
        for turn in range(spans // SPANS_PER_TRACE):
            _write_turn(rng, turn)
            batch.append(sink.lines)
            sink.lines = []
            if len(batch) == INTERLEAVED:
                out.writelines(_interleave(rng, batch))
                batch = []
        out.writelines(_interleave(rng, batch))
    tracing.configure(output="none")
    os.replace(tmp, path)


def _write_turn(rng: random.Random, turn: int) -> None:
    """Run one turn's spans through the runtime, each ended under its own service."""
    from frmk.utils.tracing import TraceSpan
    from frmk.utils.tracing.config import settings

    open_spans: list[tuple[TraceSpan, str]] = []

    def close_one() -> None:
        span, service = open_spans.pop()
        settings.service = service  # the line is written, with the service, when it ends
        span.__exit__(None, None, None)

    for name, service, depth, kind, metadata in _trace_spans(rng, turn):
        while len(open_spans) > depth:
            close_one()
        span = TraceSpan(name, kind=kind, **metadata)
        span.__enter__()
        if rng.random() < 0.01:
            span.record_exception(TimeoutError("upstream timed out"))
        open_spans.append((span, service))
    while open_spans:
        close_one()


def corpus(spans: int) -> Path:
    """The path of a ``spans``-span corpus under ``.bench/``, written on first use."""
    path = BENCH_DIR / f"traces_{spans}.jsonl"
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        write_corpus(path, spans)
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    if len(sys.argv) > 2:
        write_corpus(Path(sys.argv[2]), count)
        print(sys.argv[2])
    else:
        print(corpus(count))
