"""Read specs written for the public GoalGen (schema versions 1 and 2, Azure sections).

What cannot run here falls back to the embedded defaults with a warning: Cosmos/Redis
checkpoints become SQLite (PostgreSQL ones are generated), Azure AD authentication and Azure deployment sections are not
generated. Schema migrations that add state fields are folded into the context fields, so
state saved before the migration still loads (new fields start empty).
"""

from __future__ import annotations

from typing import Any

from goalgen.spec.model import CHECKPOINT_BACKENDS, Issue

CURRENT_SCHEMA_VERSION = 2


def migrated_context_fields(doc: dict[str, Any], warnings: list[Issue]) -> list[str]:
    """The spec's context fields plus fields added by its schema migrations, in order."""
    schema = doc.get("state_management", {}).get("state", {}).get("schema", {})
    fields = list(schema.get("context_fields", []))
    for name, migration in doc.get("schema_migrations", {}).items():
        path = f"schema_migrations.{name}"
        if not isinstance(migration, dict):
            warnings.append(Issue(path, "expected an object; migration ignored"))
            continue
        added = migration.get("added_fields", [])
        if not isinstance(added, list) or not all(isinstance(f, str) for f in added):
            warnings.append(Issue(f"{path}.added_fields", "expected a list of strings; ignored"))
            continue
        fields.extend(f for f in added if f not in fields)
    return fields


def fallback_warnings(doc: dict[str, Any]) -> list[Issue]:
    """Warnings for sections that the generated project cannot honour as written."""
    warnings: list[Issue] = []
    version = doc.get("schema_version")
    if isinstance(version, int) and version > CURRENT_SCHEMA_VERSION:
        warnings.append(Issue("schema_version", f"version {version} is newer than this GoalGen "
                              f"knows ({CURRENT_SCHEMA_VERSION}); reading it as version "
                              f"{CURRENT_SCHEMA_VERSION}"))
    backend = doc.get("state_management", {}).get("checkpointing", {}).get("backend")
    if backend is not None and checkpoint_backend(doc) != backend.lower():
        warnings.append(Issue("state_management.checkpointing.backend",
                              f"{backend!r} is not available here (sqlite and postgres are); "
                              "using SQLite checkpoints "
                              "(CHECKPOINT_DB)"))
    if _auth_types(doc.get("authentication", {})) - {"none"}:
        warnings.append(Issue("authentication", "Azure AD authentication is not generated; the bot "
                              "validates Bot Framework tokens when MicrosoftAppId/"
                              "MicrosoftAppPassword are set and the orchestrator listens on "
                              "127.0.0.1"))
    deployment = doc.get("deployment", {})
    if set(deployment) - {"environments"} and deployment.get("platform", "azure") != "local":
        warnings.append(Issue("deployment", "cloud deployment resources are not generated; run "
                              "the project locally with scripts/start_orchestrator.sh and "
                              "scripts/start_bot.sh"))
    warnings.extend(_ux_warnings(doc.get("ux", {})))
    versioning = doc.get("api", {}).get("versioning", {})
    if isinstance(versioning, dict) and (versioning.get("current_version", "v1") != "v1"
                                         or versioning.get("base_path", "/api/{version}")
                                         != "/api/{version}"):
        warnings.append(Issue("api.versioning", "the orchestrator serves POST /api/v1/message "
                              "whatever the versioning settings"))
    return warnings


def checkpoint_backend(doc: dict[str, Any]) -> str:
    """``state_management.checkpointing.backend`` when this GoalGen generates it, else sqlite."""
    backend = doc.get("state_management", {}).get("checkpointing", {}).get("backend")
    backend = str(backend or CHECKPOINT_BACKENDS[0]).lower()
    return backend if backend in CHECKPOINT_BACKENDS else CHECKPOINT_BACKENDS[0]


def _auth_types(section: Any) -> set[str]:
    """Every ``type`` value inside the authentication section, lower-cased."""
    if isinstance(section, dict):
        found = {str(section["type"]).lower()} if "type" in section else set()
        for value in section.values():
            found |= _auth_types(value)
        return found
    return set()


def _ux_warnings(ux: dict[str, Any]) -> list[Issue]:
    def enabled(channel: str, default: bool) -> bool:
        return bool(ux.get(channel, {}).get("enabled", default))

    warnings = []
    if enabled("webchat", False):
        warnings.append(Issue("ux.webchat", "a web chat UI is not generated; web clients can use "
                              "the orchestrator API (POST /api/v1/message)"))
    if not enabled("teams", True):
        warnings.append(Issue("ux.teams", "disabled, but teams_app/ is still generated; delete it "
                              "if you do not need the bot"))
    if not enabled("api", True):
        warnings.append(Issue("ux.api", "disabled, but orchestrator/ is still generated because "
                              "the bot calls it"))
    return warnings
