"""Build the render-ready GoalSpec from a validated spec document.

Names become identifiers and class names here; two spec names that end up as the same
identifier, or one that clashes with a name the generated code already uses, are errors that
name both, because silently renaming would leave a user guessing which module is which.
"""

from __future__ import annotations

from typing import Any

from goalgen.spec.migrate import (
    CURRENT_SCHEMA_VERSION,
    checkpoint_backend,
    migrated_context_fields,
)
from goalgen.spec.model import TEAMS_SDKS, AgentSpec, ContextField, GoalSpec, Issue, ToolSpec
from goalgen.spec.names import env_placeholders, to_class_name, to_identifier

DEFAULT_MAX_LOOP = {"supervisor": 10, "llm_agent": 3, "evaluator": 2}
LLM_KEYS = ("model", "temperature", "max_tokens")
# Names the generated code defines itself, by kind of spec name that could clash with them.
RESERVED = {
    # The supervisor's graph node is always "supervisor"; the rest are names in graph.py.
    "agent": {"supervisor", "route_from_supervisor", "build_graph", "compile_graph"},
    # Names imported next to the agent classes in the agent modules and graph.py.
    "agent class": {"Any", "BaseAgent", "BaseCheckpointSaver", "CompiledStateGraph", "Mapping",
                    "StateGraph", "WorkflowState"},
    # Names in tools.py, and helpers imported next to the tools in the agent modules.
    "tool": {"call_http", "expand_env", "not_implemented", "os", "re", "httpx", "dataclass",
             "known_context", "assistant_message", "count_visit", "latest_user_message",
             "llm_messages", "system_prompt", "choose"},
    "context field": {"messages", "next_agent", "loop_count", "visits", "user_id"},
}


class _Names:
    """Hands out identifiers for one kind of name and records clashes as errors."""

    def __init__(self, kind: str, prefix: str, errors: list[Issue]) -> None:
        self.kind, self.prefix, self.errors = kind, prefix, errors
        self.taken: dict[str, str] = {}

    def ident(self, name: str, path: str, check_reserved: bool = True) -> str:
        ident = to_identifier(name, self.prefix)
        if not ident:
            self.errors.append(Issue(path, f"{self.kind} name {name!r} has no letters or digits"))
        elif ident in self.taken:
            self.errors.append(Issue(path, f"{self.kind} names {self.taken[ident]!r} and {name!r} "
                                     f"both become {ident!r}; rename one"))
        elif check_reserved and ident in RESERVED.get(self.kind, set()):
            self.errors.append(Issue(path, f"{self.kind} name {name!r} becomes {ident!r}, which "
                                     "the generated code already uses; rename it"))
        self.taken.setdefault(ident, name)
        return ident


def build_goal_spec(doc: dict[str, Any], warnings: list[Issue]) -> tuple[GoalSpec | None,
                                                                         list[Issue]]:
    """Return the GoalSpec (or None) and the naming errors found while building it."""
    errors: list[Issue] = []
    tool_names = _Names("tool", "tool", errors)
    tools = [_tool(name, raw, tool_names.ident(name, f"tools.{name}"))
             for name, raw in doc.get("tools", {}).items()]
    tool_idents = {tool.name: tool.ident for tool in tools}
    tasks_by_agent: dict[str, list[str]] = {}
    for task in doc.get("tasks", []):
        tasks_by_agent.setdefault(task["agent"], []).append(task["id"])
    agent_names = _Names("agent", "agent", errors)
    agents = []
    for name, raw in doc["agents"].items():
        # The supervisor's node is "supervisor" whatever its name, so only workers can clash.
        ident = agent_names.ident(name, f"agents.{name}", raw["kind"] != "supervisor")
        class_name = to_class_name(ident)
        if class_name in RESERVED["agent class"]:
            errors.append(Issue(f"agents.{name}", f"agent name {name!r} gives the class "
                                f"{class_name!r}, which the generated code already uses"))
        agents.append(_agent(name, raw, ident, class_name, tools, tool_idents,
                             tasks_by_agent.get(name, [])))
    supervisor = next(agent for agent in agents if agent.kind == "supervisor")
    if len(agents) == 1:
        agents.append(_default_worker(doc, supervisor, warnings))
    field_names = _Names("context field", "field", errors)
    descriptions = (doc.get("state_management", {}).get("state", {}).get("schema", {})
                    .get("descriptions", {}))
    fields_path = "state_management.state.schema.context_fields"
    context_fields = [ContextField(name, field_names.ident(name, fields_path),
                                   descriptions.get(name, ""))
                      for name in migrated_context_fields(doc, warnings)]
    goal_ident = to_identifier(doc["id"], "goal") or "goal"
    if errors:
        return None, errors
    spec = GoalSpec(
        id=doc["id"], ident=goal_ident, class_name=to_class_name(goal_ident), title=doc["title"],
        description=doc.get("description", ""), version=doc["version"],
        schema_version=doc.get("schema_version", CURRENT_SCHEMA_VERSION),
        supervisor=supervisor, agents=[a for a in agents if a is not supervisor], tools=tools,
        context_fields=context_fields, teams_sdk=_teams_sdk(doc),
        checkpoint_backend=checkpoint_backend(doc), document=doc,
    )
    return spec, errors


