"""The ERP port on Dynamics 365 Business Central (API v2.0).

- Each legal entity is a company. ``erp.companies`` maps a billing country to its company
  and that company's own currency (``{"GB": {"id": ..., "currency": "GBP"}}``); a new
  customer goes to its billing country's company, ``erp.company_id`` otherwise. A
  customer the ERP already has (in any of those companies) stays where it is, and the
  project, its time and its invoices follow the customer's company.
- Customers are numbered by the CRM account id and projects by the opportunity id, so
  both are found again by ``number`` (``$filter=number eq '...'``) before a create.
- Employees are numbered by their HCM employee id and made, where missing, in the company
  whose project their time is registered on.
- Approved PSA time becomes a time registration entry (status Approved) of the project;
  its job task number ``TE<PSA entry id>`` names the entry. The v2.0 entry keeps no rate,
  so the integration keeps the PSA's rate beside it (``bc_time`` links) for billing.
- Invoices are sales invoices created with their lines in one deep insert, then posted
  (``Microsoft.NAV.post``): ``externalDocumentNumber`` names the opportunity and
  ``customerPurchaseOrderReference`` carries the invoice's idempotency key, so a retried
  run finds the invoice it made (and posts it if a failure left it a draft). A time line
  names its PSA entry in ``description2``; time is unbilled while no line of the deal's
  invoices names it.
- The v2.0 API has no expense documents: billable expenses reach the ERP as lines of
  the next time-and-materials invoice.
- An approved supplier invoice becomes a posted purchase invoice of the vendor numbered
  ``COUPA-<supplier id>``, found again by its ``vendorInvoiceNumber`` (the supplier's
  invoice number). A v2.0 purchase invoice line has no job field (the Purchase Line's
  "Job No." is not in the API), so each line carries the project's number in
  ``description2``: the project's subcontract cost is the sum of the posted purchase
  invoice lines naming it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ..clients import BusinessCentralClient
from ..clients.businesscentral import odata_quote
from ..errors import NotReady
from ..logs import get_logger
from ..settings import Settings
from ..store import Store
from . import Employee

log = get_logger("erp")
TM = "Time and Materials"
#: job task number of a time registration entry: this prefix and the PSA entry id
TASK_PREFIX = "TE"
#: salesInvoices.customerPurchaseOrderReference holds at most this many characters
_REF_LEN = 35
#: vendor number of a procurement supplier: this prefix and the supplier id
VENDOR_PREFIX = "COUPA-"
#: purchaseInvoices.vendorInvoiceNumber holds at most this many characters
_VENDOR_INVOICE_LEN = 35


def invoice_ref(key: str) -> str:
    """The idempotency key as it fits ``customerPurchaseOrderReference``."""
    if len(key) <= _REF_LEN:
        return key
    return f"{key[:3]}{hashlib.sha1(key.encode()).hexdigest()[:24]}"


def entities(settings: Settings) -> dict[str, dict[str, str]]:
    """Billing country -> {"id", "currency"} of its company (``erp.companies``)."""
    raw = settings.erp.get("companies") or {}
    if isinstance(raw, str):  # RI_ERP_COMPANIES as JSON
        raw = json.loads(raw)
    return {str(k).upper(): {**v, "id": str(v["id"])} for k, v in dict(raw).items()}


def companies(settings: Settings) -> list[str]:
    """Every company the integration works in, the default (``erp.company_id``) first."""
    out = [str(settings.erp["company_id"])]
    out += [e["id"] for e in entities(settings).values() if e["id"] not in out]
    return out


def _seq(number: Any) -> int:
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    return int(digits or 0)


class BusinessCentralErp:
    service = "businesscentral"

    def __init__(self, settings: Settings, client: BusinessCentralClient, store: Store) -> None:
        self.settings, self.client, self.store = settings, client, store
        self.cache: dict[str, Any] = {}
        #: told of a company read from the ERP after start (its invoices' subscription)
        self.on_company: Callable[[str], Awaitable[None]] | None = None

    # -- companies ----------------------------------------------------------------------

    def _entities(self) -> dict[str, dict[str, str]]:
        return {**entities(self.settings), **self.cache.get("companies", {})}

    async def _entity_of(self, country: str) -> dict[str, str] | None:
        """The company serving ``country``: from ``erp.companies``, else from the companies'
        company information, re-read (a legal entity onboarded after start is a new company)."""
        found = self._entities().get(country)
        if found is not None or not country:
            return found
        resp = await self.client.root_call("GET", "companies", params={"$select": "id"})
        known = {e["id"] for e in self._entities().values()}
        for comp in resp.json().get("value") or []:
            if str(comp["id"]) in known:
                continue
            for info in await self.client.list("companyInformation", company=str(comp["id"])):
                if str(info.get("country") or "").upper() == country:
                    entity = {
                        "id": str(comp["id"]),
                        "currency": str(info.get("currencyCode") or ""),
                    }
                    if self.on_company is not None:
                        await self.on_company(entity["id"])
                    self.cache.setdefault("companies", {})[country] = entity
                    log.info(
                        "a company read from the ERP serves the country",
                        extra={"company": entity["id"], "country": country},
                    )
                    return entity
        return None

    def _companies(self) -> list[str]:
        found = companies(self.settings)
        return found + [e["id"] for e in self._entities().values() if e["id"] not in found]

    def _currency(self, company: str) -> str:
        return next(
            (str(e.get("currency") or "") for e in self._entities().values() if e["id"] == company),
            "",
        )

    def company_of(self, record_id: str) -> str:
        """The company a record this integration made or found lives in."""
        link = self.store.link("bc_company", str(record_id))
        return str(link["company"]) if link else str(self.settings.erp["company_id"])

    def _remember(self, record_id: str, company: str) -> None:
        if self.store.link("bc_company", record_id) is None:
            self.store.set_link("bc_company", record_id, {"company": company})

    # -- customers, projects, employees -------------------------------------------------

    async def customer(self, account: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
        number = str(account["Id"])[:20]
        known, company, searched = None, "", self._companies()
        for company in searched:
            known = await self.client.find_one("customers", "number", number, company)
            if known is not None:
                break
        if known is None:
            country = str(account.get("BillingCountry") or "").upper()
            entity = await self._entity_of(country)
            company = entity["id"] if entity else str(self.settings.erp["company_id"])
            if company not in searched:  # read just now: may hold it (made before a restart)
                known = await self.client.find_one("customers", "number", number, company)
        if known is None:
            body = {
                "number": number,
                "displayName": str(account["Name"])[:100],
                "phoneNumber": str(account.get("Phone") or "")[:30],
                "website": str(account.get("Website") or "")[:80],
            }
            known = await self.client.create("customers", body, company)
        self._remember(str(known["id"]), company)
        return str(known["id"]), {**known, "company": company}

    async def legal_entity(self, customer: Mapping[str, Any] | None) -> dict[str, Any]:
        """The customer's company; its currency (blank: the company's own)."""
        if customer is None:
            return {"erp": {}, "psa": {}}
        company = str(customer.get("company") or self.company_of(str(customer["id"])))
        code = str(customer.get("currencyCode") or "") or self._currency(company)
        return {"erp": {"company": company}, "psa": {"currency": code} if code else {}}

    async def job(
        self, opp: Mapping[str, Any], customer_id: str, model: str, entity: dict[str, Any]
    ) -> str:
        company = str(entity["erp"].get("company") or self.company_of(customer_id))
        number = str(opp["Id"])[:20]
        known = await self.client.find_one("projects", "number", number, company)
        if known is None:
            known = await self.client.create(
                "projects", {"number": number, "displayName": str(opp["Name"])[:100]}, company
            )
        self._remember(str(known["id"]), company)
        return str(known["id"])

    async def change_job(self, job_id: str, start: Any, amount: float, model: str) -> None:
        log.info(
            "change order not written to the ERP: a v2.0 project keeps no start date or budget",
            extra={"job": job_id, "amount": amount},
        )

    async def employee(self, row: Mapping[str, Any]) -> str:
        """The worker's number (HCM employee id); the employee record is made in the company
        of the first project their time is registered on."""
        number = str(row["Employee_ID"])[:20]
        first, _, last = str(row.get("Worker", "")).partition(" ")
        person = {
            "number": number,
            "givenName": (first or number)[:30],
            "surname": (last or number)[:30],
            "email": str(row.get("Email") or "")[:80],
        }
        if self.store.link("bc_employee", number) != person:
            self.store.set_link("bc_employee", number, person)
        return number

    async def _employee_in(self, number: str, company: str) -> str:
        known = await self.client.find_one("employees", "number", number, company)
        if known is None:
            person = self.store.link("bc_employee", number) or {"number": number}
            known = await self.client.create("employees", dict(person), company)
        return str(known["id"])

    # -- time and expenses --------------------------------------------------------------

    async def time_bill(
        self, te: Mapping[str, Any], project: Mapping[str, Any], employee: Employee
    ) -> int:
        task = f"{TASK_PREFIX}{te['id']}"
        hours = round(int(te["time_in_minutes"]) / 60, 4)
        rate = int(te.get("rate_in_cents") or 0) / 100
        billable = bool(te.get("billable")) and project["billing_model"] == TM
        company = self.company_of(str(project["job_id"]))
        existing = await self.client.find_one(
            "timeRegistrationEntries", "jobTaskNumber", task, company
        )
        if existing is None:
            emp = await self._employee_in(await employee(), company)
            existing = await self.client.create(
                "timeRegistrationEntries",
                {
                    "employeeId": emp,
                    "jobId": project["job_id"],
                    "jobTaskNumber": task,
                    "date": te["date_performed"],
                    "quantity": hours,
                    "status": "Approved",
                },
                company,
            )
            written = 1
            log.info("time registered", extra={"time_entry": te["id"], "entry": existing["id"]})
        elif abs(float(existing.get("quantity") or 0) - hours) > 1e-6:
            log.warning(
                "approved time changed in the PSA after it was registered; the ERP entry "
                "is approved and keeps its hours",
                extra={"time_entry": te["id"], "entry": existing["id"]},
            )
            written = 0
        else:
            written = 0
        link = {
            "entry": str(existing["id"]),
            "job": project["job_id"],
            "opportunity": project["opportunity"],
            "hours": float(existing.get("quantity") or hours),
            "rate": rate,
            "date": te["date_performed"],
            "billable": billable,
        }
        if self.store.link("bc_time", str(te["id"])) != link:
            self.store.set_link("bc_time", str(te["id"]), link)
        return written

    async def expense(
        self, ex: Mapping[str, Any], project: Mapping[str, Any], employee: Employee, billable: bool
    ) -> None:
        log.info(
            "expense kept for billing: the v2.0 API has no expense documents"
            if billable
            else "expense not billable: the v2.0 API has no expense documents to record it in",
            extra={"expense": ex["id"]},
        )

    # -- invoices -----------------------------------------------------------------------

    async def service_item(self, company: str) -> str:
        """The company's first service item (by number), looked up once."""
        key = f"service_item:{company}"
        if key not in self.cache:
            rows = await self.client.list(
                "items", filter="type eq 'Service'", select="id,number", company=company
            )
            if not rows:
                raise NotReady(f"the ERP company {company} has no service item to invoice with")
            self.cache[key] = str(min(rows, key=lambda r: str(r["number"]))["id"])
        return str(self.cache[key])

    async def _billed(self, opportunity: str, company: str) -> set[str]:
        """Job task numbers of the time the deal's invoices already bill."""
        out: set[str] = set()
        for inv in await self.client.list(
            "salesInvoices",
            filter=f"externalDocumentNumber eq {odata_quote(opportunity)}",
            select="id",
            company=company,
        ):
            for line in await self.client.list(
                "salesInvoiceLines",
                filter=f"documentId eq {inv['id']}",
                select="description2",
                company=company,
            ):
                if line.get("description2"):
                    out.add(str(line["description2"]))
        return out

    async def unbilled_time(
        self, project: Mapping[str, Any], through: str
    ) -> list[tuple[str, str | None]]:
        mine = {
            te: v
            for te, v in self.store.links("bc_time").items()
            if v["job"] == project["job_id"] and v["billable"] and v["date"] <= through
        }
        if not mine:
            return []
        company = self.company_of(str(project["job_id"]))
        billed = await self._billed(str(project["opportunity"]), company)
        return sorted(
            (v["entry"], te) for te, v in mine.items() if f"{TASK_PREFIX}{te}" not in billed
        )

    async def _made(self, key: str, company: str) -> dict[str, Any] | None:
        return await self.client.find_one(
            "salesInvoices", "customerPurchaseOrderReference", invoice_ref(key), company
        )

    async def _invoice_once(
        self, key: str, project: Mapping[str, Any], day: str | None, lines: list[dict[str, Any]]
    ) -> str:
        company = self.company_of(str(project["job_id"]))
        inv = await self._made(key, company)
        if inv is None:
            body: dict[str, Any] = {
                "customerId": project["customer_id"],
                "externalDocumentNumber": str(project["opportunity"])[:35],
                "customerPurchaseOrderReference": invoice_ref(key),
                "salesInvoiceLines": lines,
            }
            if day:
                body["invoiceDate"] = day
            inv = await self.client.create("salesInvoices", body, company)
        self._remember(str(inv["id"]), company)
        self._remember(key, company)
        if inv.get("status") in ("Draft", "In Review"):
            await self.client.action("salesInvoices", str(inv["id"]), "post", company)
        return str(inv["id"])

    async def time_invoice(
        self,
        key: str,
        project: Mapping[str, Any],
        through: str,
        bills: list[str],
        expenses: Mapping[str, Mapping[str, Any]],
    ) -> str:
        item = await self.service_item(self.company_of(str(project["job_id"])))
        by_entry = {v["entry"]: (te, v) for te, v in self.store.links("bc_time").items()}
        lines = []
        for entry in bills:
            te, v = by_entry[entry]
            lines.append(
                {
                    "lineType": "Item",
                    "itemId": item,
                    "description": f"Time {v['date']}"[:100],
                    "description2": f"{TASK_PREFIX}{te}",
                    "quantity": v["hours"],
                    "unitPrice": v["rate"],
                }
            )
        for ex in expenses.values():
            lines.append(
                {
                    "lineType": "Item",
                    "itemId": item,
                    "description": f"Expense: {ex.get('category') or ''} {ex['date']}"[:100],
                    "quantity": 1,
                    "unitPrice": ex["amount"],
                }
            )
        return await self._invoice_once(key, project, through, lines)

    async def milestone_invoice(
        self, key: str, project: Mapping[str, Any], title: str, cents: int
    ) -> str:
        item = await self.service_item(self.company_of(str(project["job_id"])))
        line = {
            "lineType": "Item",
            "itemId": item,
            "description": title[:100],
            "quantity": 1,
            "unitPrice": int(cents) / 100,
        }
        return await self._invoice_once(key, project, None, [line])

    @staticmethod
    def _view(inv: dict[str, Any] | None) -> dict[str, Any] | None:
        """A sales invoice in the flows' view (NetSuite's names)."""
        if inv is None:
            return None
        return {
            **inv,
            "tranId": inv.get("number"),
            "status": inv.get("status"),
            "total": inv.get("totalAmountIncludingTax"),
            "currency": {"refName": inv.get("currencyCode") or ""},
        }

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        company = self.company_of(invoice_id)
        return self._view(await self.client.get("salesInvoices", invoice_id, company))

    async def invoice_by_key(self, key: str) -> dict[str, Any] | None:
        return self._view(await self._made(key, self.company_of(key)))

    def newest(self, invoices: Mapping[str, Mapping[str, Any]]) -> str:
        """Posted numbers follow the order invoices were made (each is posted at once)."""
        return max(invoices, key=lambda i: (_seq(invoices[i].get("tran")), i))

    async def invoice_states(self, ids: list[str]) -> list[tuple[str, str]]:
        out = []
        for i in ids:
            inv = await self.client.get("salesInvoices", i, self.company_of(i))
            if inv is not None:
                out.append((i, f"{inv.get('status')}:{inv.get('remainingAmount')}"))
        return out

    async def credit(
        self, invoice_id: str, key: str, amount: float, reason: str, reference: str
    ) -> str | None:
        """A sales credit memo applied to the invoice (``invoiceId``), one line for the
        amount, then posted; found again by ``externalDocumentNumber`` (the key), so a
        repeated event credits once. A draft left by an interrupted run is posted."""
        company = self.company_of(invoice_id)
        ref = invoice_ref(key)
        memo = await self.client.find_one(
            "salesCreditMemos", "externalDocumentNumber", ref, company
        )
        if memo is not None and memo.get("status") not in ("Draft", "In Review"):
            return None
        if memo is None:
            item = await self.service_item(company)
            line = {
                "itemId": item,
                "quantity": 1,
                "unitPrice": round(amount, 2),
                "description": reason[:100],
                "description2": str(reference)[:50],
            }
            body = {
                "invoiceId": invoice_id,
                "externalDocumentNumber": ref,
                "salesCreditMemoLines": [line],
            }
            memo = await self.client.create("salesCreditMemos", body, company)
        await self.client.action("salesCreditMemos", str(memo["id"]), "post", company)
        self._remember(str(memo["id"]), company)
        return str(memo["id"])

    async def supplier_bill(
        self,
        supplier: Mapping[str, Any],
        invoice: Mapping[str, Any],
        lines: list[tuple[str, Mapping[str, Any]]],
    ) -> None:
        """A posted purchase invoice of the supplier's vendor, one line per invoice line,
        each naming its project's number in ``description2``; found again by the supplier's
        invoice number, so a retried sync books nothing twice."""
        company = self.company_of(lines[0][0])
        number = f"{VENDOR_PREFIX}{supplier['id']}"[:20]
        vendor = await self.client.find_one("vendors", "number", number, company)
        if vendor is None:
            name = str(supplier.get("name") or number)[:100]
            vendor = await self.client.create(
                "vendors", {"number": number, "displayName": name}, company
            )
        vin = str(invoice["invoice-number"])[:_VENDOR_INVOICE_LEN]
        found = await self.client.list(
            "purchaseInvoices",
            filter=f"vendorId eq {vendor['id']} and vendorInvoiceNumber eq {odata_quote(vin)}",
            select="id,status",
            company=company,
        )
        inv = found[0] if found else None
        if inv is None:
            item = await self.service_item(company)
            body_lines = []
            for job, ln in lines:
                project = await self.client.get("projects", job, company)
                if project is None:
                    raise NotReady(f"the ERP project {job} of a supplier invoice line is missing")
                body_lines.append(
                    {
                        "lineType": "Item",
                        "itemId": item,
                        "description": str(ln.get("description") or "Subcontracted work")[:100],
                        "description2": str(project["number"]),
                        "quantity": 1,
                        "unitCost": float(ln["total"]),
                    }
                )
            inv = await self.client.create(
                "purchaseInvoices",
                {
                    "vendorId": vendor["id"],
                    "vendorInvoiceNumber": vin,
                    "invoiceDate": str(invoice["invoice-date"])[:10],
                    "purchaseInvoiceLines": body_lines,
                },
                company,
            )
        if inv.get("status") in ("Draft", "In Review"):
            await self.client.action("purchaseInvoices", str(inv["id"]), "post", company)
        log.info("supplier invoice booked", extra={"invoice": invoice.get("id"), "bill": inv["id"]})
