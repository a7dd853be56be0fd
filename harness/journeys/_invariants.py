"""Cross-system invariants, checked on the simulators' state once a journey settled.

They read records through the admin API (the judge's view, not a person's), find the
links through the mapping spec, and hold the stack to the firm itself: hours as the
consultants logged them, rates from the firm's rate card, deal amounts and milestone
plans as sold, payments as the customer made them; not merely to what the stack copied
from one system into another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ._erp import in_order
from ._errors import JourneyFailure
from ._model import InvariantResult

if TYPE_CHECKING:
    from ._journeys import JourneySpec, Scene

Check = Callable[["Facts"], str | None]  # None: holds; otherwise what is wrong
_CENT = 0.005


class Facts:
    """The records of one journey, read once from the four simulators."""

    def __init__(self, sc: Scene, spec: JourneySpec) -> None:
        a, m = sc.systems.admin, sc.mapping
        self.spec, self.mapping, self.ledger, self.canon = spec, m, sc.ledger, sc.canon
        self.admin = a  # for a journey's own invariants that read more
        self.ids = dict(sc.ids)
        self.model = sc.ledger.model or spec.billing_model
        self.opp_id = str(sc.ids["opportunity"])
        self.account_id = str(sc.ids["account"])
        self.ws = str(sc.ids["workspace"])
        self.job = str(sc.ids["job"])
        ids = {"opportunity": self.opp_id, "account": self.account_id}
        self.opp = _one(a["crm"].records("Opportunity", {"Id": self.opp_id}))
        self.account = _one(a["crm"].records("Account", {"Id": self.account_id}))
        erp = self.erp = sc.erp
        self.customers = erp.customers(self.account_id)
        self.jobs = erp.jobs(self.opp_id)
        self.invoices = in_order(erp.invoices(ids))
        self.job_invoices = erp.job_invoices(self.job)
        self.ws_refs = a["psa"].records(
            "external_references",
            {
                "service_model_ref": self.opp_id,
                "service_name": m.psa("opportunity_reference_service"),
            },
        )
        self.workspaces = a["psa"].records("workspaces", {"id": self.ws})
        self.entries = a["psa"].records("time_entries", {"workspace_id": self.ws, "approved": True})
        self.bills = {str(e["id"]): erp.time_bills(str(e["id"])) for e in self.entries}
        self.job_bills = erp.job_time_bills(self.job)
        self.stories = [
            s
            for s in a["psa"].records("stories", {"workspace_id": self.ws})
            if s.get("story_type") == "milestone"
        ]
        self.resources = a["psa"].records("workspace_resources", {"workspace_id": self.ws})
        story_ids = {str(s["id"]) for s in a["psa"].records("stories", {"workspace_id": self.ws})}
        self.assignments = [
            x for x in a["psa"].records("assignments", {}) if str(x.get("story_id")) in story_ids
        ]
        self.leaver_assignments = {
            uid: a["psa"].records("assignments", {"assignee_id": uid, "current": True})
            for uid in sc.ledger.terminated
        }
        self.inv_refs = {
            str(i["id"]): a["psa"].records(
                "external_references",
                {"service_model": "invoice", "service_model_ref": str(i["id"])},
            )
            for i in self.invoices
        }
        self.psa_invoices = [
            r
            for r in a["psa"].records("invoices", {})
            if self.ws in {str(w) for w in r.get("workspace_ids") or [r.get("workspace_id")]}
        ]


def _one(records: list[dict[str, Any]]) -> dict[str, Any]:
    return records[0] if records else {}


def _lines(sublist: Any) -> list[dict[str, Any]]:
    """A sublist as stored (a list) or as REST shows it (``{"items": [...]}``)."""
    items = sublist.get("items", []) if isinstance(sublist, dict) else sublist or []
    return [x for x in items if isinstance(x, dict)]


def _ref_id(value: Any) -> str:
    return str(value.get("id") if isinstance(value, dict) else value)


def customer_has_account_id(f: Facts) -> str | None:
    if len(f.customers) != 1:
        return f"expected 1 ERP customer for CRM account {f.account_id}, found {len(f.customers)}"
    cust = f.customers[0]
    if f.jobs and _ref_id(f.jobs[0].get("parent")) != str(cust["id"]):
        return f"ERP job {f.job} belongs to customer {f.jobs[0].get('parent')}, not {cust['id']}"
    field = f.mapping.crm("customer_field")
    if field and str(f.account.get(field)) != str(cust["id"]):
        return f"CRM Account {f.account_id} {field}={f.account.get(field)!r}, ERP customer is {cust['id']}"
    return None


def legal_entity_kept(f: Facts) -> str | None:
    """The customer and the job sit in the legal entity (subsidiary) the firm says."""
    entity = f.canon.entity_of(f.account_id) if f.canon else None
    if entity is None or not f.customers or not f.jobs:
        return None
    want = f.erp.entity_id(entity)
    cust, job = _ref_id(f.customers[0].get("subsidiary")), _ref_id(f.jobs[0].get("subsidiary"))
    if cust != want or job != want:
        return (
            f"{entity.name} is subsidiary {want}; the ERP customer is in {cust}, the job in {job}"
        )
    return None


def workspace_references_opportunity(f: Facts) -> str | None:
    refs = [r for r in f.ws_refs if r.get("subject_type") == "Workspace"]
    if len(refs) != 1 or str(refs[0].get("subject_id")) != f.ws:
        found = [r.get("subject_id") for r in refs]
        return f"expected 1 workspace ({f.ws}) referencing opportunity {f.opp_id}, found {found}"
    return None


def opportunity_carries_ids(f: Facts) -> str | None:
    wf, jf = f.mapping.crm("workspace_field"), f.mapping.crm("job_field")
    psa, erp = f.opp.get(wf), f.opp.get(jf)
    if str(psa) != f.ws or str(erp) != f.job:
        return f"Opportunity {f.opp_id} has {wf}={psa!r}, {jf}={erp!r}"
    if len(f.jobs) != 1 or str(f.jobs[0]["id"]) != f.job:
        return f"expected ERP job {f.job} for opportunity {f.opp_id}, found {[j['id'] for j in f.jobs]}"
    return None


def no_orphans(f: Facts) -> str | None:
    """Every assignment is a resource's on this workspace; the workspace has a budget."""
    people = {str(r.get("user_id")) for r in f.resources}
    stray = [str(x["id"]) for x in f.assignments if str(x.get("assignee_id")) not in people]
    if stray:
        return f"assignments {stray} name people who are not resources of workspace {f.ws}"
    if not f.workspaces:
        return f"workspace {f.ws} named by the opportunity does not exist in the PSA"
    if len(f.psa_invoices) != len(f.invoices):
        return f"{len(f.invoices)} ERP invoice(s) but {len(f.psa_invoices)} PSA invoice(s) on workspace {f.ws}"
    return None


