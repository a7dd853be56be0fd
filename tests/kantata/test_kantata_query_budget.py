"""PSA list filters run under the engine's query budget."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import QueryBudget, SimulatorSettings
from simulators.kantata import KantataSettings, create_simulator

TOKEN = "kantata-budget-token"


def _start(budget: QueryBudget) -> SimHandle:
    handle = start_simulator(
        create_simulator(
            KantataSettings(token=TOKEN, rate_limit_per_second=10_000.0, rate_limit_burst=10_000.0),
            SimulatorSettings(query_budget=budget),
        )
    )
    workspaces = [{"id": str(i), "title": f"Project {i:05d}", "price": 100} for i in range(1, 3001)]
    r = handle.admin.post("/tenants/default/records/workspaces", json={"records": workspaces})
    assert r.status_code == 201, r.text
    return handle


@pytest.fixture(scope="module", params=["tight", "roomy"])
def psa_budget(request: pytest.FixtureRequest) -> Iterator[tuple[str, SimHandle]]:
    budget = (
        QueryBudget(seconds=0.0001, inline_seconds=0.00005)
        if request.param == "tight"
        else QueryBudget(seconds=60.0, inline_seconds=0.0001)
    )
    handle = _start(budget)
    yield request.param, handle
    handle.close()


def test_list_filters_within_and_past_the_budget(psa_budget: tuple[str, SimHandle]) -> None:
    kind, psa = psa_budget
    with httpx.Client(
        base_url=f"{psa.base_url}/api/v1", headers={"Authorization": f"Bearer {TOKEN}"}
    ) as api:
        r = api.get("/workspaces.json?matching=project&per_page=200&page=2")
        if kind == "tight":
            assert r.status_code == 503, r.text
            assert r.json()["errors"][0]["type"] == "system"
        else:
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["count"] == 3000 and len(body["results"]) == 200
