"""What the local responder reads from a conversation: a :class:`LocalTurn`.

The generated agents' system prompts follow a few conventions, and the turn is read from them
alone, for any domain: the role (``You are the account agent of ...``), the tasks
(``Your tasks: unlock accounts, ...``), a ``Known so far: key=value; ...`` line (what the
conversation has established) and a ``Tool results:`` block of ``[tool] content`` lines
(content quoted, or reported as not available). Domain replies (``LocalLLM(replies=...)``) get
the same record, so they never parse prompts themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from frmk.llm.messages import Message

__all__ = ["LocalTurn", "ToolNote", "read_turn"]

_ROLE_RE = re.compile(
    r"\byou are\s+(?:the\s+|an?\s+)?([A-Za-z][\w-]*(?:[ ][A-Za-z][\w-]*){0,3}?)"
    r"(?=\s*(?:[,.;:()\n]|$)|\s+(?:who|that|and|for|in|of|with|responsible)\b)",
    re.I,
)
_TASKS_RE = re.compile(r"\bYour tasks:\s*([^.\n]{1,300})", re.I)
_KNOWN_RE = re.compile(r"^Known so far:(.*)$", re.M)
_TOOL_LINE_RE = re.compile(r"^\[([\w.-]+)\]\s*(.*)$", re.M)
_UNAVAILABLE = ("not configured", "unavailable", "not implemented", "error", "failed")
_THANKS_RE = re.compile(r"^\s*(thanks|thank you|thx|cheers|great|perfect|bye|goodbye)\b", re.I)
_GREETING_RE = re.compile(r"^\s*(hi|hello|hey|hiya|good (morning|afternoon|evening))\b", re.I)
_SHORT = 5  # words: a greeting or thanks longer than this is a request that starts politely


@dataclass(frozen=True)
class ToolNote:
    """One ``[tool] content`` line: the tool's name, its content, and whether it answered."""

    tool: str
    content: str
    available: bool


@dataclass(frozen=True)
class LocalTurn:
    """One conversation as the local responder sees it.

    ``kind`` is ``empty`` (no user text), ``greeting``, ``thanks`` or ``request``; ``role`` the
    agent's role in lower case with spaces (``account agent``, ``assistant`` when unnamed);
    ``tasks`` the tasks the prompt lists; ``known`` the ``Known so far`` pairs in order;
    ``message`` the newest user message; ``today`` the responder's reference date, if any.
    """

    kind: str
    role: str
    message: str
    system: str = ""
    tasks: tuple[str, ...] = ()
    known: dict[str, str] = field(default_factory=dict)
    tools: tuple[ToolNote, ...] = ()
    messages: tuple[Message, ...] = ()
    today: dt.date | None = None

    @property
    def user_messages(self) -> list[str]:
        """Every user message, oldest first."""
        return [m["content"] for m in self.messages if m["role"] == "user"]


def read_turn(messages: list[Message], today: dt.date | None = None) -> LocalTurn:
    """The :class:`LocalTurn` of ``messages`` (already normalized)."""
    system = "\n".join(m["content"] for m in messages if m["role"] == "system")
    user_texts = [m["content"] for m in messages if m["role"] == "user"]
    last = user_texts[-1] if user_texts else ""
    return LocalTurn(
        kind=_kind(last), role=_role_name(system), message=last, system=system,
        tasks=_tasks(system), known=_known(system), tools=_tool_notes(system),
        messages=tuple(messages), today=today,
    )  # fmt: skip


def _kind(last: str) -> str:
    if not last.strip():
        return "empty"
    short = len(last.split()) <= _SHORT
    if short and _GREETING_RE.match(last):
        return "greeting"
    if short and _THANKS_RE.match(last):
        return "thanks"
    return "request"


def _role_name(system: str) -> str:
    match = _ROLE_RE.search(system)
    if not match:
        return "assistant"
    return match.group(1).replace("_", " ").strip().lower()


def _tasks(system: str) -> tuple[str, ...]:
    match = _TASKS_RE.search(system)
    if not match:
        return ()
    return tuple(t.strip().replace("_", " ") for t in match.group(1).split(",") if t.strip())


def _known(system: str) -> dict[str, str]:
    """The ``Known so far: employee_id=4821; device=laptop`` pairs, keys as written."""
    match = _KNOWN_RE.search(system)
    if not match:
        return {}
    known: dict[str, str] = {}
    for pair in match.group(1).split(";"):
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if sep and key and value:
            known.setdefault(key, value)
    return known


def _tool_notes(system: str) -> tuple[ToolNote, ...]:
    block = system.partition("Tool results:")[2]
    notes = []
    for tool, content in _TOOL_LINE_RE.findall(block):
        content = content.strip()
        if content:
            notes.append(ToolNote(tool, content, not content.lower().startswith(_UNAVAILABLE)))
    return tuple(notes)
