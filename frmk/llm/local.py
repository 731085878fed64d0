"""The embedded LLM: a deterministic, offline responder for demos, tests and CI, for any domain.

It answers in the agent's role from what the conversation holds (see :mod:`frmk.llm.local_turn`):
the role and tasks the system prompt gives, the ``Known so far`` details, the ``Tool results``
block and the user's newest message. It knows no domain's words: a project that wants answers
in its domain's terms passes ``replies``, a function that gets the :class:`LocalTurn` and
returns its answer, or ``None`` to leave the turn to the generic one. No network, no
randomness: the same messages always give the same text.

Token counts, reported to a ``trace_llm`` span (``note_llm_response``): the responder has no
tokenizer, so it counts its own tokens the same way each time: every word (a run of letters,
digits and underscores) and every other non-space character is one token, over the contents of
all messages (input) and over the reply (output). Finish reason ``length`` when ``max_tokens``
cut the reply, else ``stop``.

``LOCAL_LLM_DELAY`` (seconds, default 0, read on every call) makes each answer wait first, like a
hosted model's latency: for trying timeouts, cancellation and load by hand or in tests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from frmk.llm.errors import LLMConfigurationError
from frmk.llm.local_turn import LocalTurn, read_turn
from frmk.llm.messages import Message, normalize_messages
from frmk.utils.tracing.genai import note_llm_response

__all__ = ["LocalLLM", "LocalReplies", "count_tokens", "describe_known", "join_words"]

# A domain's answers for the local responder: the reply for a turn, or None for the generic one.
LocalReplies = Callable[[LocalTurn], "str | None"]

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_EVALUATOR_WORDS = ("evaluat", "review", "critic", "judge", "quality")
_SUPERVISOR_WORDS = ("supervisor", "router", "coordinator", "orchestrat")
_STOPWORDS = frozenset(
    "a an the and or but to of in on at for with from by about is are am was be i me my we our us you "
    "your it this that please can could would should will need want like help find get some any "
    "what which how when where who do does there here just also".split()
)


class LocalLLM:
    """Offline responder with ``async complete(messages, **overrides) -> str``.

    ``replies`` gives domain answers (see the module docstring); ``today`` (a date or ISO
    string) is the reference date they may resolve relative dates with; ``max_tokens`` caps the
    reply length in words. ``temperature`` and other ``llm_config`` keys are accepted and
    ignored (``temperature`` is kept, so a trace shows what was asked), so a spec written for a
    hosted model runs unchanged.
    """

    provider = "local"

    def __init__(
        self,
        model: str = "local",
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        today: dt.date | str | None = None,
        replies: LocalReplies | None = None,
        **ignored: Any,
    ):
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.today = dt.date.fromisoformat(today) if isinstance(today, str) else today
        self.replies = replies
        self.ignored = dict(ignored)

    async def complete(self, messages: str | Sequence[Mapping[str, Any]], **overrides: Any) -> str:
        """Answer the conversation ``messages`` in the role the system message gives.

        The reading runs in a worker thread, so a long message never holds up the event loop
        (a server's other requests, its health check) while it is read."""
        delay = response_delay()
        if delay:
            await asyncio.sleep(delay)
        reply, cut, input_tokens, output_tokens = await asyncio.to_thread(
            self._answer, normalize_messages(messages), overrides
        )
        note_llm_response(
            model=self.model, input_tokens=input_tokens, output_tokens=output_tokens,
            finish_reasons=["length" if cut else "stop"],
        )  # fmt: skip
        return reply

    def respond(self, messages: list[Message], **overrides: Any) -> str:
        """The synchronous core of :meth:`complete`."""
        return self._answer(messages, overrides)[0]

    def _answer(
        self, messages: list[Message], overrides: Mapping[str, Any]
    ) -> tuple[str, bool, int, int]:
        """The reply, whether ``max_tokens`` cut it, and the input's and reply's token counts."""
        reply = self._compose(read_turn(messages, self.today))
        text = _truncate(reply, overrides.get("max_tokens", self.max_tokens))
        input_tokens = sum(count_tokens(m["content"]) for m in messages)
        return text, text != reply, input_tokens, count_tokens(text)

    def _compose(self, turn: LocalTurn) -> str:
        reply = self.replies(turn) if self.replies is not None else None
        if reply is None:
            reply = _generic_reply(turn)
        return reply + _tool_notes(turn) if turn.kind == "request" else reply

    def __repr__(self) -> str:
        return f"LocalLLM(model={self.model!r})"


def count_tokens(text: str) -> int:
    """The local responder's token count of ``text``: words and other non-space characters."""
    return len(_TOKEN_RE.findall(text))


def response_delay() -> float:
    """Seconds each answer waits, from ``LOCAL_LLM_DELAY`` (0 when unset)."""
    raw = os.environ.get("LOCAL_LLM_DELAY", "").strip()
    try:
        delay = float(raw or 0)
    except ValueError:
        delay = -1.0
    if not 0 <= delay < float("inf"):  # also refuses nan
        raise LLMConfigurationError(
            f"LOCAL_LLM_DELAY must be a number of seconds >= 0, got {raw!r}"
        )
    return delay


def describe_known(known: Mapping[str, str]) -> str:
    """Known details as a phrase: ``destination Paris, departure date 2026-12-20``."""
    return ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in known.items())


