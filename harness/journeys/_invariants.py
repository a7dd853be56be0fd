"""Cross-system invariants, checked on the simulators' state once a journey settled.

They read records through the admin API (the judge's view, not a person's) and hold
the stack to the firm's rules: ids link the systems both ways, every approved billable
hour is invoiced exactly once, invoice totals follow the billing model, and the
payment status comes back from the ERP.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ._errors import JourneyFailure
from ._model import InvariantResult

if TYPE_CHECKING:
    from ._journeys import JourneySpec, Scene

Check = Callable[["Facts"], str | None]  # None: holds; otherwise what is wrong
_CENT = 0.005


class Facts:
    """The records of one journey, read once from the four simulators."""

    def __init__(self, sc: Scene, spec: JourneySpec) -> None:
        a = sc.systems.admin
        self.spec = spec
        self.opp_id = str(sc.ids["opportunity"])
        self.account_id = str(sc.ids["account"])
        self.ws = str(sc.ids["workspace"])
        self.job = str(sc.ids["job"])
        self.opp = _one(a["crm"].records("Opportunity", {"Id": self.opp_id}))
        self.account = _one(a["crm"].records("Account", {"Id": self.account_id}))
        self.customers = a["erp"].records("customer", {"externalId": self.account_id})
        self.jobs = a["erp"].records("job", {"externalId": self.opp_id})
        self.invoices = sorted(
            a["erp"].records("invoice", {"job": self.job}), key=lambda i: int(i["id"])
        )
        self.ws_refs = a["psa"].records("external_references", {"service_model_ref": self.opp_id})
        self.entries = a["psa"].records("time_entries", {"workspace_id": self.ws, "approved": True})
        self.bills = {
            str(e["id"]): a["erp"].records("timeBill", {"externalId": f"kantata-te-{e['id']}"})
            for e in self.entries
        }
        self.stories = [
            s
            for s in a["psa"].records("stories", {"workspace_id": self.ws})
            if s.get("story_type") == "milestone"
        ]
        self.inv_refs = {
            str(i["id"]): a["psa"].records(
                "external_references",
                {"service_model": "invoice", "service_model_ref": str(i["id"])},
            )
            for i in self.invoices
        }


def _one(records: list[dict[str, Any]]) -> dict[str, Any]:
    return records[0] if records else {}


def customer_has_account_id(f: Facts) -> str | None:
    if len(f.customers) != 1:
        return f"expected 1 ERP customer with externalId {f.account_id}, found {len(f.customers)}"
    cust = f.customers[0]
    if f.jobs and str(f.jobs[0].get("parent")) != str(cust["id"]):
        return f"ERP job {f.job} belongs to customer {f.jobs[0].get('parent')}, not {cust['id']}"
    if str(f.account.get("ERP_Customer_Id__c")) != str(cust["id"]):
        return f"CRM Account {f.account_id} ERP_Customer_Id__c={f.account.get('ERP_Customer_Id__c')!r}, ERP customer is {cust['id']}"
    return None


def workspace_references_opportunity(f: Facts) -> str | None:
    refs = [
        r
        for r in f.ws_refs
        if r.get("subject_type") == "Workspace"
        and str(r.get("subject_id")) == f.ws
        and r.get("service_name") == "salesforce"
    ]
    if len(refs) != 1:
        return f"expected 1 salesforce external reference from workspace {f.ws} to {f.opp_id}, found {len(refs)}"
    return None


def opportunity_carries_ids(f: Facts) -> str | None:
    psa, erp = f.opp.get("PSA_Project_Id__c"), f.opp.get("ERP_Project_Id__c")
    if str(psa) != f.ws or str(erp) != f.job:
        return f"Opportunity {f.opp_id} has PSA_Project_Id__c={psa!r}, ERP_Project_Id__c={erp!r}"
    if len(f.jobs) != 1 or str(f.jobs[0]["id"]) != f.job:
        return f"expected ERP job {f.job} with externalId {f.opp_id}, found {[j['id'] for j in f.jobs]}"
    return None


def hours_invoiced_once(f: Facts) -> str | None:
    billable = f.spec.billing_model == "Time and Materials"
    applied = Counter(
        str(line.get("doc"))
        for inv in f.invoices
        for line in inv.get("time") or []
        if line.get("apply", True)
    )
    for entry_id, bills in f.bills.items():
        if len(bills) != 1:
            return f"approved time entry {entry_id} has {len(bills)} ERP timeBills, expected 1"
        bill = bills[0]
        if bool(bill.get("isBillable")) != billable:
            return f"timeBill {bill['id']} isBillable={bill.get('isBillable')} on a {f.spec.billing_model} project"
        times = applied.get(str(bill["id"]), 0)
        if times != (1 if billable else 0):
            return f"timeBill {bill['id']} ({bill.get('hours')}h) is on {times} invoices, expected {1 if billable else 0}"
    known = {str(b[0]["id"]) for b in f.bills.values() if b}
    stray = sorted(set(applied) - known)
    if stray:
        return f"invoices apply timeBills that no approved PSA entry explains: {stray}"
    return None


def invoice_totals(f: Facts) -> str | None:
    if not f.invoices:
        return "no ERP invoice for the project"
    totals = [float(i.get("total") or 0) for i in f.invoices]
    model = f.spec.billing_model
    if model == "Time and Materials":
        expected = sum(e["time_in_minutes"] / 60 * e["rate_in_cents"] / 100 for e in f.entries)
        billed = sum(float(b[0]["hours"]) * float(b[0]["rate"]) for b in f.bills.values() if b)
        if abs(sum(totals) - expected) > _CENT or abs(billed - expected) > _CENT:
            return f"invoiced {sum(totals):.2f}, approved hours x rate = {expected:.2f} (ERP timeBills {billed:.2f})"
        return None
    plan = sorted(int(s.get("budget_estimate_in_cents") or 0) / 100 for s in f.stories)
    if sorted(totals) != plan:
        return f"invoice totals {sorted(totals)} differ from the milestone amounts {plan}"
    if abs(sum(totals) - float(f.opp.get("Amount") or 0)) > _CENT:
        return f"invoices add up to {sum(totals):.2f}, the deal is {f.opp.get('Amount')}"
    return None


def status_flowed_back(f: Facts) -> str | None:
    for inv in f.invoices:
        if float(inv.get("amountRemaining") or 0) > _CENT:
            return f"ERP invoice {inv['tranId']} still has {inv['amountRemaining']} remaining"
        refs = f.inv_refs.get(str(inv["id"])) or []
        if [r.get("external_status") for r in refs] != ["Paid In Full"]:
            return f"PSA reference(s) of {inv['tranId']} say {[r.get('external_status') for r in refs]}, expected ['Paid In Full']"
    last = f.invoices[-1] if f.invoices else None
    want = f"{last['tranId']} Paid In Full" if last else None
    if f.opp.get("Invoice_Status__c") != want:
        return (
            f"Opportunity Invoice_Status__c={f.opp.get('Invoice_Status__c')!r}, expected {want!r}"
        )
    return None


INVARIANTS: Mapping[str, Check] = MappingProxyType(
    {
        "ERP customer carries the CRM account id": customer_has_account_id,
        "PSA workspace references the opportunity": workspace_references_opportunity,
        "CRM opportunity carries the PSA and ERP ids": opportunity_carries_ids,
        "every approved billable hour invoiced exactly once": hours_invoiced_once,
        "invoice totals follow the billing model": invoice_totals,
        "invoice status flowed back to the PSA and the CRM": status_flowed_back,
    }
)


def check_invariants(sc: Scene, spec: JourneySpec) -> list[InvariantResult]:
    try:
        facts = Facts(sc, spec)
    except JourneyFailure as exc:
        return [InvariantResult("state could be read", False, str(exc))]
    out = []
    for name, check in INVARIANTS.items():
        try:
            problem = check(facts)
        except (KeyError, TypeError, ValueError) as exc:
            problem = f"unexpected record shape ({type(exc).__name__}: {exc})"
        out.append(InvariantResult(name, problem is None, problem or "holds"))
    return out
