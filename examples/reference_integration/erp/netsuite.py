"""The ERP port on NetSuite: REST record service upserts by external id, SuiteQL reads.

Customers ``eid:<CRM account id>`` in the subsidiary (legal entity) of their billing
country, jobs ``eid:<opportunity id>``, employees ``eid:wd-<HCM employee id>``, timeBills
``eid:<time_bill_prefix><PSA entry id>``, expense reports ``eid:kantata-exp-<id>``,
invoices ``eid:tm-<job>-<hash>`` / ``eid:ms-<story>`` (upserts, so nothing is made twice),
vendors ``eid:coupa-sup-<id>`` and vendor bills ``eid:coupa-inv-<id>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..clients import NetSuiteClient
from ..errors import NotReady
from ..logs import get_logger
from ..settings import Settings
from . import Employee

log = get_logger("erp")
TM, FIXED, MILESTONE = "Time and Materials", "Fixed Fee", "Milestone"
#: NetSuite job.jobBillingType is a select; its values named as NetSuite labels them
BILLING_TYPE = {
    TM: "Time and Materials",
    FIXED: "Fixed Bid, Interval",
    MILESTONE: "Fixed Bid, Milestone",
}


def _date(text: str) -> str:
    """SuiteQL dates come back as ISO text or M/D/YYYY; answer ISO."""
    if "/" in text:
        m, d, y = text.split("/")[:3]
        return f"{int(y[:4]):04d}-{int(m):02d}-{int(d):02d}"
    return text[:10]


class NetSuiteErp:
    service = "netsuite"

    def __init__(self, settings: Settings, client: NetSuiteClient) -> None:
        self.settings, self.client = settings, client
        self.cache: dict[str, Any] = {}

    # -- customers, jobs, employees -----------------------------------------------------

    async def customer(self, account: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
        """A customer the ERP already has keeps its subsidiary (legal entity) and currency."""
        known = await self.client.get(f"customer/eid:{account['Id']}")
        body: dict[str, Any] = {
            "companyName": account["Name"],
            "phone": account.get("Phone"),
            "url": account.get("Website"),
        }
        if known is None:
            body.update(await self.subsidiary_for(account.get("BillingCountry")))
        customer_id = await self.client.upsert("customer", str(account["Id"]), body)
        return customer_id, known or await self.client.get(f"customer/{customer_id}")

    async def subsidiary_for(self, country: Any) -> dict[str, Any]:
        """A new customer goes to the operating subsidiary (legal entity, not a parent) of its
        billing country, in that subsidiary's currency; ``Settings.erp_subsidiary`` otherwise."""
        fresh = "subsidiaries" not in self.cache
        found = None
        for attempt in range(2):  # a country no known entity serves: re-read, one may be new
            if fresh or attempt:
                self.cache["subsidiaries"] = await self.client.suiteql(
                    "SELECT id, country, currency, parent FROM subsidiary ORDER BY id"
                )
            found = entity_of_country(self.cache["subsidiaries"], country)
            if found is not None or fresh or not country:
                break
        if found is not None:
            return found
        return {"subsidiary": {"id": self.settings.erp_subsidiary}}

    async def legal_entity(self, customer: Mapping[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {"erp": {}, "psa": {}}
        if customer is None:
            return out
        sub, cur = customer.get("subsidiary") or {}, customer.get("currency") or {}
        if sub.get("id"):
            out["erp"]["subsidiary"] = {"id": str(sub["id"])}
        if not cur.get("id"):
            return out
        out["erp"]["currency"] = {"id": str(cur["id"])}
        key = f"currency:{cur['id']}"
        if key not in self.cache:
            rec = await self.client.get(f"currency/{cur['id']}")
            self.cache[key] = str((rec or {}).get("symbol") or "")
        if self.cache[key]:
            out["psa"]["currency"] = self.cache[key]
        return out

    async def job(
        self, opp: Mapping[str, Any], customer_id: str, model: str, entity: dict[str, Any]
    ) -> str:
        return await self.client.upsert(
            "job",
            str(opp["Id"]),
            {
                "companyName": opp["Name"],
                "parent": {"id": customer_id},
                "startDate": opp.get("CloseDate"),
                "jobBillingType": {"refName": BILLING_TYPE.get(model, "Fixed Bid, Interval")},
                "comments": f"Budget {float(opp.get('Amount') or 0):.2f}; {model}",
                **entity["erp"],
            },
        )

    async def change_job(self, job_id: str, start: Any, amount: float, model: str) -> None:
        await self.client.patch(
            f"job/{job_id}", {"startDate": start, "comments": f"Budget {amount:.2f}; {model}"}
        )

    async def employee(self, row: Mapping[str, Any]) -> str:
        """PUT employee/eid:wd-<HCM employee id> (a job resource, for timeBills)."""
        eid = f"wd-{row['Employee_ID']}"
        first, _, last = str(row.get("Worker", "")).partition(" ")
        body: dict[str, Any] = {
            "firstName": first or str(row["Employee_ID"]),
            "lastName": last or str(row["Employee_ID"]),
            "email": row.get("Email"),
            "subsidiary": {"id": self.settings.erp_subsidiary},
            "isJobResource": True,
        }
        if row.get("Cost_Rate"):
            body["laborCost"] = float(row["Cost_Rate"])
        await self.client.upsert("employee", eid, body)
        return eid

    # -- time and expenses --------------------------------------------------------------

    async def time_bill(
        self, te: Mapping[str, Any], project: Mapping[str, Any], employee: Employee
    ) -> int:
        eid = f"{self.settings.time_bill_prefix}{te['id']}"
        existing = await self.client.get(f"timeBill/eid:{eid}")
        if existing is not None and existing.get("isBilled"):
            return 0  # already invoiced; billed time cannot change
        if existing is not None and _same(existing, te):
            return 0
        emp = await employee()
        billable = bool(te.get("billable")) and project["billing_model"] == TM
        await self.client.upsert(
            "timeBill",
            eid,
            {
                "employee": {"externalId": emp},
                "customer": {"id": project["job_id"]},
                "hours": round(int(te["time_in_minutes"]) / 60, 4),
                "rate": int(te.get("rate_in_cents") or 0) / 100,
                "tranDate": te["date_performed"],
                "isBillable": billable,
                "approvalStatus": {"id": "3"},
                "memo": (te.get("notes") or "")[:200] or None,
            },
        )
        log.info("timeBill upserted", extra={"time_entry": te["id"], "external_id": eid})
        return 1

    async def expense(
        self, ex: Mapping[str, Any], project: Mapping[str, Any], employee: Employee, billable: bool
    ) -> None:
        eid = f"kantata-exp-{ex['id']}"
        emp = await employee()
        await self.client.create_once(
            "expenseReport",
            eid,
            {
                "entity": {"externalId": emp},
                "tranDate": ex["date"],
                "memo": f"{ex.get('category')}: {ex.get('notes') or ''}"[:200],
                "expense": {
                    "items": [
                        {
                            "amount": int(ex["amount_in_cents"]) / 100,
                            "expenseDate": ex["date"],
                            "memo": str(ex.get("category") or "Expense"),
                            "customer": {"id": project["job_id"]},
                            "isBillable": billable,
                        }
                    ]
                },
            },
        )
        log.info("expense report upserted", extra={"expense": ex["id"], "external_id": eid})

    # -- invoices -----------------------------------------------------------------------

    async def service_item(self) -> str:
        """The ERP service item invoice lines use (the first active one), looked up once."""
        if "service_item" not in self.cache:
            rows = await self.client.suiteql(
                "SELECT id FROM item WHERE isinactive = 'F' ORDER BY id"
            )
            if not rows:
                raise NotReady("the ERP has no service item to invoice with")
            self.cache["service_item"] = str(rows[0]["id"])
        return str(self.cache["service_item"])

    async def unbilled_time(
        self, project: Mapping[str, Any], through: str
    ) -> list[tuple[str, str | None]]:
        rows = await self.client.suiteql(
            "SELECT id, externalid, trandate FROM timebill WHERE customer = "
            f"{int(project['job_id'])} AND isbillable = 'T' AND isbilled = 'F' ORDER BY id"
        )
        prefix = self.settings.time_bill_prefix
        out: list[tuple[str, str | None]] = []
        for r in rows:
            if _date(str(r.get("trandate") or "")) <= through:
                ext = str(r.get("externalid") or "")
                te = ext.removeprefix(prefix) if ext.startswith(prefix) else None
                out.append((r["id"], te))  # the id as SuiteQL spells it, for the sublist
        return out

    async def time_invoice(
        self,
        key: str,
        project: Mapping[str, Any],
        through: str,
        bills: list[str],
        expenses: Mapping[str, Mapping[str, Any]],
    ) -> str:
        body: dict[str, Any] = {
            "entity": {"id": project["job_id"]},
            "tranDate": through,
            "memo": f"Time and materials through {through}",
            "otherRefNum": project["opportunity"],
        }
        if bills:
            body["time"] = {"items": [{"doc": {"id": b}, "apply": True} for b in bills]}
        if expenses:
            item = await self.service_item()
            body["item"] = {
                "items": [
                    {
                        "item": {"id": item},
                        "quantity": 1,
                        "rate": v["amount"],
                        "description": f"Expense: {v.get('category') or ''} {v['date']}",
                    }
                    for v in expenses.values()
                ]
            }
        return await self.client.create_once("invoice", key, body)

    async def milestone_invoice(
        self, key: str, project: Mapping[str, Any], title: str, cents: int
    ) -> str:
        item = await self.service_item()
        return await self.client.create_once(
            "invoice",
            key,
            {
                "entity": {"id": project["job_id"]},
                "memo": f"{project['billing_model']}: {title}",
                "otherRefNum": project["opportunity"],
                "item": {
                    "items": [
                        {
                            "item": {"id": item},
                            "quantity": 1,
                            "rate": int(cents) / 100,
                            "description": title,
                        }
                    ]
                },
            },
        )

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        return await self.client.get(f"invoice/{invoice_id}")

    async def invoice_by_key(self, key: str) -> dict[str, Any] | None:
        return await self.client.get(f"invoice/eid:{key}")

    def newest(self, invoices: Mapping[str, Mapping[str, Any]]) -> str:
        return max(invoices, key=int)

    async def invoice_states(self, ids: list[str]) -> list[tuple[str, str]]:
        rows = await self.client.suiteql(
            "SELECT id, status, lastmodifieddate FROM transaction WHERE id IN "
            f"({','.join(str(int(i)) for i in ids)})"
        )
        return [(str(r["id"]), str(r.get("status"))) for r in rows]

    # -- supplier bills -----------------------------------------------------------------

    async def credit(
        self, invoice_id: str, key: str, amount: float, reason: str, reference: str
    ) -> str | None:
        if await self.client.get(f"creditMemo/eid:{key}") is not None:
            return None
        item = await self.service_item()
        return await self.client.transform(
            "invoice",
            invoice_id,
            "creditMemo",
            {
                "externalId": key,
                "memo": reason[:999],
                "otherRefNum": reference,
                "item": {
                    "items": [
                        {"item": {"id": item}, "quantity": 1, "rate": amount, "description": reason}
                    ]
                },
            },
        )

    async def supplier_bill(
        self,
        supplier: Mapping[str, Any],
        invoice: Mapping[str, Any],
        lines: list[tuple[str, Mapping[str, Any]]],
    ) -> None:
        job_rec = await self.client.get(f"job/{lines[0][0]}") or {}
        sub = (job_rec.get("subsidiary") or {}).get("id") or self.settings.erp_subsidiary
        vendor = f"coupa-sup-{supplier['id']}"
        await self.client.upsert(
            "vendor", vendor, {"companyName": supplier["name"], "subsidiary": {"id": str(sub)}}
        )
        await self.client.upsert(
            "vendorBill",
            f"coupa-inv-{invoice['id']}",
            {
                "entity": {"externalId": vendor},
                "tranId": str(invoice["invoice-number"])[:45],
                "tranDate": str(invoice["invoice-date"])[:10],
                "memo": f"Coupa invoice {invoice['invoice-number']}",
                "expense": {
                    "items": [
                        {
                            "amount": float(ln["total"]),
                            "memo": str(ln.get("description") or "")[:200] or None,
                            "customer": {"id": job},
                            "isBillable": False,
                        }
                        for job, ln in lines
                    ]
                },
            },
        )


def _same(bill: Mapping[str, Any], te: Mapping[str, Any]) -> bool:
    """The timeBill already says what the entry says (hours and rate)."""
    hours = round(int(te["time_in_minutes"]) / 60, 4)
    rate = int(te.get("rate_in_cents") or 0) / 100
    return (
        abs(float(bill.get("hours") or 0) - hours) < 1e-6
        and abs(float(bill.get("rate") or 0) - rate) < 1e-6
    )


def entity_of_country(rows: list[dict[str, Any]], country: Any) -> dict[str, Any] | None:
    """The operating subsidiary (not a parent) of ``country``, with its currency."""
    parents = {str(r.get("parent")) for r in rows if r.get("parent")}
    for row in [r for r in rows if str(r["id"]) not in parents]:  # operating entities
        if country and str(row.get("country") or "").upper() == str(country).upper():
            out: dict[str, Any] = {"subsidiary": {"id": str(row["id"])}}
            if row.get("currency"):
                out["currency"] = {"id": str(row["currency"])}
            return out
    return None