def _teams_sdk(doc: dict[str, Any]) -> str:
    """``ux.teams.sdk`` (validated), botbuilder when the spec does not say."""
    teams = doc.get("ux", {}).get("teams", {})
    return teams.get("sdk", TEAMS_SDKS[0])


def _default_worker(doc: dict[str, Any], supervisor: AgentSpec,
                    warnings: list[Issue]) -> AgentSpec:
    """The agent a supervisor-only spec routes to (the public GoalGen's minimal specs)."""
    name = "assistant" if supervisor.ident != "assistant" else "assistant_agent"
    warnings.append(Issue("agents", f"only a supervisor: adding an agent {name!r} for it to "
                          "route to (add your own agents to the spec)"))
    description = doc.get("description") or f"Answers questions about {doc['title']}"
    return AgentSpec(
        name=name, ident=name, class_name=to_class_name(name), kind="llm_agent",
        description=description, policy="simple_router", max_loop=DEFAULT_MAX_LOOP["llm_agent"],
        llm_config=dict(supervisor.llm_config),
    )


def _tool(name: str, raw: dict[str, Any], ident: str) -> ToolSpec:
    spec = (raw.get("spec") or {}) if raw["type"] == "http" else {}
    url = spec.get("url", "")
    headers = dict(spec.get("headers", {}))
    placeholders = env_placeholders(" ".join([url, *headers.values()]))
    return ToolSpec(
        name=name, ident=ident, type=raw["type"],
        description=raw.get("description") or f"The {name} tool",
        url=url, method=str(spec.get("method", "GET")).upper(),
        timeout=float(spec.get("timeout", 30)), headers=headers, env_vars=tuple(placeholders),
    )


def _agent(name: str, raw: dict[str, Any], ident: str, class_name: str, tools: list[ToolSpec],
           tool_idents: dict[str, str], tasks: list[str]) -> AgentSpec:
    kind = raw["kind"]
    own_tools = [t for t in raw.get("tools", []) if t in tool_idents]
    description = raw.get("description") or _describe_agent(name, tasks, own_tools, tools)
    return AgentSpec(
        name=name, ident=ident, class_name=class_name, kind=kind, description=description,
        policy=raw.get("policy", "simple_router"),
        max_loop=raw.get("max_loop", DEFAULT_MAX_LOOP[kind]),
        llm_config={k: raw["llm_config"][k] for k in LLM_KEYS if k in raw.get("llm_config", {})},
        tools=tuple(tool_idents[t] for t in own_tools), tasks=tuple(tasks),
    )


def _describe_agent(name: str, tasks: list[str], own_tools: list[str],
                    tools: list[ToolSpec]) -> str:
    """A routing description from the agent's name, tasks and tool descriptions."""
    words = name.replace("_", " ").replace("-", " ")
    parts = [f"The {words}."]
    if tasks:
        parts.append("Handles: " + ", ".join(t.replace("_", " ") for t in tasks) + ".")
    by_name = {tool.name: tool for tool in tools}
    parts.extend(by_name[t].description.rstrip(".") + "." for t in own_tools)
    return " ".join(parts)
