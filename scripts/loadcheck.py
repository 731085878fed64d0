"""`make loadcheck`: many Emulator conversations at once against the instrumented sample, then a
check that tracing kept up.

Generates the travel-planning sample into a temporary folder, instruments it, starts the
orchestrator and the bot on free loopback ports (each writing spans to its own file), and runs
``--conversations`` concurrent conversations sending ``--requests`` messages in all, the way the
Bot Framework Emulator sends them. Then it stops both services and checks that every span line
parses (no torn lines) and that every message is one complete trace in its own conversation:
bot -> mapper, bot -> api -> nodes -> agents, one trace id, no errors. Prints the numbers; exits
1 when a check fails. Offline (local LLM); run by hand, not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from travel_sample import SPEC, GoalgenError, goalgen, sample_services

from frmk.testing import BotTestClient, BotTestError, reply_texts
from frmk.testing.services import ServiceError
from frmk.utils.tracing.bot_context import conversation_hash
from goalgen.traces import Trace, build_traces, read_spans
from goalgen.traces.stats import percentile

MESSAGES = (
    "I need a flight from Seattle to Paris on 2026-12-20 for 2 people",
    "Find me a hotel in Paris for 4 nights",
    "Put together the itinerary",
    "Thanks!",
)
BOT_SPAN = "bot.on_message_activity"  # as bot.<Class>.on_message_activity, for any class
API_SPAN = "api.POST /api/v1/message"
HEALTH_SPAN = "api.GET /health"


@dataclass
class Conversation:
    """What one emulated conversation sent and got back."""

    conversation_id: str
    sent: int = 0
    answered: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def converse(bot_url: str, messages: list[str]) -> Conversation:
    """Send ``messages`` one after another in a new conversation, timing each reply."""
    async with BotTestClient(bot_url, timeout=60, settle=0) as client:
        result = Conversation(client.session.conversation_id)
        for text in messages:
            result.sent += 1
            started = time.perf_counter()
            try:
                texts = reply_texts(await client.send(text))
            except BotTestError as exc:
                result.failures.append(str(exc))
                continue
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            # The bot's apologies (error, timeout, gave up) all start with "Sorry,".
            if texts and all(t.strip() and not t.startswith("Sorry,") for t in texts):
                result.answered += 1
            else:
                result.failures.append(f"unexpected reply {texts!r}")
    return result


async def run_conversations(bot_url: str, conversations: int, requests: int) -> list[Conversation]:
    """``conversations`` at once; ``requests`` messages spread over them as evenly as can be."""
    share, extra = divmod(requests, conversations)
    plans = [
        [MESSAGES[i % len(MESSAGES)] for i in range(share + (n < extra))]
        for n in range(conversations)
    ]
    return await asyncio.gather(*(converse(bot_url, plan) for plan in plans if plan))


def trace_problems(trace: Trace) -> tuple[str | None, list[str]]:
    """The conversation a message trace belongs to, and what is missing or wrong in it."""
    spans, problems = trace.spans, []

    def role(name: str) -> str:
        return BOT_SPAN if name.startswith("bot.") and name.endswith(".on_message_activity") else name

    named = Counter(role(s.name) for s in spans)
    for name in (BOT_SPAN, API_SPAN, "mapper.get_thread_id"):
        if named[name] != 1:
            problems.append(f"{named[name]} {name} spans")
    if problems:
        return None, problems
    by_name = {role(s.name): s for s in spans}
    bot, api, mapper = by_name[BOT_SPAN], by_name[API_SPAN], by_name["mapper.get_thread_id"]
    nodes = {s.span_id for s in spans if s.component == "node"}
    agents = [s for s in spans if s.component == "agent"]
    expected = {
        "bot span is the root, in the bot": bot.parent_span_id is None and bot.service == "bot",
        "mapper under the bot span": mapper.parent_span_id == bot.span_id,
        "api span under the bot span, in the orchestrator": api.parent_span_id == bot.span_id
        and api.service == "orchestrator",
        "nodes under the api span": bool(nodes)
        and all(s.parent_span_id == api.span_id for s in spans if s.component == "node"),
        "one agent under each node": len(agents) == len(nodes)
        and {s.parent_span_id for s in agents} == nodes,
        "a worker agent ran": any(not s.name.startswith("agent.Supervisor") for s in agents),
        "no other spans": len(spans) == 3 + len(nodes) + len(agents),
        "no failed spans": not any(s.failed for s in spans),
    }
    problems = [what for what, ok in expected.items() if not ok]
    return mapper.metadata.get("bot.conversation.hash"), problems


@dataclass
class TraceReport:
    """What the span files held."""

    spans: int = 0
    lines: int = 0
    bad_lines: int = 0
    duplicates: int = 0
    health_traces: int = 0
    complete: Counter = field(default_factory=Counter)  # conversation hash -> complete traces
    broken: list[str] = field(default_factory=list)


def check_traces(files: list[Path]) -> TraceReport:
    read = read_spans([str(f) for f in files])
    report = TraceReport(
        spans=len(read.spans), bad_lines=len(read.bad_lines), duplicates=read.duplicates
    )
    for path in files:
        text = path.read_text(encoding="utf-8")
        report.lines += sum(1 for line in text.splitlines() if line.strip())
        if text and not text.endswith("\n"):
            report.broken.append(f"{path.name} ends in the middle of a line")
    for trace in build_traces(read.spans):
        if all(s.name == HEALTH_SPAN for s in trace.spans):
            report.health_traces += 1
            continue
        conversation, problems = trace_problems(trace)
        if problems:
            report.broken.append(f"trace {trace.trace_id}: {'; '.join(problems)}")
        else:
            report.complete[conversation] += 1
    return report


def summarise(results: list[Conversation], report: TraceReport, seconds: float) -> list[str]:
    """The numbers, then each failed check (the list of failures is empty when all passed)."""
    sent = sum(r.sent for r in results)
    answered = sum(r.answered for r in results)
    latencies = sorted(ms for r in results for ms in r.latencies_ms)
    wrong_conversation = [
        r.conversation_id
        for r in results
        if report.complete[conversation_hash(r.conversation_id)] != r.sent
    ]
    print(f"conversations      {len(results)} at once")
    print(f"requests           {sent} sent, {answered} answered in {seconds:.1f}s "
          f"({sent / seconds:.0f}/s)")
    if latencies:
        print(f"latency            p50 {percentile(latencies, 0.5):.0f} ms, "
              f"p95 {percentile(latencies, 0.95):.0f} ms, max {latencies[-1]:.0f} ms")
    print(f"traces complete    {sum(report.complete.values())} of {sent} "
          f"(+{report.health_traces} health checks)")
    print(f"spans              {report.spans} from {report.lines} lines, "
          f"{report.bad_lines} unparsable, {report.duplicates} duplicated")
    failures = [f for r in results for f in r.failures]
    failures += report.broken
    if report.bad_lines or report.duplicates or report.lines != report.spans:
        failures.append("some span lines did not parse as one span each (torn lines?)")
    if sum(report.complete.values()) != sent:
        failures.append(f"{sum(report.complete.values())} complete traces for {sent} messages")
    if wrong_conversation:
        failures.append(
            f"{len(wrong_conversation)} conversation(s) do not have one complete trace per "
            f"message, e.g. {wrong_conversation[0]}"
        )
    return failures


def run(conversations: int, requests: int, keep: Path | None) -> int:
    with tempfile.TemporaryDirectory(prefix="goalgen-loadcheck-") as tmp:
        root = keep or Path(tmp)
        project, workdir = root / "travel_planning", root / "run"
        print(f"generating and instrumenting {SPEC.name} in {root}")
        goalgen("generate", "--spec", str(SPEC), "--out", str(project), "--force")
        goalgen("instrument", str(project))
        services = sample_services(project, workdir)
        try:
            services.start()
            print(f"orchestrator {services.orchestrator.url}, bot {services.bot.url}")
            started = time.monotonic()
            results = asyncio.run(run_conversations(services.bot.url, conversations, requests))
            seconds = time.monotonic() - started
        finally:
            services.stop()  # flushes the span files
        failures = summarise(results, check_traces(services.trace_files), seconds)
    for failure in failures[:10]:
        print(f"FAILED: {failure}")
    if len(failures) > 10:
        print(f"... and {len(failures) - 10} more")
    print("load check " + ("failed" if failures else "passed"))
    return 1 if failures else 0


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the `finally` that stops the services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100, help="at once (default 100)")
    parser.add_argument("--requests", type=int, default=400, help="messages in all (400)")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR",
        help="work in DIR and keep the project, logs and span files (default: a temporary folder)",
    )
    args = parser.parse_args(argv)
    if args.conversations < 1 or args.requests < 1:
        parser.error("--conversations and --requests must be at least 1")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args.conversations, args.requests, args.keep)
    except (GoalgenError, ServiceError) as exc:
        print(f"load check failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; services stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
