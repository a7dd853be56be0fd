"""Kantata fixtures: one PSA simulator per session on loopback, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.kantata import KantataSettings, create_simulator

TOKEN = "kantata-test-token"


@pytest.fixture(scope="session")
def psa_server() -> Iterator[SimHandle]:
    """The PSA simulator over plain HTTP with a generous rate limit, started once."""
    handle = start_simulator(
        create_simulator(
            KantataSettings(
                token=TOKEN,
                rate_limit_per_second=10_000.0,
                rate_limit_burst=10_000.0,
                endpoint_limits="off",
            )
        )
    )
    yield handle
    handle.close()


@pytest.fixture
def psa(psa_server: SimHandle) -> Iterator[SimHandle]:
    """The PSA simulator, reset after the test."""
    yield psa_server
    psa_server.reset()


@pytest.fixture
def api(psa: SimHandle) -> Iterator[httpx.Client]:
    """An authenticated client on /api/v1."""
    with httpx.Client(
        base_url=f"{psa.base_url}/api/v1",
        headers={"Authorization": f"Bearer {TOKEN}"},
        trust_env=False,
        timeout=30.0,
    ) as client:
        yield client


class Firm:
    """A small staffed project: two consultants, a role, a workspace with resources and a task."""

    def __init__(self, psa: SimHandle, api: httpx.Client) -> None:
        self.psa = psa
        self.api = api
        load = psa.admin.post
        assert load(
            "/tenants/default/records/users",
            json={
                "records": [
                    {
                        "id": "7000001",
                        "full_name": "Ada Consultant",
                        "email_address": "ada@firm.example",
                    },
                    {
                        "id": "7000002",
                        "full_name": "Bob Consultant",
                        "email_address": "bob@firm.example",
                    },
                    {
                        "id": "7000003",
                        "full_name": "Cy Outsider",
                        "email_address": "cy@firm.example",
                    },
                ]
            },
        ).status_code in (200, 201)
        self.role = self.one(
            api.post("/roles.json", json={"role": {"name": "Senior Consultant"}}), "roles"
        )
        self.workspace = self.one(
            api.post(
                "/workspaces.json",
                json={
                    "workspace": {
                        "title": "Acme rollout",
                        "creator_role": "maven",
                        "price": 10000,
                        "currency": "USD",
                        "require_time_approvals": True,
                    }
                },
            ),
            "workspaces",
        )
        wid = self.workspace["id"]
        self.ada = self.one(
            api.post(
                "/workspace_resources.json",
                json={
                    "workspace_resource": {
                        "workspace_id": wid,
                        "user_id": "7000001",
                        "role_id": self.role["id"],
                        "bill_rate": 150,
                    }
                },
            ),
            "workspace_resources",
        )
        self.bob = self.one(
            api.post(
                "/workspace_resources.json",
                json={
                    "workspace_resource": {
                        "workspace_id": wid,
                        "user_id": "7000002",
                        "role_id": self.role["id"],
                        "bill_rate": 120,
                    }
                },
            ),
            "workspace_resources",
        )
        self.task = self.one(
            api.post(
                "/stories.json",
                json={"story": {"workspace_id": wid, "title": "Design", "story_type": "task"}},
            ),
            "stories",
        )

    @staticmethod
    def one(resp: httpx.Response, key: str) -> dict[str, Any]:
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return body[key][body["results"][0]["id"]]  # type: ignore[no-any-return]

    def time(self, user_id: str = "7000001", minutes: int = 60, **extra: Any) -> httpx.Response:
        return self.api.post(
            "/time_entries.json",
            json={
                "time_entry": {
                    "workspace_id": self.workspace["id"],
                    "user_id": user_id,
                    "date_performed": "2024-05-06",
                    "time_in_minutes": minutes,
                    **extra,
                }
            },
        )

    def job_reference(self, ref: str, **extra: Any) -> httpx.Response:
        """POST the workspace's NetSuite job reference ``ref`` (create or update)."""
        return self.api.post(
            "/external_references/create_or_update.json",
            json={
                "external_reference": {
                    "subject_type": "Workspace",
                    "subject_id": int(self.workspace["id"]),
                    "service_name": "netsuite",
                    "service_model": "job",
                    "service_model_ref": ref,
                    **extra,
                }
            },
        )


@pytest.fixture
def firm(psa: SimHandle, api: httpx.Client) -> Firm:
    return Firm(psa, api)
