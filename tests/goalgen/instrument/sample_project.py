"""A small real project to instrument in tests: a bot, a FastAPI app, a LangGraph graph, a
latin-1 router with a coding cookie, a CRLF bot without a trailing newline, a file with nothing
to do -- and, on request, files that cannot be processed.

Imported by tests/goalgen/instrument/ and tests/goalgen/cli/test_instrument_cli.py.
"""

from __future__ import annotations

from pathlib import Path

BOT = '''\
from botbuilder.core import ActivityHandler, TurnContext


class EchoBot(ActivityHandler):
    """Says back what it hears."""

    async def on_message_activity(self, turn_context: TurnContext):
        await turn_context.send_activity(f"echo: {turn_context.activity.text}")

    async def on_members_added_activity(self, members_added, turn_context: TurnContext):
        return None
'''

API = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/items/{item_id}")
async def read_item(item_id: int):
    return {"item_id": item_id}


@app.post("/items")
def create_item(item: dict):
    # keep this comment
    return item
"""

GRAPH = """\
from typing import TypedDict

from langgraph.graph import END, START, StateGraph


class State(TypedDict):
    count: int


def increment(state: State) -> dict:
    return {"count": state["count"] + 1}


def build():
    def double(state: State) -> dict:
        return {"count": state["count"] * 2}

    builder = StateGraph(State)
    builder.add_node("increment", increment)
    builder.add_node(double)
    builder.add_edge(START, "increment")
    builder.add_edge("increment", "double")
    builder.add_edge("double", END)
    return builder.compile()
"""

LEGACY_LATIN1 = '''\
# -*- coding: latin-1 -*-
"""L\u00e9gacy routes, stored as latin-1."""
from fastapi import APIRouter

router = APIRouter(prefix="/old")


@router.get("/caf\u00e9")
def cafe():
    return {"name": "caf\u00e9"}
'''.encode("latin-1")

WINDOWS_BOT = (
    b"from botbuilder.core import ActivityHandler\r\n\r\n\r\n"
    b"class WinBot(ActivityHandler):\r\n"
    b"    async def on_turn(self, turn_context):\r\n"
    b"        return await super().on_turn(turn_context)"
)

UTIL = """\
def helper(value):
    return value
"""

FILES: dict[str, bytes] = {
    "app/__init__.py": b"",
    "app/bot.py": BOT.encode(),
    "app/api.py": API.encode(),
    "app/graph.py": GRAPH.encode(),
    "app/legacy.py": LEGACY_LATIN1,
    "app/windows_bot.py": WINDOWS_BOT,
    "app/util.py": UTIL.encode(),
}

BROKEN: dict[str, bytes] = {
    "app/broken.py": b"def handler(:\n    pass\n",
    "app/bad_bytes.py": b"x = '\xff\xfe'\n",
    "app/py2.py": b"print 'hello'\n",
}

# (file, kind, name) for every target the default run must change.
EXPECTED_FUNCTIONS = {
    ("app/bot.py", "bot", "EchoBot.on_message_activity"),
    ("app/bot.py", "bot", "EchoBot.on_members_added_activity"),
    ("app/windows_bot.py", "bot", "WinBot.on_turn"),
    ("app/api.py", "api", "read_item"),
    ("app/api.py", "api", "create_item"),
    ("app/legacy.py", "api", "cafe"),
    ("app/graph.py", "node", "increment"),
    ("app/graph.py", "node", "build.<locals>.double"),
}


def write_project(root: Path, broken: bool = False, files: dict[str, bytes] | None = None) -> Path:
    """Write the sample project under ``root`` and return ``root``."""
    chosen = dict(files if files is not None else FILES)
    if broken:
        chosen.update(BROKEN)
    for name, data in chosen.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (caches ignored) -> its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
