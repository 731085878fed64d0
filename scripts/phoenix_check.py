"""`make phoenix-check`: send a demo conversation to a real Phoenix over OTLP and read it back.

A slow check run by hand (Phoenix takes tens of seconds to start): starts Phoenix on loopback
(``phoenix_server.py``), generates and instruments the travel sample, serves it with
``TRACING_OUTPUT=otlp`` pointed at Phoenix (and the stand-in flight/hotel APIs), holds the demo
conversation, stops the services (SIGTERM: their spans must be flushed), then reads every span
back through Phoenix's REST API and checks: each message is one trace across the bot and the
orchestrator, every parent is in its trace, and LLM, TOOL and AGENT spans are shown as such.
Prints the figures; exits non-zero on any failure.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections import Counter, defaultdict
from typing import Any

from demo import CONVERSATION, DemoError, converse
from phoenix_server import Phoenix, PhoenixError, binding_note
from travel_apis import TravelApis
from travel_sample import REPO, GoalgenError, goalgen, sample_services, sample_spec

from frmk.testing import BotTestError
from frmk.testing.services import ServiceError

WORK = REPO / ".phoenix" / "check"
PROJECT_NAME = "goalgen-phoenix-check"


def check(spans: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the spans Phoenix gave back (empty: all good), and prints figures."""
    by_trace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for span in spans:
        by_trace[span["context"]["trace_id"]].append(span)
    kinds = Counter(span.get("span_kind") for span in spans)
    print(f"read back {len(spans)} spans in {len(by_trace)} traces; span kinds {dict(kinds)}")
    problems = []
    crossing = 0
    for trace_id, members in by_trace.items():
        ids = {s["context"]["span_id"] for s in members}
        orphans = [s["name"] for s in members if s.get("parent_id") and s["parent_id"] not in ids]
        if orphans:
            problems.append(f"trace {trace_id}: parents missing for {orphans}")
        names = [s["name"] for s in members]
        if any(n.startswith("bot.") for n in names) and any(n.startswith("api.") for n in names):
            crossing += 1
    print(f"{crossing} trace(s) cross from the bot into the orchestrator")
    if crossing < len(CONVERSATION):
        problems.append(f"{crossing} crossing traces, expected {len(CONVERSATION)} (one per message)")
    for kind in ("LLM", "TOOL", "AGENT"):
        if not kinds.get(kind):
            problems.append(f"no {kind} span: Phoenix would show them as UNKNOWN/CHAIN")
    if kinds.get("UNKNOWN"):
        problems.append(f"{kinds['UNKNOWN']} span(s) of kind UNKNOWN")
    llm = [s for s in spans if s.get("span_kind") == "LLM"]
    counted = [s for s in llm if _tokens(s.get("attributes") or {})]
    print(f"{len(counted)} of {len(llm)} LLM spans carry token counts")
    if llm and not counted:
        problems.append("no LLM span has token counts")
    return problems


def _tokens(attributes: dict[str, Any]) -> Any:
    flat = attributes.get("llm.token_count.prompt")
    nested = ((attributes.get("llm") or {}).get("token_count") or {}).get("prompt")
    return flat if flat is not None else nested


def run() -> None:
    started = time.monotonic()
    if WORK.exists():
        shutil.rmtree(WORK)
    project = WORK / "travel_planning"
    goalgen("generate", "--spec", str(sample_spec("botbuilder", WORK)), "--out", str(project))
    goalgen("instrument", str(project))
    with Phoenix(WORK / "phoenix") as phoenix:
        print(binding_note(phoenix.port, phoenix.grpc_port))
        print(f"Phoenix up after {time.monotonic() - started:.1f} s")
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": phoenix.url, "TRACING_PROJECT_NAME": PROJECT_NAME}
        with TravelApis() as apis:
            services = sample_services(project, WORK / "run", {**env, **apis.env()}, "otlp")
            try:
                services.start()
                asyncio.run(converse(services.bot.url))
            finally:
                services.stop()
        spans: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # Phoenix ingests in the background
            try:
                fresh = phoenix.spans(PROJECT_NAME)
            except PhoenixError:
                fresh = []
            if fresh and len(fresh) == len(spans):
                break
            spans = fresh
            time.sleep(1.0)
        problems = check(spans)
    print(f"phoenix check finished in {time.monotonic() - started:.1f} s")
    if problems:
        raise DemoError("; ".join(problems))


def main() -> int:
    try:
        run()
    except (DemoError, GoalgenError, ServiceError, BotTestError, PhoenixError) as exc:
        print(f"phoenix check failed: {exc}", file=sys.stderr)
        return 1
    print("phoenix check OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
