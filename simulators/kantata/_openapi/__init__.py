"""Properties of Kantata OX's resources as its OpenAPI files describe them.

One JSON file per collection (``workspaces.json`` ...), written by ``_generate.py`` from
Kantata's per-resource OpenAPI 3 files (api-evangelist/mavenlink, converted from the
vendor's Swagger 2.0 contract). Each property has its JSON type and when it is returned:
``always``, ``optional`` (only through ``optional_fields``) or ``include:<association>``
(only when that association is included).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

COLLECTIONS = {
    "workspaces": ("mavenlink-workspaces-api-openapi.yml", "Workspace"),
    "stories": ("mavenlink-stories-api-openapi.yml", "Story"),
    "time_entries": ("mavenlink-time-entries-api-openapi.yml", "TimeEntry"),
    "assignments": ("mavenlink-assignments-api-openapi.yml", "Assignment"),
    "workspace_resources": ("mavenlink-workspace-resources-api-openapi.yml", "WorkspaceResource"),
    "external_references": ("mavenlink-external-references-api-openapi.yml", "ExternalReference"),
}


def load(collection: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(f"{collection}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
