"""Response properties of Workday's Staffing REST API (v6 and v7), from Workday's OpenAPI.

``staffing_v6.json`` / ``staffing_v7.json`` map each single-instance GET of the Staffing
service (``/workers/{ID}``, ``/jobProfiles/{ID}``, ``/supervisoryOrganizations/{ID}``,
``/jobs/{ID}``, ``/jobFamilies/{ID}``) to its properties and their JSON types; written by
``_generate.py`` from the published specs (Staffing v6 OpenAPI 3 as konfig-sdks carries it,
Staffing v7 Swagger 2.0 of 2026-04-18).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

VERSIONS = ("v6", "v7")
RESOURCES = (
    "/workers/{ID}",
    "/jobProfiles/{ID}",
    "/supervisoryOrganizations/{ID}",
    "/jobs/{ID}",
    "/jobFamilies/{ID}",
)


def load(version: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(f"staffing_{version}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
