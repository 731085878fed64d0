"""Spec documents for the spec tests: the sample, and public GoalGen v1/v2 shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

SAMPLE = Path(__file__).resolve().parents[3] / "examples" / "travel_planning.json"


@pytest.fixture
def sample() -> dict[str, Any]:
    """A fresh copy of the sample spec, safe to modify; its domain module named by an absolute
    path, so the copy loads from anywhere."""
    doc = copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8")))
    doc["domain_module"] = str(SAMPLE.parent / doc["domain_module"])
    return doc


@pytest.fixture
def v2_azure_spec(sample: dict[str, Any]) -> dict[str, Any]:
    """The sample as the public GoalGen writes a version 2 spec with Azure sections."""
    sample["schema_version"] = 2
    sample["schema_migrations"] = {
        "1_to_2": {
            "description": "Added a budget field",
            "migration": "set_default",
            "added_fields": ["budget"],
            "default_values": {"budget": None},
        }
    }
    sample["state_management"]["checkpointing"] = {
        "backend": "cosmos",
        "configuration": {"cosmos": {"database": "travel_db", "container": "checkpoints"}},
    }
    sample["state_management"]["serialization"]["compression"] = {"enabled": True}
    sample["ux"]["webchat"] = {"enabled": True}
    sample["api"]["versioning"]["base_path"] = "/api/{version}/goal/{goal_id}"
    sample["authentication"] = {
        "type": "azure_ad",
        "tenant_id": "${AZURE_TENANT_ID}",
        "client_id": "${AZURE_CLIENT_ID}",
        "required_roles": ["Planner.User"],
    }
    sample["deployment"] = {
        "platform": "azure",
        "targets": ["containerapps"],
        "resource_group": "rg-travel",
        "region": "eastus",
    }
    return sample
