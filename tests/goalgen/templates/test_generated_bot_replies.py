"""The generated bot, instrumented: each reply it sends is a client span under its handler's span,
for both bot SDKs (``ux.teams.sdk`` = botbuilder and agents); remove gives back every byte."""

from __future__ import annotations

import importlib
import json
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from goalgen.cli import main as goalgen_main
from goalgen.generator import render_project, write_project
from goalgen.spec import load_spec

SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "travel_planning.json"
PACKAGES = ("teams_app", "workflow", "orchestrator")
FLAGS = ["--no-cache", "--jobs", "1", "--no-color"]


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def generate(folder: Path, sdk: str) -> Path:
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["domain_module"] = str(SAMPLE.parent / doc["domain_module"])  # found from the copy
    doc["ux"]["teams"]["sdk"] = sdk
    spec = folder / "spec.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    out = folder / "project"
    write_project(render_project(load_spec(spec).spec), out)
    return out


@contextmanager
def imported(root: Path) -> Iterator[Any]:
    """Import the project's modules from ``root``; forget them afterwards."""

    def forget() -> None:
        for name in [n for n in sys.modules if n.partition(".")[0] in PACKAGES]:
            del sys.modules[name]

    forget()
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        yield importlib.import_module
    finally:
        sys.path.remove(str(root))
        forget()


@pytest.fixture
def spans() -> Iterator[list[dict[str, Any]]]:
    """Finished spans (record dicts), collected in memory while the test runs."""
    from frmk.utils.tracing import MemorySink, configure

    sink = MemorySink()
    configure(output=sink, enabled=True, sample_rate=1.0)
    try:
        yield sink.records
    finally:
        configure(output="none")


@pytest.fixture
def instrumented(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    project = generate(tmp_path, request.param)
    before = {p: p.read_bytes() for p in project.rglob("*.py")}
    assert goalgen_main(["instrument", str(project), *FLAGS]) == 0
    yield project
    assert goalgen_main(["instrument", str(project), "--check", *FLAGS]) == 0
    assert goalgen_main(["instrument", str(project), "--remove", *FLAGS]) == 0
    assert {p: p.read_bytes() for p in project.rglob("*.py")} == before


def replies_under(records: list[dict[str, Any]], handler: str) -> list[tuple[str, str]]:
    """``(name, kind)`` of the reply spans whose parent is the span named ``handler``."""
    parents = {r["span_id"] for r in records if r["name"] == handler}
    return [
        (r["name"], r["kind"])
        for r in records
        if r["parent_span_id"] in parents and r["name"].startswith("bot.send")
    ]


@pytest.mark.parametrize("instrumented", ["botbuilder"], indirect=True)
async def test_botbuilder_bot_replies_are_client_spans_of_its_handlers(instrumented, spans) -> None:
    from botbuilder.core.adapters import TestAdapter
    from botbuilder.schema import Activity, ActivityTypes, ChannelAccount

    with imported(instrumented) as load:
        bot_module = load("teams_app.bot")
        bot = bot_module.TravelPlanningBot(orchestrator_url=closed_port_url())
        adapter = TestAdapter(bot.on_turn)
        joined = Activity(
            type=ActivityTypes.conversation_update,
            members_added=[ChannelAccount(id="User1", name="user")],
        )
        await adapter.receive_activity(joined)
        await adapter.receive_activity("find me a flight")
        assert [a.text for a in adapter.activity_buffer] == [
            bot_module.WELCOME, bot_module.APOLOGY
        ]
    handler = "bot.TravelPlanningBot.on_{}_activity"
    assert replies_under(spans, handler.format("members_added")) == [
        ("bot.send_activity", "client")
    ]
    assert replies_under(spans, handler.format("message")) == [("bot.send_activity", "client")]


@pytest.mark.parametrize("instrumented", ["agents"], indirect=True)
async def test_agents_sdk_bot_replies_are_client_spans_of_its_routes(instrumented, spans) -> None:
    pytest.importorskip("microsoft_agents.hosting.core")
    from aiohttp.test_utils import TestServer

    from frmk.testing import BotTestClient, reply_texts

    with imported(instrumented) as load:
        bot_module = load("teams_app.bot")
        server_module = load("teams_app.server")
        bot = bot_module.TravelPlanningBot(orchestrator_url=closed_port_url())
        config = server_module.BotConfig(APP_ID="", APP_PASSWORD="")
        server = TestServer(server_module.create_app(bot, config), host="127.0.0.1")
        await server.start_server()
        try:
            async with BotTestClient(str(server.make_url("")).rstrip("/"), timeout=30) as client:
                welcome = reply_texts(await client.conversation_update(replies=1))
                answer = reply_texts(await client.send("find me a flight"))
        finally:
            await server.close()
    assert (welcome, answer) == ([bot_module.WELCOME], [bot_module.APOLOGY])
    assert replies_under(spans, "bot.on_members_added") == [("bot.send_activity", "client")]
    assert replies_under(spans, "bot.on_message") == [("bot.send_activity", "client")]
