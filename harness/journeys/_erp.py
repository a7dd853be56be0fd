"""The ERP seam: how journeys and invariants read, wait for and act on the ERP.

Journeys and invariants speak of the ERP's records in one view (NetSuite's REST names,
which the checks were first written against): customers and jobs with ``id``,
``parent``, ``subsidiary``, ``currency``; invoices with ``id``, ``tranId``, ``total``,
``amountRemaining``, ``status``, ``seq`` (creation order) and a ``time`` sublist of
``{"doc": {"id"}, "apply"}``; time bills with ``id``, ``hours``, ``rate``,
``isBillable``; a supplier invoice's spend on a job as one amount. A reader per ERP vendor turns that vendor's records into this view and
plays the customer's payment on its API. ``time_fields`` says which time-bill fields an
ERP records at all: a check of a field the ERP does not keep is not made.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ._admin import Admin
    from ._mapping import MappingSpec
    from ._wire import Wire


class ErpReader(Protocol):
    """One ERP vendor's records in the journeys' view."""

    vendor: str
    #: the fault-rule path that covers the vendor API (not the token endpoint)
    api_paths: str
    #: time-bill fields this ERP records (hours, rate, isBillable)
    time_fields: frozenset[str]

    def customers(self, account: str) -> list[dict[str, Any]]: ...
    def jobs(self, opportunity: str) -> list[dict[str, Any]]: ...
    def invoices(self, ids: dict[str, Any]) -> list[dict[str, Any]]: ...
    def job_invoices(self, job: str) -> list[dict[str, Any]]: ...
    def time_bills(self, time_entry: str) -> list[dict[str, Any]]: ...
    def job_time_bills(self, job: str) -> list[dict[str, Any]]: ...
    def wait_time_bill(self, time_entry: str) -> None: ...
    def wait_invoices(self, ids: dict[str, Any], count: int) -> list[dict[str, Any]]: ...
    def wait_remaining(self, invoice: dict[str, Any], remaining: float) -> None: ...
    def wait_expense(self, expense: str) -> None: ...
    def wait_job_spend(self, job: str, supplier_invoice: dict[str, Any]) -> float: ...
    def pay(self, invoice_id: str, amount: float | None = None) -> None: ...
    def entity_id(self, entity: Any) -> str: ...
    def credits(self, invoice_ids: set[str]) -> list[dict[str, Any]]: ...
    def served_countries(self) -> set[str]: ...
    def onboard_entity(self, entity: dict[str, str]) -> dict[str, str]: ...
    def entity_books(self, ids: dict[str, Any]) -> dict[str, list[dict[str, Any]]]: ...


def _sublist(sublist: Any) -> list[dict[str, Any]]:
    items = sublist.get("items", []) if isinstance(sublist, dict) else sublist or []
    return [x for x in items if isinstance(x, dict)]


def _ref(value: Any) -> str:
    return str(value.get("id") if isinstance(value, dict) else value)


def newest(invoices: list[dict[str, Any]]) -> dict[str, Any]:
    return max(invoices, key=lambda i: int(i["seq"]))


def in_order(invoices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(invoices, key=lambda i: int(i["seq"]))


class NetSuiteReader:
    """NetSuite records are the view; the customer pays with a customerPayment transform."""

    vendor = "netsuite"
    api_paths = "/services/rest/*"
    time_fields = frozenset({"hours", "rate", "isBillable"})

    def __init__(self, admin: Admin, wire: Wire, mapping: MappingSpec) -> None:
        self.admin, self.wire, self.m = admin, wire, mapping

    @staticmethod
    def _seq(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for r in recs:
            r.setdefault("seq", int(r["id"]))
        return recs

    def _link(self, ids: dict[str, Any]) -> dict[str, Any]:
        return {self.m.erp("invoice_link_field"): self.m.erp("invoice_link_value", **ids)}

    def customers(self, account: str) -> list[dict[str, Any]]:
        eid = self.m.erp("customer_external_id", account=account)
        return self.admin.records("customer", {"externalId": eid})

    def jobs(self, opportunity: str) -> list[dict[str, Any]]:
        eid = self.m.erp("job_external_id", opportunity=opportunity)
        return self.admin.records("job", {"externalId": eid})

    def invoices(self, ids: dict[str, Any]) -> list[dict[str, Any]]:
        return self._seq(self.admin.records("invoice", self._link(ids)))

    def job_invoices(self, job: str) -> list[dict[str, Any]]:
        return self._seq(self.admin.records("invoice", {"job": job}))

    def time_bills(self, time_entry: str) -> list[dict[str, Any]]:
        eid = self.m.erp("time_bill_external_id", time_entry=time_entry)
        return self.admin.records("timeBill", {"externalId": eid})

    def job_time_bills(self, job: str) -> list[dict[str, Any]]:
        return self.admin.records("timeBill", {"customer": job})

    def wait_time_bill(self, time_entry: str) -> None:
        eid = self.m.erp("time_bill_external_id", time_entry=time_entry)
        self.admin.wait_records("timeBill", {"externalId": eid})

    def wait_invoices(self, ids: dict[str, Any], count: int) -> list[dict[str, Any]]:
        return self._seq(self.admin.wait_records("invoice", self._link(ids), count=count))

    def wait_remaining(self, invoice: dict[str, Any], remaining: float) -> None:
        self.admin.wait_records("invoice", {"id": invoice["id"], "amountRemaining": remaining})

    def wait_expense(self, expense: str) -> None:
        self.admin.wait_records("expenseReport", {"externalId": f"kantata-exp-{expense}"})

    def wait_job_spend(self, job: str, supplier_invoice: dict[str, Any]) -> float:
        """Once the procurement system's invoice is a vendor bill: its expense lines on the job."""
        bills = self.admin.wait_records(
            "vendorBill", {"externalId": f"coupa-inv-{supplier_invoice['id']}"}
        )
        return sum(
            float(ln.get("amount") or 0)
            for bill in bills
            for ln in bill.get("expense") or []
            if str(ln.get("customer")) == job
        )

    def pay(self, invoice_id: str, amount: float | None = None) -> None:
        self.wire.call(
            "POST",
            f"/record/v1/invoice/{invoice_id}/!transform/customerPayment",
            json={} if amount is None else {"payment": amount},
            expect=(204,),
        )

    def entity_id(self, entity: Any) -> str:
        return str(entity.erp_id)

    def credits(self, invoice_ids: set[str]) -> list[dict[str, Any]]:
        """The credit memos applied to (or created from) any of ``invoice_ids``."""
        out = []
        for memo in self.admin.records("creditMemo", {}):
            docs = {str(ln.get("doc")) for ln in _sublist(memo.get("apply")) if ln.get("apply")}
            if str(memo.get("createdFrom")) in invoice_ids or docs & invoice_ids:
                out.append(memo)
        return out

    # -- a legal entity onboarded during a run (the acquisition) ------------------------

    def served_countries(self) -> set[str]:
        """The countries the subsidiaries serve now."""
        subs = self.admin.records("subsidiary", {})
        return {str(_ref(s.get("country"))).upper() for s in subs if s.get("country")}

    def _currency(self, code: str) -> str:
        """The currency ``code``'s id; created (as finance would) when missing."""
        found = self.admin.records("currency", {"symbol": code})
        if found:
            return str(found[0]["id"])
        r = self.wire.call(
            "POST", "/record/v1/currency", json={"name": code, "symbol": code}, expect=(204,)
        )
        return r.headers["location"].rsplit("/", 1)[-1]

    def onboard_entity(self, entity: dict[str, str]) -> dict[str, str]:
        """The acquired company as a subsidiary under the firm's parent, in its currency:
        ``{"subsidiary", "currency_id"}``."""
        currency_id = self._currency(entity["currency"])
        roots = [s for s in self.admin.records("subsidiary", {}) if not s.get("parent")]
        body: dict[str, Any] = {
            "name": entity["name"],
            "legalName": entity["name"],
            "country": entity["country"],
            "currency": {"id": currency_id},
        }
        if roots:
            body["parent"] = {"id": str(roots[0]["id"])}
        # set up by the ERP's implementation team, loaded like the firm's own subsidiaries
        # (the simulator's record service takes a subsidiary's country as text only)
        r = self.admin.wire.call(
            "POST",
            f"/tenants/{self.admin.tenant}/records/subsidiary",
            json={"records": [body]},
            expect=(201,),
        )
        return {"subsidiary": str(r.json()["ids"][0]), "currency_id": currency_id}

    def entity_books(self, ids: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """The deal's customer, job and invoices, each with ``subsidiary`` and ``currency``."""
        m, erp = self.m, self.admin
        ids = {"opportunity": ids.get("opportunity"), "account": ids.get("account")}
        return {
            "customer": erp.records(
                "customer", {"externalId": m.erp("customer_external_id", **ids)}
            ),
            "job": erp.records("job", {"externalId": m.erp("job_external_id", **ids)}),
            "invoice": erp.records("invoice", self._link(ids)),
        }


class BusinessCentralReader:
    """Business Central: customers and projects by number, sales invoices with their lines,
    time registration entries; the customer pays through a customer payment journal
    (a payment line applied to the invoice, then the journal's ``post`` action)."""

    vendor = "businesscentral"
    api_paths = "/v2.0/*"
    #: a time registration entry keeps hours only; its rate is the invoice line's price
    time_fields = frozenset({"hours"})
    JOURNAL = "HARNESSPAY"

    def __init__(
        self,
        admin: Admin,
        wire: Wire,
        mapping: MappingSpec,
        company: str,
        psa: Admin | None = None,
    ) -> None:
        self.admin, self.wire, self.m, self.company = admin, wire, mapping, company
        self.psa = psa  # the PSA's journal: where a stack's reading of an expense shows
        self._journals: dict[str, str] = {}  # company -> payment journal id

    def _field(self, key: str, default: str) -> str:
        return str(self.m.doc["erp"].get(key) or default)

    @staticmethod
    def _seq(number: Any) -> int:
        digits = "".join(ch for ch in str(number or "") if ch.isdigit())
        return int(digits or 0)

    def _view_party(self, rec: dict[str, Any]) -> dict[str, Any]:
        company = {"id": str(rec.get("_companyId") or "")}
        return {**rec, "subsidiary": company, "currency": {"id": rec.get("currencyCode") or ""}}

    def customers(self, account: str) -> list[dict[str, Any]]:
        num = self.m.erp("customer_external_id", account=account)
        return [self._view_party(r) for r in self.admin.records("customer", {"number": num})]

    def jobs(self, opportunity: str) -> list[dict[str, Any]]:
        num = self.m.erp("job_external_id", opportunity=opportunity)
        out = []
        for r in self.admin.records("project", {"number": num}):
            view = self._view_party(r)
            view.pop("currency")
            parent = self._project_customer(r)
            if parent is not None:  # known once the project has an invoice
                view["parent"] = parent
            out.append(view)
        return out

    def _project_customer(self, project: dict[str, Any]) -> dict[str, Any] | None:
        """A v2.0 project names no customer: the customer its invoices bill is its parent."""
        invs = self.admin.records("salesInvoice", self._link(self._deal(project)))
        return {"id": invs[0]["customerId"]} if invs else None

    def _deal(self, project: dict[str, Any]) -> dict[str, Any]:
        """The deal ids a project number stands for (the mapping names projects by deal)."""
        pattern = self.m.doc["erp"]["job_external_id"]
        prefix, _, suffix = pattern.partition("{opportunity}")
        number = str(project.get("number") or "")
        return {"opportunity": number.removeprefix(prefix).removesuffix(suffix), "account": ""}

    def _invoice_view(self, inv: dict[str, Any]) -> dict[str, Any]:
        key = self._field("time_bill_line_field", "description2")
        lines = self.admin.records("salesInvoiceLine", {"documentId": inv["id"]})
        time_lines = []
        for line in lines:
            ref = str(line.get(key) or "")
            if ref:
                bills = self.admin.records("timeRegistrationEntry", {self._time_key(): ref})
                time_lines.append({"doc": {"id": bills[0]["id"] if bills else ref}, "apply": True})
        return {
            **inv,
            "tranId": inv.get("number"),
            "total": inv.get("totalAmountIncludingTax"),
            "amountRemaining": inv.get("remainingAmount"),
            "seq": self._seq(inv.get("number")),
            "time": time_lines,
            "lines": lines,
        }

    def _time_key(self) -> str:
        return self._field("time_bill_field", "jobTaskNumber")

    def _posted(self, recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            self._invoice_view(r) for r in recs if r.get("status") not in ("Draft", "In Review")
        ]

    def _link(self, ids: dict[str, Any]) -> dict[str, Any]:
        return {self.m.erp("invoice_link_field"): self.m.erp("invoice_link_value", **ids)}

    def invoices(self, ids: dict[str, Any]) -> list[dict[str, Any]]:
        return self._posted(self.admin.records("salesInvoice", self._link(ids)))

    def job_invoices(self, job: str) -> list[dict[str, Any]]:
        project = self.admin.records("project", {"id": job})
        return self.invoices(self._deal(project[0])) if project else []

    def _bill_view(self, rec: dict[str, Any]) -> dict[str, Any]:
        out = {**rec, "hours": rec.get("quantity"), "customer": {"id": rec.get("jobId")}}
        key = self._field("time_bill_line_field", "description2")
        for line in self.admin.records("salesInvoiceLine", {key: rec.get(self._time_key())}):
            out["rate"] = line.get("unitPrice")
        return out

    def time_bills(self, time_entry: str) -> list[dict[str, Any]]:
        ref = self.m.erp("time_bill_external_id", time_entry=time_entry)
        return [
            self._bill_view(r)
            for r in self.admin.records("timeRegistrationEntry", {self._time_key(): ref})
        ]

    def job_time_bills(self, job: str) -> list[dict[str, Any]]:
        return [
            self._bill_view(r) for r in self.admin.records("timeRegistrationEntry", {"jobId": job})
        ]

    def wait_time_bill(self, time_entry: str) -> None:
        ref = self.m.erp("time_bill_external_id", time_entry=time_entry)
        self.admin.wait_records("timeRegistrationEntry", {self._time_key(): ref})

    def wait_invoices(self, ids: dict[str, Any], count: int) -> list[dict[str, Any]]:
        """Until ``count`` invoices of the deal are posted (a draft lives for one call)."""
        self.admin.wait_records("salesInvoice", self._link(ids), count=count)
        end = time.monotonic() + self.admin.step_timeout
        while True:
            found = self.invoices(ids)
            if len(found) >= count or time.monotonic() > end:
                return found
            time.sleep(0.1)

    def wait_remaining(self, invoice: dict[str, Any], remaining: float) -> None:
        self.admin.wait_records("salesInvoice", {"id": invoice["id"], "remainingAmount": remaining})

    def wait_expense(self, expense: str) -> None:
        """The v2.0 API has no expense document: a billable expense reaches Business Central
        as a line of the next invoice (judged by invoice leakage), one that is not billable
        not at all. What can be waited for is the stack reading the expense from the PSA."""
        if self.psa is None:
            raise AssertionError("the expense's wait needs the PSA's journal")
        self.psa.wait_journal({"method": "GET", "path": rf"/expenses/{expense}\.json$"})

    def wait_job_spend(self, job: str, supplier_invoice: dict[str, Any]) -> float:
        """Once the supplier invoice is a posted purchase invoice: its lines' amounts (before
        tax) that name the job's project. A v2.0 purchase line has no job field; the mapping
        says which line field carries the project's number (``cost_line_field``)."""
        field = self._field("supplier_bill_field", "vendorInvoiceNumber")
        number = str(supplier_invoice["invoice-number"])[:35]  # vendorInvoiceNumber's length
        self.admin.wait_records("purchaseInvoice", {field: number, "status": self.m.status_open})
        project = self.admin.records("project", {"id": job})
        if not project:
            return 0.0
        key = self._field("cost_line_field", "description2")
        return sum(
            float(ln.get("amountExcludingTax") or 0)
            for inv in self.admin.records("purchaseInvoice", {field: number})
            if inv.get("status") not in ("Draft", "In Review")
            for ln in self.admin.records("purchaseInvoiceLine", {"documentId": inv["id"]})
            if str(ln.get(key) or "") == str(project[0].get("number"))
        )

    def _payment_journal(self, company: str) -> str:
        """The company's customer payment journal for the harness's payments (made once)."""
        if company not in self._journals:
            base = f"/companies({company})/customerPaymentJournals"
            r = self.wire.call(
                "GET", base, params={"$filter": f"code eq '{self.JOURNAL}'"}, expect=(200,)
            )
            rows = r.json().get("value") or []
            if not rows:
                body = {"code": self.JOURNAL, "displayName": "Customer payments"}
                rows = [self.wire.call("POST", base, json=body, expect=(201,)).json()]
            self._journals[company] = str(rows[0]["id"])
        return self._journals[company]

    def pay(self, invoice_id: str, amount: float | None = None) -> None:
        found = self.admin.records("salesInvoice", {"id": invoice_id})
        company = str(found[0].get("_companyId")) if found else self.company
        base = f"/companies({company})"
        if amount is None:
            inv = self.wire.call("GET", f"{base}/salesInvoices({invoice_id})", expect=(200,))
            amount = float(inv.json().get("remainingAmount") or 0)
        journal = self._payment_journal(company)
        self.wire.call(
            "POST",
            f"{base}/customerPaymentJournals({journal})/customerPayments",
            json={"appliesToInvoiceId": invoice_id, "amount": -round(amount, 2)},
            expect=(201,),
        )
        # a payment journal is a general journal batch: posting it applies the payment
        self.wire.call("POST", f"{base}/journals({journal})/Microsoft.NAV.post", expect=(204,))

    def entity_id(self, entity: Any) -> str:
        from ..loaders._businesscentral import company_id

        return company_id(entity.id)

    def credits(self, invoice_ids: set[str]) -> list[dict[str, Any]]:
        """The posted sales credit memos applied to any of ``invoice_ids`` (``invoiceId``),
        in the journeys' view: the memo's total applied to its invoice."""
        out = []
        for memo in self.admin.records("salesCreditMemo", {}):
            inv = str(memo.get("invoiceId") or "")
            if inv not in invoice_ids or memo.get("status") in ("Draft", "In Review"):
                continue
            amount = memo.get("totalAmountIncludingTax")
            out.append(
                {
                    **memo,
                    "tranId": memo.get("number"),
                    "createdFrom": inv,
                    "apply": [{"doc": inv, "apply": True, "amount": amount}],
                }
            )
        return out

    # -- a legal entity onboarded during a run (the acquisition) ------------------------

    def _local_currencies(self) -> dict[str, str]:
        """Company id -> its local currency (company information's ``currencyCode``)."""
        return {
            str(i.get("_companyId")): str(i.get("currencyCode") or "")
            for i in self.admin.records("companyInformation", {})
        }

    def served_countries(self) -> set[str]:
        """The countries the companies serve now (company information's ``country``)."""
        infos = self.admin.records("companyInformation", {})
        return {str(i["country"]).upper() for i in infos if i.get("country")}

    def onboard_entity(self, entity: dict[str, str]) -> dict[str, str]:
        """A new legal entity is a new company (made outside the API, loaded like the firm's
        own), its company information naming its country and local currency:
        ``{"subsidiary": company id, "currency_id": currency code}``."""
        from ..loaders._businesscentral import company_id

        cid = company_id(entity["org"])
        company = {"id": cid, "name": entity["name"][:30], "displayName": entity["name"]}
        info = {
            "companyId": cid,
            "displayName": entity["name"][:100],
            "country": entity["country"],
            "currencyCode": entity["currency"],
        }
        # set up from the firm's first company (as a configuration package would): its
        # service items, which the new company's invoices bill with
        keep = ("number", "displayName", "type", "unitPrice", "baseUnitOfMeasureCode")
        items = [
            {"companyId": cid, **{k: i[k] for k in keep if k in i}}
            for i in self.admin.records("item", {})
            if str(i.get("_companyId")) == self.company and i.get("type") == "Service"
        ]
        for kind, recs in (("company", [company]), ("companyInformation", [info]), ("item", items)):
            self.admin.wire.call(
                "POST",
                f"/tenants/{self.admin.tenant}/records/{kind}",
                json={"records": recs},
                expect=(201,),
            )
        return {"subsidiary": cid, "currency_id": entity["currency"]}

    def entity_books(self, ids: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """The deal's customer, project and posted invoices, each with ``subsidiary`` (its
        company) and ``currency`` (its currency code; blank is the company's own)."""
        local = self._local_currencies()

        def view(rec: dict[str, Any]) -> dict[str, Any]:
            company = str(rec.get("_companyId") or "")
            code = str(rec.get("currencyCode") or "") or local.get(company, "")
            return {**rec, "subsidiary": {"id": company}, "currency": {"id": code}}

        ids = {"opportunity": ids.get("opportunity"), "account": ids.get("account")}
        cust = self.m.erp("customer_external_id", **ids)
        job = self.m.erp("job_external_id", **ids)
        return {
            "customer": [view(r) for r in self.admin.records("customer", {"number": cust})],
            "job": [view(r) for r in self.admin.records("project", {"number": job})],
            "invoice": [view(r) for r in self.invoices(ids)],
        }


#: journeys an ERP vendor's simulator cannot play, and why (said once per run)
UNSERVED: dict[str, dict[str, str]] = {}


def unserved_journeys(endpoint: dict[str, Any]) -> dict[str, str]:
    """Journey -> why the ERP named in the endpoints file cannot play it."""
    return dict(UNSERVED.get(str(endpoint.get("vendor") or ""), {}))


def erp_reader(
    admin: Admin,
    wire: Wire,
    mapping: MappingSpec,
    endpoint: dict[str, Any],
    psa: Admin | None = None,
) -> ErpReader:
    """The reader for the ERP the endpoints file names (``vendor``; NetSuite when absent)."""
    if endpoint.get("vendor") == "businesscentral":
        return BusinessCentralReader(admin, wire, mapping, str(endpoint["company_id"]), psa)
    return NetSuiteReader(admin, wire, mapping)
