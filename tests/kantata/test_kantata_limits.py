"""Kantata's rate-limit variants (docs/vendor-variants.md). Source for what is known:
developer.kantata.com, summarised in api-evangelist/mavenlink rate-limits/mavenlink-rate-limits.yml:
429 "Too Many Requests", general limits plus eight operations limited on their own (GET/POST
/workspaces among them), no number and no Retry-After header documented."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.kantata import KantataSettings, create_simulator

TOKEN = "kantata-limits-token"


@pytest.fixture(scope="module")
def tight() -> Iterator[SimHandle]:
    settings = KantataSettings(
        token=TOKEN,
        rate_limit_per_second=10_000.0,
        rate_limit_burst=10_000.0,
        endpoint_limit_per_second=0.001,
        endpoint_limit_burst=2,
        retry_after="seconds",
    )
    handle = start_simulator(create_simulator(settings))
    yield handle
    handle.close()


@pytest.fixture
def api(tight: SimHandle) -> Iterator[httpx.Client]:
    tight.admin.post("/tenants/default/clock", json={"freeze": True})
    with httpx.Client(
        base_url=f"{tight.base_url}/api/v1",
        headers={"Authorization": f"Bearer {TOKEN}"},
        trust_env=False,
        timeout=30.0,
    ) as client:
        yield client
    tight.reset()


def test_workspaces_list_has_its_own_limit(api: httpx.Client) -> None:
    statuses = [api.get("/workspaces.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    r = api.get("/workspaces")  # the same operation without the .json suffix
    assert r.status_code == 429
    assert r.json() == {
        "errors": [
            {"type": "system", "message": "Rate limit exceeded. Please retry your request later."}
        ]
    }
    assert int(r.headers["retry-after"]) >= 1  # only because retry_after="seconds" here
    # other operations are under the general limit only, and creating has its own bucket
    assert all(api.get("/roles.json").status_code == 200 for _ in range(5))
    body = {"workspace": {"title": "Limited", "creator_role": "maven"}}
    assert api.post("/workspaces.json", json=body).status_code in (200, 201)


def test_variant_values_are_checked() -> None:
    with pytest.raises(ValueError, match="retry_after must be one of off, seconds"):
        KantataSettings(retry_after="always")
    with pytest.raises(ValueError, match="endpoint_limits must be one of guessed, off"):
        KantataSettings(endpoint_limits="strict")
    assert KantataSettings().retry_after == "off"  # no header Kantata does not document