def join_words(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _generic_reply(turn: LocalTurn) -> str:
    role = turn.role
    if turn.kind in ("empty", "greeting"):
        ask = "What would you like to do?" if turn.kind == "empty" else "How can I help?"
        return f"Hello! I'm the {role}. {_capability(turn)} {ask}"
    if turn.kind == "thanks":
        return "You're welcome! Let me know if there is anything else I can do."
    instructions = turn.system.split("\n\n", 1)[0].lower()
    for words, compose in ((_EVALUATOR_WORDS, _review), (_SUPERVISOR_WORDS, _coordinate)):
        if any(word in role for word in words) or any(word in instructions for word in words):
            return compose(turn)
    text = f"As the {role}, I understood your request about {_topic(turn.message)}."
    if turn.known:
        text += f" Details noted: {describe_known(turn.known)}."
    if any(note.available for note in turn.tools):
        return text + " Here is what I found."
    return text + " I'll work on it and report back with the results."


def _capability(turn: LocalTurn) -> str:
    if turn.tasks:
        return f"I can help with {join_words(list(turn.tasks))}."
    return "I can help with your request."


def _review(turn: LocalTurn) -> str:
    """An evaluator's verdict: which known details the newest answer mentions."""
    answers = [m["content"] for m in turn.messages if m["role"] == "assistant"]
    if not answers:
        return "Review: there is no answer to review yet. Verdict: needs more detail."
    answer = answers[-1].lower()
    if not turn.known:
        return f"Review: the answer addresses {_topic(answers[-1])}. Verdict: complete."
    covered = [k.replace("_", " ") for k, v in turn.known.items() if v.lower() in answer]
    missing = [k.replace("_", " ") for k, v in turn.known.items() if v.lower() not in answer]
    text = f"Review: the answer covers {join_words(covered) or 'none of the known details'}."
    if missing:
        return f"{text} Missing: {join_words(missing)}. Verdict: needs more detail."
    return f"{text} Verdict: complete."


def _coordinate(turn: LocalTurn) -> str:
    if turn.known:
        return f"I'll coordinate your request ({describe_known(turn.known)}) with the right specialists."
    return f"I'll coordinate your request: {_topic(turn.message)}."


def _tool_notes(turn: LocalTurn) -> str:
    """A sentence about the tool results: data found or tool unavailable."""
    found = [f"{n.tool}: {n.content[:300]}" for n in turn.tools if n.available]
    unavailable = [f"{n.tool} ({n.content})" for n in turn.tools if not n.available]
    text = ""
    if found:
        text += " Results — " + "; ".join(found) + "."
    if unavailable:
        verb = "is" if len(unavailable) == 1 else "are"
        text += (" Note: I could not check live data because "
                 + join_words(unavailable) + f" {verb} not available.")
    return text


def _topic(text: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", text[:2000]) if w.lower() not in _STOPWORDS]
    return " ".join(words[:6]) if words else "your message"


def _truncate(text: str, max_tokens: int | None) -> str:
    if not max_tokens or max_tokens <= 0:
        return text
    words = text.split(" ")
    return text if len(words) <= max_tokens else " ".join(words[:max_tokens]) + "…"
