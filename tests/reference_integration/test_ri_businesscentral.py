"""The reference integration with Business Central as its ERP: the webhook subscription it
makes itself, and how it answers what Business Central posts to ``/webhooks/erp``.

Business Central's webhooks (learn.microsoft.com, "Working with webhooks in Dynamics 365
Business Central"): the subscriber answers the handshake POST to
``notificationUrl?validationToken=...`` with 200 and the token as the body, and should
drop notifications whose ``clientState`` is not the one it subscribed with.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from reference_integration import RunningIntegration, load_settings

from harness.testing import SimHandle, start_simulator

from .conftest import endpoints


@pytest.fixture(scope="module")
def bc() -> Iterator[SimHandle]:
    from simulators.businesscentral import BusinessCentralSettings, create_simulator

    handle = start_simulator(
        create_simulator(BusinessCentralSettings(notification_delay_seconds=0.2))
    )
    yield handle
    handle.close()


@pytest.fixture
def ri(
    sims: dict[str, SimHandle], bc: SimHandle, tmp_path: Path
) -> Iterator[tuple[RunningIntegration, dict[str, Any]]]:
    """The integration on the CRM, PSA and HCM simulators with Business Central as the ERP."""
    bc.reset()
    doc = endpoints({k: v for k, v in sims.items() if k != "erp"})
    creds = bc.admin.get("/tenants/default").json()["credentials"]
    doc["erp"] = {
        "vendor": "businesscentral",
        "base_url": bc.base_url,
        "admin_url": f"{bc.base_url}/__admin",
        "admin_token": bc.admin_token,
        **creds,
    }
    ep = tmp_path / "ep.json"
    ep.write_text(json.dumps(doc))
    settings = load_settings(ep, env={}, db_path=str(tmp_path / "ri.sqlite3"), port=0)
    running = RunningIntegration(settings).start()
    yield running, doc["erp"]
    running.stop()


def _subscribed(bc: SimHandle) -> None:
    """Until Business Central answered the integration's subscription POST with 201."""
    spec = {"method": "POST", "path": "/subscriptions$", "status": 201}
    r = bc.admin.post("/wait-for", json={"journal": spec, "timeout": 15}, timeout=20)
    assert r.status_code == 200, r.text


def test_subscribes_to_sales_invoices_with_the_handshake(
    ri: tuple[RunningIntegration, dict[str, Any]], bc: SimHandle
) -> None:
    running, erp = ri
    _subscribed(bc)
    [sub] = bc.admin.get("/tenants/default/records/subscription").json()["records"]
    assert sub["notificationUrl"] == f"{running.url}/webhooks/erp"
    assert sub["resource"] == f"api/v2.0/companies({erp['company_id']})/salesInvoices"


def test_answers_the_validation_token(ri: tuple[RunningIntegration, dict[str, Any]]) -> None:
    running, _ = ri
    r = httpx.post(f"{running.url}/webhooks/erp", params={"validationToken": "tok-123"})
    assert r.status_code == 200 and r.text == "tok-123"


def test_refuses_notifications_without_its_client_state(
    ri: tuple[RunningIntegration, dict[str, Any]], bc: SimHandle
) -> None:
    running, erp = ri
    _subscribed(bc)
    [sub] = bc.admin.get("/tenants/default/records/subscription").json()["records"]
    state = sub["clientState"]
    item = {
        "subscriptionId": "s1",
        "expirationDateTime": "2030-01-01T00:00:00Z",
        "resource": f"api/v2.0/companies({erp['company_id']})/salesInvoices"
        "(11111111-2222-3333-4444-555555555555)",
        "changeType": "updated",
        "lastModifiedDateTime": "2026-01-01T00:00:00Z",
    }
    forged = httpx.post(
        f"{running.url}/webhooks/erp", json={"value": [{**item, "clientState": "guess"}]}
    )
    assert forged.status_code == 401
    ours = httpx.post(
        f"{running.url}/webhooks/erp", json={"value": [{**item, "clientState": state}]}
    )
    assert ours.status_code == 200 and ours.json()["accepted"] == 1
