"""Check a parsed goal spec against the schema and collect every problem with its path.

Errors make the spec unusable (missing or mistyped fields, no supervisor, references to unknown
agents or tools); warnings are for keys GoalGen does not know, which are kept as they are.
Checking goes on after an error so a user fixes the whole spec in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from goalgen.spec.model import AGENT_KINDS, HTTP_METHODS, TEAMS_SDKS, TOOL_TYPES, Issue

# Keys known at each level (a trailing ".*" stands for any child name). Anything else warns.
KNOWN_KEYS: dict[str, set[str]] = {
    "": {
        "id", "title", "description", "version", "agents", "tools", "tasks", "ux",
        "state_management", "api", "authentication", "deployment", "schema_version",
        "schema_migrations", "domain_module",
    },
    "agents.*": {"kind", "policy", "tools", "max_loop", "llm_config", "description"},
    "agents.*.llm_config": {"model", "temperature", "max_tokens"},
    "tools.*": {"type", "description", "spec"},
    "tools.*.spec": {"url", "method", "timeout", "headers"},  # http tools; others are free-form
    "tasks.*": {"id", "type", "agent", "tools", "description"},
    "ux": {"teams", "webchat", "api"},
    "ux.teams": {"enabled", "sdk"},
    "state_management": {"checkpointing", "threads", "serialization", "state"},
    "state_management.state": {"schema"},
    "state_management.state.schema": {"context_fields", "descriptions"},
    "api": {"versioning"},
}

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object",
               list: "a list"}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


@dataclass
class Checker:
    """Collects errors and warnings while walking the spec."""

    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append(Issue(path, message))

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(Issue(path, message))

    def typed(self, obj: Mapping[str, Any], key: str, path: str, kind: type,
              required: bool = False) -> Any:
        """Return ``obj[key]`` when it has type ``kind``; record an error otherwise."""
        where = f"{path}.{key}" if path else key
        if key not in obj:
            if required:
                self.error(where, f"missing (expected {_TYPE_NAMES[kind]})")
            return None
        value = obj[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.error(where, f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}")
            return None
        return value

    def number(self, obj: Mapping[str, Any], key: str, path: str, minimum: float) -> None:
        if key not in obj:
            return
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(f"{path}.{key}", f"expected a number, got {_describe(value)}")
        elif value < minimum:
            self.error(f"{path}.{key}", f"expected a number >= {minimum}, got {value}")

    def string_list(self, obj: Mapping[str, Any], key: str, path: str) -> list[str]:
        items = self.typed(obj, key, path, list) or []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, str):
                good.append(item)
            else:
                self.error(f"{path}.{key}[{index}]", f"expected a string, got {_describe(item)}")
        return good

    def unknown_keys(self, obj: Mapping[str, Any], schema_key: str, path: str) -> None:
        known = KNOWN_KEYS[schema_key]
        for key in obj:
            if key not in known:
                where = f"{path}.{key}" if path else key
                self.warn(where, "unknown key (kept in goal_spec.json, not used)")


def check_spec(doc: Any) -> Checker:
    """Validate a parsed spec document; the returned checker holds errors and warnings."""
    checker = Checker()
    if not isinstance(doc, dict):
        checker.error("", f"the spec must be a JSON object, got {_describe(doc)}")
        return checker
    for key in ("id", "title", "version"):
        checker.typed(doc, key, "", str, required=True)
    checker.typed(doc, "description", "", str)
    checker.typed(doc, "schema_version", "", int)
    checker.typed(doc, "schema_migrations", "", dict)
    checker.typed(doc, "domain_module", "", str)
    checker.unknown_keys(doc, "", "")
    tools = checker.typed(doc, "tools", "", dict) or {}
    for name, tool in tools.items():
        _check_tool(checker, name, tool)
    agents = checker.typed(doc, "agents", "", dict, required=True)
    if agents is not None:
        _check_agents(checker, agents, set(tools))
    tasks = checker.typed(doc, "tasks", "", list) or []
    _check_tasks(checker, tasks, set(agents or {}), set(tools))
    _check_sections(checker, doc)
    return checker


def _each_object(checker: Checker, items: Mapping[str, Any], path: str,
                 check: Callable[[dict[str, Any], str], None]) -> None:
    for name, value in items.items():
        where = f"{path}.{name}"
        if isinstance(value, dict):
            check(value, where)
        else:
            checker.error(where, f"expected an object, got {_describe(value)}")


def _check_agents(checker: Checker, agents: dict[str, Any], tool_names: set[str]) -> None:
    if not agents:
        checker.error("agents", "expected at least one agent (a supervisor)")
        return

    def check(agent: dict[str, Any], path: str) -> None:
        kind = checker.typed(agent, "kind", path, str, required=True)
        if kind is not None and kind not in AGENT_KINDS:
            checker.error(f"{path}.kind", f"expected one of {', '.join(AGENT_KINDS)}, got {kind!r}")
        checker.typed(agent, "policy", path, str)
        checker.typed(agent, "description", path, str)
        max_loop = checker.typed(agent, "max_loop", path, int)
        if max_loop is not None and max_loop < 1:
            checker.error(f"{path}.max_loop", f"expected an integer >= 1, got {max_loop}")
        for index, tool in enumerate(checker.string_list(agent, "tools", path)):
            if tool not in tool_names:
                checker.error(f"{path}.tools[{index}]", f"unknown tool {tool!r} (not in tools)")
        llm = checker.typed(agent, "llm_config", path, dict)
        if llm is not None:
            checker.typed(llm, "model", f"{path}.llm_config", str)
            checker.number(llm, "temperature", f"{path}.llm_config", 0)
            max_tokens = checker.typed(llm, "max_tokens", f"{path}.llm_config", int)
            if max_tokens is not None and max_tokens < 1:
                checker.error(f"{path}.llm_config.max_tokens", "expected an integer >= 1")
            checker.unknown_keys(llm, "agents.*.llm_config", f"{path}.llm_config")
        checker.unknown_keys(agent, "agents.*", path)

    _each_object(checker, agents, "agents", check)
    kinds = [a.get("kind") for a in agents.values() if isinstance(a, dict)]
    supervisors = [n for n, a in agents.items() if isinstance(a, dict) and a.get("kind") == "supervisor"]
    if "supervisor" not in kinds:
        checker.error("agents", "no supervisor: one agent needs \"kind\": \"supervisor\"")
    elif len(supervisors) > 1:
        checker.error("agents", f"more than one supervisor ({', '.join(supervisors)}); "
                                "a generated workflow has exactly one")


def _check_tool(checker: Checker, name: str, tool: Any) -> None:
    path = f"tools.{name}"
    if not isinstance(tool, dict):
        checker.error(path, f"expected an object, got {_describe(tool)}")
        return
    kind = checker.typed(tool, "type", path, str, required=True)
    if kind is not None and kind not in TOOL_TYPES:
        checker.error(f"{path}.type", f"expected one of {', '.join(TOOL_TYPES)}, got {kind!r}")
    checker.typed(tool, "description", path, str)
    spec = checker.typed(tool, "spec", path, dict)
    checker.unknown_keys(tool, "tools.*", path)
    if kind != "http":
        return
    if spec is None:
        if "spec" not in tool:
            checker.error(f"{path}.spec", "missing (an http tool needs spec.url)")
        return
    checker.typed(spec, "url", f"{path}.spec", str, required=True)
    method = checker.typed(spec, "method", f"{path}.spec", str)
    if method is not None and method.upper() not in HTTP_METHODS:
        checker.error(f"{path}.spec.method",
                      f"expected one of {', '.join(HTTP_METHODS)}, got {method!r}")
    checker.number(spec, "timeout", f"{path}.spec", 0.001)
    headers = checker.typed(spec, "headers", f"{path}.spec", dict) or {}
    for key, value in headers.items():
        if not isinstance(value, str):
            checker.error(f"{path}.spec.headers.{key}", f"expected a string, got {_describe(value)}")
    checker.unknown_keys(spec, "tools.*.spec", f"{path}.spec")


def _check_tasks(checker: Checker, tasks: list[Any], agent_names: set[str],
                 tool_names: set[str]) -> None:
    for index, task in enumerate(tasks):
        path = f"tasks[{index}]"
        if not isinstance(task, dict):
            checker.error(path, f"expected an object, got {_describe(task)}")
            continue
        checker.typed(task, "id", path, str, required=True)
        checker.typed(task, "type", path, str)
        checker.typed(task, "description", path, str)
        agent = checker.typed(task, "agent", path, str, required=True)
        if agent is not None and agent_names and agent not in agent_names:
            checker.error(f"{path}.agent", f"unknown agent {agent!r} (not in agents)")
        for tool_index, tool in enumerate(checker.string_list(task, "tools", path)):
            if tool not in tool_names:
                checker.error(f"{path}.tools[{tool_index}]", f"unknown tool {tool!r} (not in tools)")
        checker.unknown_keys(task, "tasks.*", path)


def _check_sections(checker: Checker, doc: dict[str, Any]) -> None:
    ux = checker.typed(doc, "ux", "", dict)
    if ux is not None:
        checker.unknown_keys(ux, "ux", "ux")
        for channel in ("teams", "webchat", "api"):
            section = checker.typed(ux, channel, "ux", dict)
            if section is not None:
                checker.typed(section, "enabled", f"ux.{channel}", bool)
        teams = ux.get("teams")
        if isinstance(teams, dict):
            checker.unknown_keys(teams, "ux.teams", "ux.teams")
            sdk = checker.typed(teams, "sdk", "ux.teams", str)
            if sdk is not None and sdk not in TEAMS_SDKS:
                checker.error("ux.teams.sdk", f"expected one of {', '.join(TEAMS_SDKS)}, got {sdk!r}")
    state_mgmt = checker.typed(doc, "state_management", "", dict)
    if state_mgmt is not None:
        checker.unknown_keys(state_mgmt, "state_management", "state_management")
        checkpointing = checker.typed(state_mgmt, "checkpointing", "state_management", dict)
        if checkpointing is not None:
            checker.typed(checkpointing, "backend", "state_management.checkpointing", str)
        state = checker.typed(state_mgmt, "state", "state_management", dict)
        if state is not None:
            checker.unknown_keys(state, "state_management.state", "state_management.state")
            schema = checker.typed(state, "schema", "state_management.state", dict)
            if schema is not None:
                where = "state_management.state.schema"
                checker.unknown_keys(schema, where, where)
                checker.string_list(schema, "context_fields", where)
                descriptions = checker.typed(schema, "descriptions", where, dict) or {}
                for key, text in descriptions.items():
                    if not isinstance(text, str):
                        checker.error(f"{where}.descriptions.{key}",
                                      f"expected a string, got {_describe(text)}")
    api = checker.typed(doc, "api", "", dict)
    if api is not None:
        checker.unknown_keys(api, "api", "api")
        checker.typed(api, "versioning", "api", dict)
    checker.typed(doc, "authentication", "", dict)
    checker.typed(doc, "deployment", "", dict)
