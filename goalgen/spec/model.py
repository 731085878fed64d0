"""Records for a validated goal spec: what the generator renders from.

The loader builds these only from a spec that passed validation, so every field here is
present, typed and already normalized (identifiers, defaults, fallbacks applied).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

AGENT_KINDS = ("supervisor", "llm_agent", "evaluator")
TOOL_TYPES = ("http", "sql", "vectordb", "function", "internal")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# `ux.teams.sdk`: what teams_app/ is built on (botbuilder, or the Microsoft 365 Agents SDK).
TEAMS_SDKS = ("botbuilder", "agents")
# `state_management.checkpointing.backend`: where the orchestrator keeps threads (SQLite embedded,
# or one PostgreSQL database shared by several processes). Other backends fall back to SQLite.
CHECKPOINT_BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Issue:
    """One problem found in a spec: where (a dotted path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SpecError(Exception):
    """The spec cannot be used; ``issues`` lists every error found, not just the first, and
    ``warnings`` what was noticed on the way (unknown keys, ...), so a user fixes both at once."""

    def __init__(self, issues: list[Issue], warnings: list[Issue] | None = None) -> None:
        super().__init__("; ".join(str(issue) for issue in issues))
        self.issues = issues
        self.warnings = warnings or []


@dataclass(frozen=True)
class ToolSpec:
    name: str
    ident: str
    type: str
    description: str
    url: str = ""
    method: str = "GET"
    timeout: float = 30.0
    headers: dict[str, str] = field(default_factory=dict)  # values may hold ${VAR}
    env_vars: tuple[str, ...] = ()  # every ${VAR} in the url and headers

    @property
    def base_url_var(self) -> str:
        """The variable the URL starts with (``${API_URL}/search`` -> ``API_URL``), else ""."""
        for name in self.env_vars:
            if self.url.startswith("${" + name + "}"):
                return name
        return ""


@dataclass(frozen=True)
class AgentSpec:
    name: str
    ident: str
    class_name: str
    kind: str
    description: str
    policy: str
    max_loop: int
    llm_config: dict[str, Any]
    tools: tuple[str, ...] = ()  # tool identifiers
    tasks: tuple[str, ...] = ()  # task ids handled by this agent


@dataclass(frozen=True)
class ContextField:
    name: str
    ident: str
    description: str


@dataclass(frozen=True)
class DomainModule:
    """The spec's ``domain_module``: as written, the files to copy (project path -> text) and
    the hooks its top level defines (``extract_context``, ``offline_reply``, ...)."""

    name: str
    files: tuple[tuple[PurePosixPath, str], ...]
    hooks: frozenset[str]


@dataclass
class GoalSpec:
    """A spec ready to render; ``document`` is the normalized JSON written as goal_spec.json."""

    id: str
    ident: str
    class_name: str
    title: str
    description: str
    version: str
    schema_version: int
    supervisor: AgentSpec
    agents: list[AgentSpec]  # the workers the supervisor routes to, in spec order
    tools: list[ToolSpec]
    context_fields: list[ContextField]
    teams_sdk: str = TEAMS_SDKS[0]
    checkpoint_backend: str = CHECKPOINT_BACKENDS[0]
    domain: DomainModule | None = None  # None: generic context reading and offline answers
    document: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoadResult:
    spec: GoalSpec
    warnings: list[Issue]
