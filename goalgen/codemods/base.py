"""The contract between the codemods and the instrument engine.

The engine (``instrument``) reads files, builds one ``ProjectIndex`` over the whole project, then
calls ``goalgen.codemods.rewrite`` once per file. Codemods never import ``frmk``; they only insert the
names the kinds list (``goalgen.codemods.registry.runtime_names()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STYLES: tuple[str, ...] = ("auto", "decorator", "block")


@dataclass(frozen=True)
class Target:
    """One place a codemod looked at: a function to trace, an app to propagate, a client."""

    kind: str  # a kind's name (codemods.registry)
    name: str  # qualified name in the module, e.g. "EchoBot.on_message_activity"
    span: str  # span name it gets, e.g. "bot.on_message_activity" ("" for app/client targets)
    line: int  # 1-based line of the def / call in the original code
    action: str  # "added" | "present" (already traced) | "removed" | "skipped"
    reason: str = ""  # why skipped (lambda, ...); on a traced target, a note ("path not static")


@dataclass
class Rewrite:
    """The result of rewriting one module: its new code and what was found in it."""

    code: str
    targets: list[Target] = field(default_factory=list)
    changes: bool = False  # the code changes (or would: ``rewrite(..., apply=False)``)

    @property
    def changed_targets(self) -> list[Target]:
        return [t for t in self.targets if t.action in ("added", "removed")]


# Every line the tool inserts (or touches, for client arguments) ends with this comment. It is how
# ``--remove`` tells the tool's tracing from tracing a person wrote, survives formatters (black
# and ruff keep trailing comments on their line) and is plain to see in a review diff.
MARKER = "# goalgen: instrument"


class UnparsableSource(ValueError):
    """The code does not parse with this Python's ``ast`` (a syntax error, or newer syntax).

    ``rewrite`` raises it (``str(exc)`` is "line N: message"); the engine reports the file and
    leaves it untouched.
    """
