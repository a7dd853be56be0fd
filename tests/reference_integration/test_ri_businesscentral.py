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


def test_supplier_invoice_booked_once_as_a_posted_purchase_invoice(
    sims: dict[str, SimHandle], bc: SimHandle, tmp_path: Path
) -> None:
    """The ERP port books a supplier invoice as a posted purchase invoice whose line names
    the project's number (v2.0 purchase lines have no job field); booking it again, as a
    retried sync does, finds it by the vendor's invoice number and makes nothing new."""
    import asyncio

    from reference_integration.clients import BusinessCentralClient
    from reference_integration.erp.businesscentral import BusinessCentralErp
    from reference_integration.store import Store

    bc.reset()
    creds = bc.admin.get("/tenants/default").json()["credentials"]
    doc = endpoints({k: v for k, v in sims.items() if k != "erp"})
    doc["erp"] = {"vendor": "businesscentral", "base_url": bc.base_url, **creds}
    ep = tmp_path / "ep.json"
    ep.write_text(json.dumps(doc))
    settings = load_settings(ep, env={}, db_path=str(tmp_path / "ri.sqlite3"), port=0)
    company = str(creds["company_id"])
    load = {
        "project": [{"number": "OPP-42", "displayName": "Rollout", "companyId": company}],
        "item": [{"number": "SVC", "displayName": "Services", "type": "Service"}],
    }
    for kind, records in load.items():
        r = bc.admin.post(f"/tenants/default/records/{kind}", json={"records": records})
        assert r.status_code in (200, 201), r.text
    [project] = bc.admin.get("/tenants/default/records/project").json()["records"]
    supplier = {"id": 7, "name": "Fabrikam Contracting"}
    invoice = {"id": 31, "invoice-number": "FAB-31", "invoice-date": "2026-03-31T00:00:00Z"}
    lines = [(str(project["id"]), {"description": "Subcontracted hours", "total": "1234.56"})]

    async def book_twice() -> None:
        client = BusinessCentralClient(settings.erp, settings.ca_bundle, settings.retry)
        port = BusinessCentralErp(settings, client, Store(tmp_path / "port.sqlite3"))
        try:
            await port.supplier_bill(supplier, invoice, lines)
            await port.supplier_bill(supplier, invoice, lines)
        finally:
            await client.aclose()

    asyncio.run(book_twice())
    [inv] = bc.admin.get("/tenants/default/records/purchaseInvoice").json()["records"]
    assert inv["status"] == "Open" and inv["vendorInvoiceNumber"] == "FAB-31"
    assert inv["vendorNumber"] == "COUPA-7" and inv["totalAmountIncludingTax"] == 1234.56
    [line] = bc.admin.get("/tenants/default/records/purchaseInvoiceLine").json()["records"]
    assert line["description2"] == "OPP-42" and line["amountExcludingTax"] == 1234.56
    assert len(bc.admin.get("/tenants/default/records/vendor").json()["records"]) == 1
