"""Deliberately broken variants of the reference integration, one realistic defect each.

Each variant is a small patch applied in the process that runs the integration (see
``variant_main.py``); the product carries no switch for any of them. ``CAUGHT_BY`` says
which journeys the default suite must fail each one in, and what the failure names.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any


def _flat_rate() -> None:
    """Rates consistently copied from a flat default instead of the firm's rate card."""
    from reference_integration.flows import closed_won

    orig = closed_won.legal_entity

    async def legal_entity(svc: Any, customer: Any) -> Any:
        out = await orig(svc, customer)
        out["psa"].pop("rate_card_id", None)
        return out

    closed_won.legal_entity = legal_entity


def _hours_rounded() -> None:
    """Time bills carry hours rounded to whole hours."""
    from reference_integration.clients.netsuite import NetSuiteClient

    orig = NetSuiteClient.upsert

    async def upsert(self: Any, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        if record_type == "timeBill":
            body = {**body, "hours": float(round(body["hours"]))}
        return await orig(self, record_type, external_id, body)

    NetSuiteClient.upsert = upsert


def _first_page_only() -> None:
    """PSA lists read only the first page of results."""
    from reference_integration.clients.kantata import KantataClient, records

    async def first_page(self: Any, collection: str, **params: Any) -> list[dict[str, Any]]:
        resp = await self.send(
            "GET",
            f"{self.base}/{collection}.json",
            params={**{k: str(v) for k, v in params.items()}, "page": 1, "per_page": 200},
        )
        return records(resp.json())

    KantataClient.list = first_page


def _invoice_per_event() -> None:
    """A milestone invoice per story event (no idempotency key): redelivered or repeated
    events invoice again."""
    from reference_integration.clients.netsuite import NetSuiteClient

    orig = NetSuiteClient.create_once

    async def create_once(self: Any, record_type: str, external_id: str, body: Any) -> str:
        if record_type == "invoice" and external_id.startswith("ms-"):
            external_id = f"{external_id}-{uuid.uuid4().hex[:8]}"
        return await orig(self, record_type, external_id, body)

    NetSuiteClient.create_once = create_once


def _older_status_wins() -> None:
    """The CRM gets the status of whichever invoice an event named (the original bug)."""
    from reference_integration.flows import billing

    async def on_erp_invoice(svc: Any, invoice_id: str) -> None:
        known = svc.store.link("invoice", invoice_id)
        if known is None:
            return
        inv = await svc.erp.get(f"invoice/{invoice_id}")
        if inv is None:
            return
        status = billing._status(inv)
        for psa_inv in await svc.psa.list(
            "invoices",
            external_reference_service_name="netsuite",
            external_reference_service_model_ref=invoice_id,
        ):
            await svc.psa.external_reference(
                {
                    "service_name": "netsuite",
                    "service_model": "invoice",
                    "service_model_ref": invoice_id,
                    "subject_type": "Invoice",
                    "subject_id": str(psa_inv["id"]),
                    "status": "successful",
                    "external_status": status,
                }
            )
        await billing.crm_status(svc, known["opportunity"], f"{known['tran']} {status}")

    billing.on_erp_invoice = on_erp_invoice


def _no_429_retry() -> None:
    """A rate-limit answer is treated as a failure, not retried."""
    from reference_integration import retry, worker
    from reference_integration.errors import RateLimited

    orig = retry.retryable

    def retryable(exc: BaseException) -> bool:
        return not isinstance(exc, RateLimited) and orig(exc)

    retry.retryable = retryable
    worker.retryable = retryable


def _no_token_refresh() -> None:
    """An expired access token is never renewed."""
    from reference_integration.clients.salesforce import SalesforceClient
    from reference_integration.clients.workday import WorkdayClient

    orig = SalesforceClient._client

    async def same_session(self: Any, renew: bool = False) -> Any:
        return await orig(self, False)

    async def keep(self: Any) -> None:
        return None

    SalesforceClient._client = same_session
    WorkdayClient.refresh_auth = keep


def _expenses_not_billed() -> None:
    """Billing runs forget billable expenses."""
    from reference_integration.store import Store

    orig = Store.links

    def links(self: Any, kind: str) -> Any:
        return {} if kind == "expense" else orig(self, kind)

    Store.links = links


def _termination_ignored() -> None:
    """HCM terminations are not acted on: the leaver stays assigned."""
    from reference_integration import worker

    async def ignore(svc: Any, payload: Any) -> None:
        return None

    worker.FLOWS["hcm.event"] = ignore


def _change_order_ignored() -> None:
    """A change order after Closed Won is not propagated."""
    from reference_integration.flows import change_order

    async def ignore(svc: Any, project: Any, opp: Any) -> None:
        return None

    change_order.apply = ignore


def _milestone_split_wrong() -> None:
    """Milestone deals split 40/30/30 instead of the firm's 30/40/30, in PSA and ERP alike."""
    from reference_integration.flows import closed_won

    orig = closed_won.plan

    def plan(svc: Any, model: str, amount: float) -> list[tuple[str, int]]:
        rows = orig(svc, model, amount)
        if model == closed_won.MILESTONE and len(rows) == 3:
            total = sum(c for _, c in rows)
            cents = [round(total * 0.4), round(total * 0.3)]
            cents.append(total - sum(cents))
            return [(t, c) for (t, _), c in zip(rows, cents, strict=True)]
        return rows

    closed_won.plan = plan


def _root_subsidiary() -> None:
    """New customers and every job land in the parent subsidiary, not the legal entity."""
    from reference_integration.erp.netsuite import NetSuiteErp
    from reference_integration.flows import closed_won

    async def root(self: Any, country: Any) -> dict[str, Any]:
        return {"subsidiary": {"id": "1"}}

    orig = closed_won.legal_entity

    async def legal_entity(svc: Any, customer: Any) -> Any:
        out = await orig(svc, customer)
        out["erp"] = {"subsidiary": {"id": "1"}}
        return out

    NetSuiteErp.subsidiary_for = root
    closed_won.legal_entity = legal_entity


def _outage_gives_up() -> None:
    """A 5xx from the ERP is not retried: an outage dead-letters the work."""
    from reference_integration.clients import netsuite

    netsuite.TRANSIENT = frozenset()


def _psa_invoice_missing() -> None:
    """The PSA never learns of the invoice: its time stays uninvoiced."""
    from reference_integration.flows import billing

    async def record(svc: Any, project: Any, inv_id: str, te: Any, ex: Any) -> None:
        inv = await svc.erp.get(f"invoice/{inv_id}")
        tran = str((inv or {}).get("tranId") or inv_id)
        svc.store.set_link("invoice", inv_id, {"opportunity": project["opportunity"], "tran": tran})
        await billing.crm_latest_status(svc, project["opportunity"])

    billing.record_invoice = record


def _status_wording() -> None:
    """The CRM says "Paid" where the ERP says "Paid In Full"."""
    from reference_integration.flows import billing

    orig = billing._status

    def status(inv: Any) -> str:
        s = orig(inv)
        return "Paid" if s == "Paid In Full" else s

    billing._status = status


def _price_in_units() -> None:
    """Money sent to the PSA in units where it wants cents, consistently."""
    from reference_integration.flows import closed_won

    closed_won._cents = lambda amount: round(float(amount or 0.0))


def _no_catch_up() -> None:
    """Approved time whose event was lost is never billed (no reconciliation with the PSA)."""
    from reference_integration.flows import billing

    async def none(svc: Any, project: Any, through: str) -> int:
        return 0

    billing.catch_up_time = none


def _staffs_leavers() -> None:
    """Staffing reads every worker in the HCM, leavers too."""
    from reference_integration.clients.workday import WorkdayClient
    from reference_integration.flows import staffing

    orig_report, orig_rank = WorkdayClient.report, staffing.rank

    async def report(self: Any, **prompts: Any) -> Any:
        return await orig_report(self, **{**prompts, "Include_Terminated_Workers": "1"})

    def rank(rows: Any, skills: Any, load: Any) -> Any:
        return orig_rank([{**r, "Active": "1", "Termination_Date": ""} for r in rows], skills, load)

    WorkdayClient.report = report
    staffing.rank = rank


def _utilization_whole_hours() -> None:
    """The utilization batch sends hours as whole numbers (an integer column in the BI)."""
    from reference_integration.clients.collab import PowerBIClient

    orig = PowerBIClient.push_rows

    async def push_rows(self: Any, rows: list[dict[str, Any]]) -> int:
        rows = [{**r, "hours": float(int(r["hours"]))} for r in rows]
        return int(await orig(self, rows))

    PowerBIClient.push_rows = push_rows


def _utilization_batch_dropped() -> None:
    """The utilization batch computes its rows and never sends them (a swallowed error)."""
    from reference_integration.clients.collab import PowerBIClient

    async def push_rows(self: Any, rows: list[dict[str, Any]]) -> int:
        return 0

    PowerBIClient.push_rows = push_rows


def _subcontract_not_costed() -> None:
    """Supplier invoices are booked in the ERP without the job on their expense lines."""
    from reference_integration.clients.netsuite import NetSuiteClient

    orig = NetSuiteClient.upsert

    async def upsert(self: Any, record_type: str, external_id: str, body: dict[str, Any]) -> str:
        if record_type == "vendorBill":
            items = [
                {k: v for k, v in ln.items() if k != "customer"} for ln in body["expense"]["items"]
            ]
            body = {**body, "expense": {"items": items}}
        return await orig(self, record_type, external_id, body)

    NetSuiteClient.upsert = upsert


def _credit_not_applied() -> None:
    """A granted credit is booked as a standalone credit memo on the customer, never applied
    to the disputed invoice: the invoice still asks for the full amount."""
    from reference_integration.clients.netsuite import NetSuiteClient

    orig = NetSuiteClient.transform

    async def transform(
        self: Any, record_type: str, record_id: str, target: str, body: dict[str, Any]
    ) -> str:
        if target != "creditMemo":
            return await orig(self, record_type, record_id, target, body)
        inv = await self.get(f"{record_type}/{record_id}")
        entity = {"id": str((inv or {}).get("entity", {}).get("id"))}
        return await self.upsert("creditMemo", body["externalId"], {**body, "entity": entity})

    NetSuiteClient.transform = transform


def _entities_cached() -> None:
    """The legal entities are read once at the first deal and never again: a subsidiary
    onboarded later (an acquisition) is unknown, its clients land in the default one."""
    from reference_integration.erp.netsuite import NetSuiteErp, entity_of_country

    async def subsidiary_for(self: Any, country: Any) -> dict[str, Any]:
        if "subsidiaries" not in self.cache:
            self.cache["subsidiaries"] = await self.client.suiteql(
                "SELECT id, country, currency, parent FROM subsidiary ORDER BY id"
            )
        found = entity_of_country(self.cache["subsidiaries"], country)
        return found or {"subsidiary": {"id": self.settings.erp_subsidiary}}

    NetSuiteErp.subsidiary_for = subsidiary_for  # type: ignore[method-assign]


VARIANTS: dict[str, Callable[[], None]] = {
    "entities_cached": _entities_cached,
    "credit_not_applied": _credit_not_applied,
    "staffs_leavers": _staffs_leavers,
    "flat_rate": _flat_rate,
    "hours_rounded": _hours_rounded,
    "first_page_only": _first_page_only,
    "invoice_per_event": _invoice_per_event,
    "older_status_wins": _older_status_wins,
    "no_429_retry": _no_429_retry,
    "no_token_refresh": _no_token_refresh,
    "expenses_not_billed": _expenses_not_billed,
    "termination_ignored": _termination_ignored,
    "change_order_ignored": _change_order_ignored,
    "milestone_split_wrong": _milestone_split_wrong,
    "root_subsidiary": _root_subsidiary,
    "outage_gives_up": _outage_gives_up,
    "psa_invoice_missing": _psa_invoice_missing,
    "status_wording": _status_wording,
    "price_in_units": _price_in_units,
    "no_catch_up": _no_catch_up,
    "utilization_whole_hours": _utilization_whole_hours,
    "utilization_batch_dropped": _utilization_batch_dropped,
    "subcontract_not_costed": _subcontract_not_costed,
}

#: variant -> (a journey of the default suite that catches it, text its failure names)
CAUGHT_BY: dict[str, tuple[str, str]] = {
    "entities_cached": ("acquisition", "booked in its entity"),
    "credit_not_applied": ("credit", "the credit reaches the ERP"),
    "staffs_leavers": ("staffing", "staffed with active workers only"),
    "flat_rate": ("tm", "rates from the firm's rate card"),
    "hours_rounded": ("tm", "hours as the consultants logged them"),
    "first_page_only": ("surge", ""),
    "invoice_per_event": ("fixed_fee", "the note raises no further invoice"),
    "older_status_wins": ("instalments", "CRM, PSA and ERP agree on invoice status"),
    "no_429_retry": ("erp_429", "429"),
    "no_token_refresh": ("token_expiry", ""),
    "expenses_not_billed": ("expenses", "no invoice leakage"),
    "termination_ignored": ("termination", "the leaver's assignments end in the PSA"),
    "change_order_ignored": ("change_order", "the PSA budget follows the change order"),
    "milestone_split_wrong": ("milestone", "invoice totals follow the milestone plan"),
    "root_subsidiary": ("tm", "subsidiary"),
    "outage_gives_up": ("erp_outage", "503"),
    "psa_invoice_missing": ("tm", ""),
    "status_wording": ("tm", "Paid In Full"),
    "price_in_units": ("milestone", ""),
    "no_catch_up": ("surge", ""),
    "utilization_whole_hours": ("landscape", "utilization reporting accuracy"),
    "utilization_batch_dropped": ("landscape", "utilization reporting accuracy 0.0%"),
    "subcontract_not_costed": ("subcontract", "subcontractor spend"),
}


def apply(name: str) -> None:
    VARIANTS[name]()