def hours_as_logged(f: Facts) -> str | None:
    """Approved entries and their ERP time bills carry the minutes the consultants logged."""
    led = f.ledger
    if not led.logged:
        return None
    seen = {str(e["id"]): e for e in f.entries}
    missing = sorted(led.approved - set(seen))
    if missing:
        return f"{len(missing)} approved entr(ies) not approved in the PSA: {missing[:5]}"
    for eid in sorted(led.approved):
        minutes = led.logged[eid]
        if int(seen[eid]["time_in_minutes"]) != minutes:
            return f"PSA entry {eid} holds {seen[eid]['time_in_minutes']} min, the consultant logged {minutes}"
        bills = f.bills.get(eid) or []
        if len(bills) != 1:
            return f"approved time entry {eid} has {len(bills)} ERP time bills, expected 1"
        if abs(float(bills[0].get("hours") or 0) - minutes / 60) > 0.0001:
            return f"ERP time bill {bills[0]['id']} says {bills[0].get('hours')} h; the consultant logged {minutes / 60:.4f} h (entry {eid})"
    return None


def rates_from_rate_card(f: Facts) -> str | None:
    """Every approved entry is priced at the firm's rate card rate for its consultant."""
    for e in f.entries:
        uid = str(e.get("user_id"))
        if f.mapping.rates == "fixed":
            want: float | None = f.mapping.fixed_rate
        else:
            cents = f.canon.rate_cents(f.account_id, uid) if f.canon else None
            want = None if cents is None else cents / 100
        if want is None:
            continue
        bills = f.bills.get(str(e["id"])) or []
        if "rate" not in f.erp.time_fields:  # the ERP keeps no rate on time; its invoice's
            bills = [b for b in bills if "rate" in b]
        got = [float(b.get("rate") or 0) for b in bills]
        if abs(int(e.get("rate_in_cents") or 0) / 100 - want) > _CENT or any(
            abs(g - want) > _CENT for g in got
        ):
            return f"entry {e['id']} of user {uid} billed at PSA {int(e.get('rate_in_cents') or 0) / 100:.2f} / ERP {got}; the rate card says {want:.2f}"
    return None


