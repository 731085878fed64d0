"""`make demo`: generate the travel-planning sample, instrument it, run it, talk to it, and show
the distributed trace.

Steps: `goalgen generate --force` into .demo/ (replaced each run), `goalgen instrument`, start
loopback stand-ins for the sample's flight and hotel APIs (``travel_apis.py``), the
orchestrator and the bot from the generated scripts on free loopback ports (each writing spans to
its own JSON-lines file), hold a short conversation the way the Bot Framework Emulator would,
stop both services, then print the trace trees and span timings. Offline (local LLM). Exits
non-zero on any failure; the services are always stopped, on errors and Ctrl-C too.
`--sdk agents` (`make demo SDK=agents`) builds the bot on the Microsoft 365 Agents SDK
(``ux.teams.sdk``) instead of botbuilder.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from travel_apis import TravelApis
from travel_sample import REPO, SDKS, GoalgenError, goalgen, sample_services, sample_spec

from frmk.testing import BotTestClient, BotTestError
from frmk.testing.services import ProjectServices, ServiceError
from goalgen.traces import build_traces, compute_model_usage, compute_stats, read_spans
from goalgen.traces.html import write_html
from goalgen.traces.render import models_table, rich_tree, stats_table

DEMO = REPO / ".demo"
PROJECT = DEMO / "travel_planning"
RUN = DEMO / "run"
CONVERSATION = [
    "I need a flight from Seattle to Paris on 2026-12-20 for 2 people",
    "Find me a hotel in Paris",
    "Put together the itinerary",
]

# Piped output (CI logs) gets a fixed 120 columns so span names in tables are not cut short.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)


class DemoError(Exception):
    """A step failed; the message says which and why."""


def step(text: str) -> None:
    console.print(f"[bold cyan]==>[/] {text}")


def show_goalgen(*args: str) -> None:
    """Run the goalgen CLI and show the end of its output; a failure stops the demo."""
    output = goalgen(*args)
    if output:
        tail = output.splitlines()[-6:]
        console.print("\n".join(f"    {line}" for line in tail), markup=False)


async def converse(bot_url: str) -> None:
    """The Emulator's connect, then each message; prints the transcript."""
    async with BotTestClient(bot_url, timeout=30) as client:
        for reply in await client.conversation_update():
            console.print(f"  [green]bot:[/] {escape(reply.get('text') or '')}")
        for text in CONVERSATION:
            console.print(f"  [bold]you:[/] {escape(text)}")
            for reply in await client.send(text):
                if reply.get("type") == "message":
                    console.print(f"  [green]bot:[/] {escape(reply.get('text') or '')}")


def show_traces(files: list[Path]) -> None:
    result = read_spans([str(f) for f in files])
    if result.skipped:
        console.print(f"[yellow]skipped {result.skipped} non-span line(s)[/]")
    traces = build_traces(result.spans)
    if not traces:
        raise DemoError(f"no spans were written to {', '.join(map(str, files))}")
    for trace in traces:
        console.print(rich_tree(trace))
        console.print()
    console.print(stats_table(compute_stats(result.spans)))
    usage = compute_model_usage(result.spans)
    if not usage:
        raise DemoError("no LLM span carries a model and token counts (is the llm kind on?)")
    console.print(models_table(usage))
    crossing = [t for t in traces if {"bot", "orchestrator"} <= set(t.services)]
    if not crossing:
        raise DemoError("no trace spans both the bot and the orchestrator (traceparent lost?)")
    page = RUN / "traces.html"
    write_html(page, traces)
    console.print(
        f"[bold green]{len(crossing)} trace(s) cross from the bot into the orchestrator.[/] "
        f"Span files: {', '.join(str(f.relative_to(REPO)) for f in files)}; "
        f"waterfall: {page.relative_to(REPO)}"
    )


def run_demo(sdk: str) -> None:
    started = time.monotonic()
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir()
    spec = sample_spec(sdk, DEMO)
    step(f"goalgen generate {spec.relative_to(REPO)} -> {PROJECT.relative_to(REPO)} (bot on {sdk})")
    show_goalgen("generate", "--spec", str(spec), "--out", str(PROJECT), "--force")
    step("goalgen instrument (adds tracing to the generated code)")
    show_goalgen("instrument", str(PROJECT))
    step("starting the stand-in flight/hotel APIs, the orchestrator and the bot on loopback")
    with TravelApis() as apis:
        services = sample_services(PROJECT, RUN, apis.env())
        talk(services, apis.url)
    step("traces (bot + orchestrator span files merged)")
    show_traces(services.trace_files)
    console.print(f"[bold]demo finished in {time.monotonic() - started:.1f}s[/]")


def talk(services: ProjectServices, apis_url: str) -> None:
    """Start the services, hold the conversation, stop them (on failures too)."""
    console.print(f"    flight/hotel APIs: {apis_url}  (sample data)")
    try:
        services.start()
        for service in services.services:
            console.print(
                f"    {service.name}: {service.url}  (log {service.log_path.relative_to(REPO)})"
            )
        step(f"talking to {services.bot.url}/api/messages like the Bot Framework Emulator")
        asyncio.run(converse(services.bot.url))
    finally:
        services.stop()


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds through the `finally` that stops the services


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdk", choices=SDKS, default=SDKS[0], help="the bot's SDK (ux.teams.sdk)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        run_demo(args.sdk)
    except (DemoError, GoalgenError, ServiceError, BotTestError) as exc:
        console.print(f"[bold red]demo failed:[/] {escape(str(exc))}")
        return 1
    except KeyboardInterrupt:
        console.print("[yellow]interrupted; services stopped[/]")
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
