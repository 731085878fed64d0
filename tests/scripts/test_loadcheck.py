"""The load check's trace verdicts: a complete message trace passes, each kind of breakage is
named, and span files with a torn line fail the check."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from goalgen.traces import Span, build_traces

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
sys.path.insert(0, str(SCRIPTS))
loadcheck = importlib.import_module("loadcheck")
TRACE = "ab" * 16


def span(name, span_id, parent, service="orchestrator", **fields):
    values = dict(
        name=name, trace_id=TRACE, span_id=span_id * 16, parent_span_id=parent and parent * 16,
        service=service, component=name.split(".")[0].replace("langgraph", "node"),
        start_time=1.0, end_time=2.0, duration_ms=1000.0, status="ok",
    )
    values.update(fields)
    return Span(**values)


def message_trace() -> list[Span]:
    return [
        span("bot.TravelPlanningBot.on_message_activity", "1", None, service="bot"),
        span("mapper.get_thread_id", "2", "1", service="bot",
             metadata={"bot.conversation.hash": "c-1"}),
        span("api.POST /api/v1/message", "3", "1"),
        span("langgraph.node.supervisor", "4", "3"),
        span("agent.SupervisorAgent.invoke", "5", "4"),
        span("langgraph.node.flight_agent", "6", "3"),
        span("agent.FlightAgent.invoke", "7", "6"),
    ]


def problems(spans: list[Span]) -> tuple[str | None, list[str]]:
    (trace,) = build_traces(spans)
    return loadcheck.trace_problems(trace)


def test_a_complete_trace_names_its_conversation_and_has_no_problems():
    assert problems(message_trace()) == ("c-1", [])


def without(index):
    spans = message_trace()
    del spans[index]
    return spans


def reparented(index, parent):
    spans = message_trace()
    spans[index].parent_span_id = parent * 16
    return spans


def failed(index):
    spans = message_trace()
    spans[index].status = "error"
    return spans


def doubled_api():
    return [*message_trace(), span("api.POST /api/v1/message", "8", "1")]


@pytest.mark.parametrize(
    ("spans", "problem"),
    [
        (without(2), "0 api.POST /api/v1/message spans"),
        (without(1), "0 mapper.get_thread_id spans"),
        (doubled_api(), "2 api.POST /api/v1/message spans"),
        (reparented(2, "2"), "api span under the bot span, in the orchestrator"),
        (reparented(3, "1"), "nodes under the api span"),
        (without(6), "one agent under each node"),
        (message_trace()[:5], "a worker agent ran"),
        (failed(4), "no failed spans"),
    ],
    ids=["no api span", "no mapper span", "two api spans", "api under the mapper",
         "node under the bot", "node without agent", "only the supervisor", "failed span"],
)
def test_a_broken_trace_is_named(spans, problem):
    assert problem in problems(spans)[1]


def write_spans(path: Path, spans: list[Span], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(s.to_dict()) + "\n" for s in spans) + tail)
    return path


def test_whole_span_files_give_one_complete_trace(tmp_path):
    report = loadcheck.check_traces([write_spans(tmp_path / "a.jsonl", message_trace())])

    assert (report.complete, report.broken, report.bad_lines) == ({"c-1": 1}, [], 0)
    assert report.lines == report.spans == 7


def test_a_torn_last_line_is_reported(tmp_path):
    path = write_spans(tmp_path / "a.jsonl", message_trace(), tail='{"name": "bot.on_mess')

    report = loadcheck.check_traces([path])

    assert report.bad_lines == 1
    assert report.broken == ["a.jsonl ends in the middle of a line"]