def hours_invoiced_once(f: Facts) -> str | None:
    billable = f.mapping.bills_time(f.model)
    applied = Counter(
        _ref_id(line.get("doc"))
        for inv in f.job_invoices
        for line in _lines(inv.get("time"))
        if line.get("apply", True)
    )
    for entry_id, bills in f.bills.items():
        if len(bills) != 1:
            return f"approved time entry {entry_id} has {len(bills)} ERP time bills, expected 1"
        bill = bills[0]
        if "isBillable" in f.erp.time_fields and bool(bill.get("isBillable")) != billable:
            return (
                f"time bill {bill['id']} isBillable={bill.get('isBillable')} on a {f.model} project"
            )
        times = applied.get(str(bill["id"]), 0)
        if times != (1 if billable else 0):
            return f"time bill {bill['id']} ({bill.get('hours')} h) is on {times} invoices, expected {1 if billable else 0}"
    known = {str(b[0]["id"]) for b in f.bills.values() if b}
    stray = sorted(set(applied) - known)
    if stray:
        return f"invoices apply time bills that no approved PSA entry explains: {stray}"
    extra = len(f.job_bills) - len(known)
    if extra > 0:
        return f"the ERP job has {extra} time bill(s) more than the approved PSA entries"
    return None


def _approved_money(f: Facts) -> float:
    """What the firm's people earned to bill: minutes as logged x the canonical rate, plus
    billable expenses."""
    total = 0.0
    for eid in f.ledger.approved:
        uid = f.ledger.author.get(eid, "")
        cents = f.canon.rate_cents(f.account_id, uid) if f.canon else None
        if f.mapping.rates == "fixed":
            rate = f.mapping.fixed_rate
        elif cents is not None:
            rate = cents / 100
        else:
            rate = next(
                (int(e.get("rate_in_cents") or 0) / 100 for e in f.entries if str(e["id"]) == eid),
                0.0,
            )
        total += round(f.ledger.logged[eid] / 60 * rate, 2)
    if f.mapping.bills_expenses(f.model):
        total += sum(f.ledger.expenses.values()) / 100
    return round(total, 2)


def invoice_leakage(f: Facts) -> str | None:
    """Approved billable work not invoiced (or invoiced beyond it), in money."""
    if not f.mapping.bills_time(f.model):
        return None
    invoiced = round(sum(float(i.get("total") or 0) for i in f.invoices), 2)
    earned = _approved_money(f)
    leak = round(earned - invoiced, 2)
    f.ledger.leakage = leak
    tolerance = 0.01 * max(len(f.ledger.approved), 1) / 2
    if abs(leak) > max(tolerance, 0.01):
        what = "left uninvoiced" if leak > 0 else "invoiced beyond the approved work"
        return f"{abs(leak):.2f} {what}: approved work and billable expenses are worth {earned:.2f}, invoices total {invoiced:.2f}"
    return None


def invoice_totals(f: Facts) -> str | None:
    if not f.invoices:
        return "no ERP invoice for the project"
    totals = [round(float(i.get("total") or 0), 2) for i in f.invoices]
    if f.mapping.bills_time(f.model):
        return None  # judged by invoice leakage
    shares = f.mapping.milestone_shares(f.model)
    if len(f.invoices) != len(shares):
        return f"{len(f.invoices)} invoices for a {f.model} deal whose plan has {len(shares)} milestones"
    co = f.ledger.amount != f.spec.amount
    plan = _plan(f.spec.amount, shares)
    if co:  # after a change order the open milestones share what is left, pro rata
        first = plan[0]
        rest = _plan(f.ledger.amount - first, [s / sum(shares[1:]) for s in shares[1:]])
        plan = [first, *rest]
    if totals != plan:  # in the order the milestones were completed
        return f"invoice totals {totals} differ from the milestone plan {plan} (deal {f.ledger.amount:.2f})"
    if abs(sum(totals) - f.ledger.amount) > _CENT:
        return f"invoices add up to {sum(totals):.2f}, the deal is {f.ledger.amount:.2f}"
    return None


def _plan(amount: float, shares: list[float]) -> list[float]:
    cents = [round(amount * s * 100) for s in shares]
    cents[-1] = round(amount * 100) - sum(cents[:-1])
    return [c / 100 for c in cents]


