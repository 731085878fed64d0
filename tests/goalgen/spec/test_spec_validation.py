"""Spec loading: every error class with its path, all errors at once, warnings, migrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from goalgen.spec import SpecError, load_spec, load_spec_document


def errors_of(doc: Any) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec_document(doc)
    return [str(issue) for issue in caught.value.issues]


def test_the_sample_loads_without_warnings(sample: dict[str, Any]) -> None:
    result = load_spec_document(sample)

    spec = result.spec
    assert result.warnings == []
    assert spec.supervisor.name == "supervisor_agent"
    assert [a.ident for a in spec.agents] == ["flight_agent", "hotel_agent", "itinerary_agent"]
    assert spec.agents[0].tools == ("flight_search",)
    assert spec.agents[0].max_loop == 3
    assert spec.supervisor.max_loop == 8
    assert spec.tools[0].env_vars == ("FLIGHT_API_URL",)
    assert spec.tools[0].method == "POST"
    assert [f.ident for f in spec.context_fields] == [
        "destination", "departure_date", "return_date", "travelers",
    ]


def test_a_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text('{\n  "id": "x",\n  "title": "X"\n  "version": "1"\n}\n', encoding="utf-8")

    with pytest.raises(SpecError) as caught:
        load_spec(path)

    message = str(caught.value.issues[0])
    assert "invalid JSON at line 4, column 3" in message
    assert str(path) in message


def test_a_missing_spec_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "nope.json")

    assert "spec file not found" in str(caught.value)


def test_a_missing_field_names_its_path(sample: dict[str, Any]) -> None:
    del sample["agents"]["flight_agent"]["kind"]

    assert errors_of(sample) == ["agents.flight_agent.kind: missing (expected a string)"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["agents"]["flight_agent"].update(max_loop="3"),
         "agents.flight_agent.max_loop: expected an integer, got a string"),
        (lambda s: s["agents"]["flight_agent"].update(max_loop=True),
         "agents.flight_agent.max_loop: expected an integer, got a boolean"),
        (lambda s: s["agents"]["flight_agent"].update(kind="robot"),
         "agents.flight_agent.kind: expected one of supervisor, llm_agent, evaluator, got 'robot'"),
        (lambda s: s.update(agents=[]), "agents: expected an object, got a list"),
        (lambda s: s["tools"]["flight_search"]["spec"].update(timeout="soon"),
         "tools.flight_search.spec.timeout: expected a number, got a string"),
        (lambda s: s["tools"]["flight_search"]["spec"].update(method="FETCH"),
         "tools.flight_search.spec.method: expected one of GET, POST, PUT, PATCH, DELETE, got 'FETCH'"),
        (lambda s: s["tools"]["flight_search"]["spec"].update(headers={"X-Key": 1}),
         "tools.flight_search.spec.headers.X-Key: expected a string, got a number"),
        (lambda s: s["tasks"][1].update(tools="hotel_search"),
         "tasks[1].tools: expected a list, got a string"),
        (lambda s: s["state_management"]["state"]["schema"].update(context_fields=["a", 3]),
         "state_management.state.schema.context_fields[1]: expected a string, got a number"),
        (lambda s: s["ux"]["teams"].update(sdk="teams-ai"),
         "ux.teams.sdk: expected one of botbuilder, agents, got 'teams-ai'"),
        (lambda s: s["ux"]["teams"].update(sdk=2),
         "ux.teams.sdk: expected a string, got a number"),
    ],
    ids=["string max_loop", "bool max_loop", "bad kind", "agents list", "timeout", "method",
         "header", "task tools", "context field", "unknown sdk", "sdk not a string"],
)
def test_a_mistyped_field_names_its_path_and_what_was_expected(
    sample: dict[str, Any], change: Any, expected: str
) -> None:
    change(sample)

    assert errors_of(sample) == [expected]


@pytest.mark.parametrize(
    ("teams", "sdk"),
    [
        ({"enabled": True}, "botbuilder"),
        ({"enabled": True, "sdk": "botbuilder"}, "botbuilder"),
        ({"enabled": True, "sdk": "agents"}, "agents"),
    ],
    ids=["default", "botbuilder", "agents"],
)
def test_ux_teams_sdk_picks_the_bot_sdk(sample: dict[str, Any], teams: dict, sdk: str) -> None:
    sample["ux"]["teams"] = teams

    result = load_spec_document(sample)

    assert result.spec.teams_sdk == sdk
    assert result.warnings == []


@pytest.mark.parametrize(
    ("checkpointing", "backend", "warned"),
    [
        (None, "sqlite", False),
        ({"backend": "sqlite"}, "sqlite", False),
        ({"backend": "postgres"}, "postgres", False),
        ({"backend": "Postgres"}, "postgres", False),
        ({"backend": "redis"}, "sqlite", True),
    ],
    ids=["default", "sqlite", "postgres", "any case", "unavailable falls back"],
)
def test_checkpointing_backend_picks_where_threads_live(
    sample: dict[str, Any], checkpointing: dict | None, backend: str, warned: bool
) -> None:
    if checkpointing is None:
        del sample["state_management"]["checkpointing"]
    else:
        sample["state_management"]["checkpointing"] = checkpointing

    result = load_spec_document(sample)

    assert result.spec.checkpoint_backend == backend
    assert [w.path for w in result.warnings] == (
        ["state_management.checkpointing.backend"] if warned else []
    )


def test_a_checkpointing_backend_that_is_not_a_string_is_an_error(
    sample: dict[str, Any]
) -> None:
    sample["state_management"]["checkpointing"] = {"backend": 5}

    assert errors_of(sample) == [
        "state_management.checkpointing.backend: expected a string, got a number"
    ]


def test_an_unknown_ux_teams_key_is_a_warning(sample: dict[str, Any]) -> None:
    sample["ux"]["teams"]["sso"] = True

    warnings = [str(issue) for issue in load_spec_document(sample).warnings]

    assert warnings == ["ux.teams.sso: unknown key (kept in goal_spec.json, not used)"]


def test_a_spec_without_a_supervisor_is_an_error(sample: dict[str, Any]) -> None:
    sample["agents"]["supervisor_agent"]["kind"] = "llm_agent"

    assert errors_of(sample) == ['agents: no supervisor: one agent needs "kind": "supervisor"']


def test_two_supervisors_are_an_error(sample: dict[str, Any]) -> None:
    sample["agents"]["hotel_agent"]["kind"] = "supervisor"

    [error] = errors_of(sample)
    assert "more than one supervisor (supervisor_agent, hotel_agent)" in error


def test_a_minimal_supervisor_only_spec_gets_an_assistant_agent() -> None:
    minimal = {
        "id": "minimal", "title": "Minimal", "version": "1.0.0",
        "agents": {"supervisor": {"kind": "supervisor", "policy": "simple_router"}},
    }

    result = load_spec_document(minimal)

    assert [a.name for a in result.spec.agents] == ["assistant"]
    assert result.spec.supervisor.ident == "supervisor"
    assert "only a supervisor: adding an agent 'assistant'" in str(result.warnings[0])


def test_a_task_naming_an_unknown_agent_is_an_error(sample: dict[str, Any]) -> None:
    sample["tasks"][0]["agent"] = "car_agent"

    assert errors_of(sample) == ["tasks[0].agent: unknown agent 'car_agent' (not in agents)"]


def test_unknown_tools_are_errors(sample: dict[str, Any]) -> None:
    sample["agents"]["hotel_agent"]["tools"] = ["hotel_search", "car_search"]
    sample["tasks"][2]["tools"] = ["weather"]

    assert errors_of(sample) == [
        "agents.hotel_agent.tools[1]: unknown tool 'car_search' (not in tools)",
        "tasks[2].tools[0]: unknown tool 'weather' (not in tools)",
    ]


def test_every_error_is_listed_at_once(sample: dict[str, Any]) -> None:
    del sample["title"]
    sample["version"] = 1
    sample["agents"]["flight_agent"]["max_loop"] = 0
    sample["tools"]["hotel_search"]["type"] = "ftp"
    sample["tasks"][0]["agent"] = "nobody"

    assert errors_of(sample) == [
        "title: missing (expected a string)",
        "version: expected a string, got a number",
        "tools.hotel_search.type: expected one of http, sql, vectordb, function, internal, got 'ftp'",
        "agents.flight_agent.max_loop: expected an integer >= 1, got 0",
        "tasks[0].agent: unknown agent 'nobody' (not in agents)",
    ]


def test_a_spec_that_is_not_an_object_is_an_error() -> None:
    assert errors_of([1, 2]) == ["the spec must be a JSON object, got a list"]


def test_unknown_keys_are_warnings_and_kept(sample: dict[str, Any]) -> None:
    sample["owner"] = "travel-team"
    sample["agents"]["flight_agent"]["temperature_hint"] = "low"
    sample["tasks"][0]["priority"] = 1

    result = load_spec_document(sample)

    assert [str(w) for w in result.warnings] == [
        "owner: unknown key (kept in goal_spec.json, not used)",
        "agents.flight_agent.temperature_hint: unknown key (kept in goal_spec.json, not used)",
        "tasks[0].priority: unknown key (kept in goal_spec.json, not used)",
    ]
    assert result.spec.document["owner"] == "travel-team"
    assert result.spec.document["tasks"][0]["priority"] == 1


def test_http_tool_headers_add_their_variables(sample: dict[str, Any]) -> None:
    sample["tools"]["flight_search"]["spec"]["headers"] = {"Authorization": "Bearer ${FLIGHT_KEY}"}
    sample["tools"]["flight_search"]["spec"]["retries"] = 3

    result = load_spec_document(sample)

    assert result.spec.tools[0].env_vars == ("FLIGHT_API_URL", "FLIGHT_KEY")
    assert [str(w) for w in result.warnings] == [
        "tools.flight_search.spec.retries: unknown key (kept in goal_spec.json, not used)"
    ]


def test_a_version_1_spec_is_accepted(sample: dict[str, Any]) -> None:
    sample["schema_version"] = 1

    result = load_spec_document(sample)

    assert result.warnings == []
    assert result.spec.schema_version == 1


def test_a_version_2_azure_spec_falls_back_with_warnings(v2_azure_spec: dict[str, Any]) -> None:
    result = load_spec_document(v2_azure_spec)

    warnings = {w.path: w.message for w in result.warnings}
    assert "using SQLite checkpoints" in warnings["state_management.checkpointing.backend"]
    assert "Azure AD authentication is not generated" in warnings["authentication"]
    assert "cloud deployment resources are not generated" in warnings["deployment"]
    assert "web chat UI is not generated" in warnings["ux.webchat"]
    assert "/api/v1/message" in warnings["api.versioning"]
    # The migration's added field joins the context fields.
    assert [f.ident for f in result.spec.context_fields][-1] == "budget"
    # Nothing is dropped from what gets written.
    assert result.spec.document["deployment"]["resource_group"] == "rg-travel"


def test_a_newer_schema_version_is_read_with_a_warning(sample: dict[str, Any]) -> None:
    sample["schema_version"] = 5

    [warning] = load_spec_document(sample).warnings

    assert warning.path == "schema_version"
    assert "newer than this GoalGen knows (2)" in warning.message


def test_spec_names_become_identifiers_and_class_names(sample: dict[str, Any]) -> None:
    sample["agents"]["flight-agent"] = sample["agents"].pop("flight_agent")
    sample["agents"]["class"] = sample["agents"].pop("itinerary_agent")
    sample["tasks"][0]["agent"] = "flight-agent"
    sample["tasks"][2]["agent"] = "class"
    sample["tools"]["3d-search"] = sample["tools"].pop("hotel_search")
    sample["agents"]["hotel_agent"]["tools"] = ["3d-search"]
    sample["tasks"][1]["tools"] = ["3d-search"]

    spec = load_spec_document(sample).spec

    agents = {a.name: a for a in spec.agents}
    assert (agents["flight-agent"].ident, agents["flight-agent"].class_name) == (
        "flight_agent", "FlightAgent",
    )
    assert (agents["class"].ident, agents["class"].class_name) == ("class_", "Class")
    assert spec.tools[1].ident == "tool_3d_search"
    assert agents["hotel_agent"].tools == ("tool_3d_search",)


def test_names_that_collide_after_normalizing_are_an_error_naming_both(
    sample: dict[str, Any],
) -> None:
    sample["agents"]["Flight-Agent"] = {"kind": "llm_agent"}

    [error] = errors_of(sample)
    assert error == ("agents.Flight-Agent: agent names 'flight_agent' and 'Flight-Agent' both "
                     "become 'flight_agent'; rename one")


def test_a_worker_named_like_the_supervisor_node_is_an_error(sample: dict[str, Any]) -> None:
    sample["agents"]["supervisor"] = {"kind": "llm_agent"}

    [error] = errors_of(sample)
    assert "becomes 'supervisor', which the generated code already uses" in error


@pytest.mark.parametrize(
    ("section", "name", "expected"),
    [
        ("agents", "any", "agent name 'any' gives the class 'Any'"),
        ("agents", "state-graph", "agent name 'state-graph' gives the class 'StateGraph'"),
        ("tools", "os", "tool name 'os' becomes 'os', which the generated code already uses"),
        ("tools", "System Prompt", "becomes 'system_prompt', which the generated code already uses"),
    ],
)
def test_names_that_would_shadow_generated_code_are_errors(
    sample: dict[str, Any], section: str, name: str, expected: str
) -> None:
    sample[section][name] = {"kind": "llm_agent"} if section == "agents" else {"type": "function"}

    [error] = errors_of(sample)
    assert expected in error


def test_a_context_field_clashing_with_routing_state_is_an_error(
    sample: dict[str, Any],
) -> None:
    sample["state_management"]["state"]["schema"]["context_fields"].append("messages")

    [error] = errors_of(sample)
    assert error.startswith(
        "state_management.state.schema.context_fields: context field name 'messages' becomes"
    )


def test_the_sample_file_on_disk_loads(tmp_path: Path, sample: dict[str, Any]) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(sample), encoding="utf-8")

    assert load_spec(path).spec.title == "Travel Planning Assistant"