def budget_follows_deal(f: Facts) -> str | None:
    """The PSA workspace budget is the deal as last sold (change orders included)."""
    ws = _one(f.workspaces)
    want = round(f.ledger.amount * 100)
    if int(ws.get("price_in_cents") or 0) != want:
        return f"workspace {f.ws} price_in_cents={ws.get('price_in_cents')}, the deal is {want}"
    if abs(float(f.opp.get("Amount") or 0) - f.ledger.amount) > _CENT:
        return f"the CRM deal says {f.opp.get('Amount')}, the rep sold {f.ledger.amount:.2f}"
    return None


def payments_as_made(f: Facts) -> str | None:
    for inv in f.invoices:
        paid = round(sum(f.ledger.payments.get(str(inv["id"]), [])), 2)
        credited = round(sum(f.ledger.credits.get(str(inv["id"]), [])), 2)
        left = round(float(inv.get("total") or 0) - paid - credited, 2)
        if abs(float(inv.get("amountRemaining") or 0) - left) > _CENT:
            return f"ERP invoice {inv['tranId']} has {inv.get('amountRemaining')} remaining; the customer paid {paid:.2f} of {inv.get('total')}"
    return None


#: NetSuite invoice status codes as stored, and the names its REST API shows
_INVOICE_STATUS = {
    "A": "Open",
    "B": "Paid In Full",
    "D": "Pending Approval",
    "E": "Rejected",
    "V": "Voided",
}


def _erp_status(inv: dict[str, Any]) -> str:
    st = inv.get("status")
    code = str(st.get("refName") or st.get("id") if isinstance(st, dict) else st or "")
    return _INVOICE_STATUS.get(code, code)


def status_agrees(f: Facts) -> str | None:
    """CRM, PSA and ERP tell the same invoice status; the CRM speaks of the newest."""
    m = f.mapping
    for inv in f.invoices:
        refs = f.inv_refs.get(str(inv["id"])) or []
        want = _erp_status(inv)
        if [r.get("external_status") for r in refs] != [want]:
            return f"PSA reference(s) of {inv['tranId']} say {[r.get('external_status') for r in refs]}, the ERP says {want!r}"
    if not f.invoices:
        return None
    newest = f.invoices[-1]
    want_text = m.invoice_status(str(newest["tranId"]), _erp_status(newest))
    got = f.opp.get(m.crm("invoice_status_field"))
    if got != want_text:
        return f"Opportunity {m.crm('invoice_status_field')}={got!r}, but the newest invoice is {want_text!r}"
    return None


def leavers_unassigned(f: Facts) -> str | None:
    for uid, current in f.leaver_assignments.items():
        if current:
            return f"terminated consultant (PSA user {uid}, HCM {f.ledger.terminated[uid]}) still has {len(current)} active assignment(s): {[x['id'] for x in current]}"
    return None


INVARIANTS: Mapping[str, Check] = MappingProxyType(
    {
        "ERP customer carries the CRM account id": customer_has_account_id,
        "customer and job in the account's legal entity": legal_entity_kept,
        "PSA workspace references the opportunity": workspace_references_opportunity,
        "CRM opportunity carries the PSA and ERP ids": opportunity_carries_ids,
        "no orphan projects, assignments or invoices": no_orphans,
        "hours as the consultants logged them": hours_as_logged,
        "rates from the firm's rate card": rates_from_rate_card,
        "every approved billable hour invoiced exactly once": hours_invoiced_once,
        "no invoice leakage": invoice_leakage,
        "invoice totals follow the milestone plan": invoice_totals,
        "budget follows the deal as sold": budget_follows_deal,
        "payments recorded as the customer made them": payments_as_made,
        "CRM, PSA and ERP agree on invoice status": status_agrees,
        "no active assignment for a terminated consultant": leavers_unassigned,
    }
)


def check_invariants(sc: Scene, spec: JourneySpec) -> list[InvariantResult]:
    try:
        facts = Facts(sc, spec)
    except JourneyFailure as exc:
        return [InvariantResult("state could be read", False, str(exc))]
    out = []
    for name, check in [*INVARIANTS.items(), *spec.invariants]:
        try:
            problem = check(facts)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problem = f"unexpected record shape ({type(exc).__name__}: {exc})"
        out.append(InvariantResult(name, problem is None, problem or "holds"))
    return out
