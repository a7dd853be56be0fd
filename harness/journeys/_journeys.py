"""The journeys: the firm's lifecycle from Closed Won to paid invoices, as its people play it.

Each journey is a sequence of steps: a person acts on a vendor API (``action``), then
the harness waits for the stack's effect in another system (``wait``). Every link the
waits follow comes from the mapping spec; what the people did goes into the scene's
ledger, the yardstick the invariants judge by. Journeys belong to suites (``billing``,
``lifecycle``, ``resilience``); the default run plays them all.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from types import MappingProxyType
from typing import Any

from ._actors import (
    BillingOffice,
    Consultant,
    Customer,
    HrPartner,
    ProjectManager,
    SalesRep,
)
from ._canon import Canon, Ledger
from ._erp import ErpReader, erp_reader, in_order, newest
from ._errors import JourneyFailure
from ._mapping import MappingSpec
from ._steps import StepRunner
from ._systems import Systems
from ._target import Target

TM, FIXED, MILESTONE = "Time and Materials", "Fixed Fee", "Milestone"
#: minutes a consultant logs in one entry: fractional hours, whole cents at any rate
_MINUTES = (45, 93, 135, 222, 279, 333, 387, 426, 459, 480, 501, 117, 171)


@dataclass(slots=True)
class Scene:
    """What one journey works with and what it learns on the way."""

    key: str
    systems: Systems
    target: Target
    steps: StepRunner
    rng: random.Random
    mapping: MappingSpec
    canon: Canon | None = None
    day: str = field(default_factory=lambda: datetime.now(UTC).date().isoformat())
    ids: dict[str, Any] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)  # named moments, seconds since start
    entries: list[str] = field(default_factory=list)  # approved PSA time entries
    invoices: list[dict[str, Any]] = field(default_factory=list)  # ERP invoices raised
    ledger: Ledger = field(default_factory=Ledger)
    cleanup: list[Callable[[], object]] = field(default_factory=list)  # faults to lift

    @property
    def erp(self) -> ErpReader:
        """The ERP in the journeys' view (NetSuite or Business Central, as the stack has)."""
        s = self.systems
        return erp_reader(s.admin["erp"], s.erp, self.mapping, s.erp_endpoint, s.admin.get("psa"))

    def days_back(self, n: int) -> list[str]:
        """``n`` working days ending today (oldest first)."""
        out: list[str] = []
        d = date.fromisoformat(self.day)
        while len(out) < n:
            if d.weekday() < 5:
                out.append(d.isoformat())
            d -= timedelta(days=1)
        return out[::-1]


@dataclass(frozen=True, slots=True)
class JourneySpec:
    key: str
    billing_model: str
    amount: float
    minutes: int  # entries logged per consultant (0: none)
    play: Callable[[Scene], None]
    suite: str = "billing"
    about: str = ""
    #: invariants of this journey beyond the shared ones: (name, check(facts) -> problem)
    invariants: tuple[tuple[str, Callable[[Any], str | None]], ...] = ()


# -- building blocks ------------------------------------------------------------------


def open_project(
    sc: Scene, model: str, amount: float, account: dict[str, Any] | None = None
) -> None:
    """A sales rep wins a deal; the stack sets the project up in the PSA and the ERP."""
    m = sc.mapping
    rep = SalesRep(sc.systems, sc.rng)
    sc.ledger.model, sc.ledger.amount = model, amount
    with sc.steps.step("rep closes the deal", "crm") as s:
        account = account or rep.pick_account()
        opp = rep.win(account, f"{account['Name']} - {model} ({sc.key})", model, amount, sc.day)
        sc.ids.update(account=account["Id"], opportunity=opp)
        sc.marks["closed"] = s.started
    ws_field, job_field = m.crm("workspace_field"), m.crm("job_field")
    with sc.steps.step("project set up and ids written back to the CRM", "crm", "wait"):
        sc.systems.admin["crm"].wait_journal(
            {
                "method": "PATCH",
                "path": f"Opportunity/{opp}$",
                "body_contains": ws_field,
                "status": 204,
            }
        )
        o = rep.opportunity(opp)
        sc.ids.update(workspace=o.get(ws_field), job=o.get(job_field))
        if not sc.ids["workspace"] or not sc.ids["job"]:
            raise AssertionError(f"the opportunity lacks {ws_field} or {job_field}: {o}")
        sc.marks["set_up"] = sc.steps.now()
    with sc.steps.step("consultants staffed in the PSA", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "workspace_resources", {"workspace_id": sc.ids["workspace"]}
        )


def log_and_approve(sc: Scene, per_person: int, days: int | None = None) -> None:
    """Each staffed consultant logs ``per_person`` entries of fractional hours over the
    last working days; the manager approves the timesheets; the time reaches the ERP."""
    pm = ProjectManager(sc.systems)
    ws = str(sc.ids["workspace"])
    submissions: list[str] = []
    gone = set(sc.ledger.terminated)
    with sc.steps.step(f"consultants log {per_person} entries each", "psa"):
        staff = [r for r in pm.staff(ws) if str(r["user_id"]) not in gone]
        if not staff:
            raise AssertionError(f"workspace {ws} has no resources")
        span = sc.days_back(days or per_person)
        for res in staff:
            uid = str(res["user_id"])
            when = [span[i % len(span)] for i in range(per_person)]
            minutes = [sc.rng.choice(_MINUTES) for _ in range(per_person)]
            entries, sub = Consultant(sc.systems, uid).log_many(ws, sorted(when), minutes)
            for e, mins in zip(entries, minutes, strict=True):
                sc.ledger.logged[e], sc.ledger.author[e] = mins, uid
            sc.entries += entries
            submissions.append(sub)
    with sc.steps.step("manager approves the timesheets", "psa"):
        pm.approve(submissions)
        sc.ledger.approved.update(sc.entries)
        sc.marks["approved"] = sc.steps.now()
    wait_time_in_erp(sc)


def wait_time_in_erp(sc: Scene) -> None:
    with sc.steps.step(f"approved time ({len(sc.entries)} entries) reaches the ERP", "erp", "wait"):
        erp = sc.erp
        for entry in sc.entries:
            erp.wait_time_bill(entry)


def invoice_link(sc: Scene) -> dict[str, Any]:
    m = sc.mapping
    return {m.erp("invoice_link_field"): m.erp("invoice_link_value", **_ids(sc))}


def _ids(sc: Scene) -> dict[str, Any]:
    return {"opportunity": sc.ids.get("opportunity"), "account": sc.ids.get("account")}


def wait_invoices(sc: Scene, count: int, name: str = "invoice raised in the ERP") -> None:
    with sc.steps.step(name, "erp", "wait"):
        sc.invoices = sc.erp.wait_invoices(_ids(sc), count)
        sc.marks.setdefault("invoiced", sc.steps.now())
    last = newest(sc.invoices)
    with sc.steps.step(f"invoice {last['tranId']} recorded in the PSA and the CRM", "crm", "wait"):
        sc.systems.admin["psa"].wait_records(
            "external_references",
            {"service_model": "invoice", "service_model_ref": str(last["id"])},
        )
        wait_crm_status(sc, last, sc.mapping.status_open)


def wait_crm_status(sc: Scene, invoice: dict[str, Any], status: str) -> None:
    m = sc.mapping
    text = m.invoice_status(str(invoice["tranId"]), status)
    sc.systems.admin["crm"].wait_records(
        "Opportunity", {"Id": sc.ids["opportunity"], m.crm("invoice_status_field"): text}
    )
    sc.ledger.status_after.append((f"{invoice['tranId']} {status}", text))


def wait_paid_everywhere(sc: Scene, invoice: dict[str, Any]) -> None:
    sc.systems.admin["psa"].wait_records(
        "external_references",
        {
            "service_model": "invoice",
            "service_model_ref": str(invoice["id"]),
            "external_status": sc.mapping.status_paid,
        },
    )


def pay_and_flow_back(sc: Scene) -> None:
    """The customer pays each invoice in turn; its status reaches the PSA and the CRM."""
    customer = Customer(sc.erp)
    invoices = in_order(sc.invoices)
    sc.ids["invoices"] = [str(i["id"]) for i in invoices]
    last = invoices[-1]
    for inv in invoices:
        with sc.steps.step(f"customer pays {inv['tranId']} in the ERP", "erp"):
            customer.pay(str(inv["id"]))
            sc.ledger.payments.setdefault(str(inv["id"]), []).append(float(inv["total"]))
        with sc.steps.step(
            f"payment of {inv['tranId']} flows back to the PSA and the CRM", "crm", "wait"
        ):
            wait_paid_everywhere(sc, inv)
            m = sc.mapping
            wait_crm_status(sc, last, m.status_paid if inv is last else m.status_open)
        sc.marks["paid"] = sc.steps.now()


def bill_time(sc: Scene, follow: bool = True) -> None:
    with sc.steps.step("billing office runs billing", "target"):
        BillingOffice(sc.target).billing_run(sc.day, follow=follow)


def wait_time_invoiced(sc: Scene) -> None:
    with sc.steps.step("PSA marks the time invoiced", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "time_entries",
            {"workspace_id": sc.ids["workspace"], "is_invoiced": True},
            count=len(sc.entries),
        )


def settle(sc: Scene, what: str = "the stack settles", bound: float | None = None) -> None:
    """Until every simulator's deliveries are done and no vendor call came for a moment."""
    with sc.steps.step(what, "all", "wait"):
        admins = list(sc.systems.admin.values())
        end = time.monotonic() + (bound or admins[0].step_timeout)
        while time.monotonic() < end:
            seqs = [a.last_seq() for a in admins]
            busy = sum(a.pending_deliveries() for a in admins)
            if busy == 0 and all(a.quiet(s, 0.25) for a, s in zip(admins, seqs, strict=True)):
                return
        raise AssertionError("the stack kept calling the vendors; it never settled")


def milestones(sc: Scene) -> list[dict[str, Any]]:
    pm = ProjectManager(sc.systems)
    with sc.steps.step("project manager reads the milestone plan", "psa"):
        stones = pm.milestones(str(sc.ids["workspace"]))
        if not stones:
            raise AssertionError(
                f"a {sc.ledger.model} workspace should have milestones, found none"
            )
        sc.ids["milestones"] = [str(s["id"]) for s in stones]
    return stones


def complete(sc: Scene, story: dict[str, Any], n: int, of: int) -> None:
    pm = ProjectManager(sc.systems)
    with sc.steps.step(f"project manager completes milestone {n} of {of}", "psa") as s:
        sc.marks.setdefault("billable", s.started)
        pm.complete(str(story["id"]))


def note_invoiced(sc: Scene, story: dict[str, Any], n: int) -> None:
    """A later edit of a milestone already invoiced (the customer's acceptance note): the
    same story's change event again, which must not invoice it twice.

    Played once the milestone's invoice is recorded in the PSA and the CRM, so the stack
    is done with the completion; the step then waits until the stack has taken the note's
    event (it reads the story again), lets it settle, and counts the invoices."""
    psa, sid = sc.systems.admin["psa"], str(story["id"])
    with sc.steps.step(f"project manager adds an acceptance note to milestone {n}", "psa"):
        ProjectManager(sc.systems).note(sid, f"Accepted by the customer on {sc.day}")
        seq = psa.last_seq()
    with sc.steps.step(f"the stack takes the note's story:updated event ({sid})", "psa", "wait"):
        psa.wait_journal(
            {
                "method": "GET",
                "path": rf"stories/{sid}\.json",
                "status": 200,
                "since_seq": seq,
                "tenant": psa.tenant,
            }
        )
    settle(sc, "the note's event settles")
    with sc.steps.step(
        f"the note raises no further invoice ({len(sc.invoices)} so far)", "erp", "check"
    ):
        now = sc.erp.invoices(_ids(sc))
        if len(now) != len(sc.invoices):
            known = {str(i["id"]) for i in sc.invoices}
            extra = [str(i.get("tranId")) for i in now if str(i["id"]) not in known]
            raise AssertionError(
                f"{len(now)} invoices for the opportunity after a note on milestone {sid}, "
                f"expected {len(sc.invoices)}: {extra} raised again for the same milestone"
            )


def account_in(sc: Scene, currency: str) -> dict[str, Any] | None:
    if sc.canon is None:
        return None
    ids = sc.canon.accounts_in(currency)
    if not ids:
        return None
    return SalesRep(sc.systems, sc.rng).account(sc.rng.choice(ids))


# -- the journeys ---------------------------------------------------------------------


def play_tm(sc: Scene) -> None:
    open_project(sc, TM, 48317.45, account_in(sc, "USD"))
    log_and_approve(sc, 4)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_fixed_fee(sc: Scene) -> None:
    open_project(sc, FIXED, 25480.80)
    log_and_approve(sc, 2)
    stones = milestones(sc)
    if len(stones) != len(sc.mapping.milestone_shares(FIXED)):
        raise_step(sc, "fixed-fee milestone plan", f"{len(stones)} milestones in the PSA")
    complete(sc, stones[0], 1, len(stones))
    wait_invoices(sc, 1)
    note_invoiced(sc, stones[0], 1)
    pay_and_flow_back(sc)


def play_milestone(sc: Scene) -> None:
    open_project(sc, MILESTONE, 36950.35)
    stones = milestones(sc)
    for n, story in enumerate(stones, start=1):
        complete(sc, story, n, len(stones))
        wait_invoices(sc, n, f"invoice {n} raised in the ERP")
        if n == 1:
            note_invoiced(sc, story, n)
    pay_and_flow_back(sc)


def play_instalments(sc: Scene) -> None:
    """Three milestone invoices, paid in instalments; then the customer pays the rest of
    all three back to back, newest first: the CRM must end on the newest invoice."""
    open_project(sc, MILESTONE, 52613.27)
    stones = milestones(sc)
    for n, story in enumerate(stones, start=1):
        # each invoice before the next completion: the ERP numbers the invoices in the
        # order the milestones were completed (the stack may take two stories' events in
        # either order), which the milestone-plan invariant reads them in
        complete(sc, story, n, len(stones))
        wait_invoices(sc, n, f"invoice {n} raised in the ERP")
    customer = Customer(sc.erp)
    invs = in_order(sc.invoices)
    sc.ids["invoices"] = [str(i["id"]) for i in invs]
    last = invs[-1]
    first = round(float(last["total"]) * 0.37, 2)
    with sc.steps.step(
        f"customer pays a first instalment of {first:.2f} on {last['tranId']}", "erp"
    ):
        customer.pay(str(last["id"]), first)
        sc.ledger.payments.setdefault(str(last["id"]), []).append(first)
    with sc.steps.step(
        f"{last['tranId']} still open everywhere after the instalment", "crm", "wait"
    ):
        sc.erp.wait_remaining(last, round(float(last["total"]) - first, 2))
        wait_crm_status(sc, last, sc.mapping.status_open)
    with sc.steps.step("customer pays the rest of all three back to back, newest first", "erp"):
        for inv in reversed(invs):
            paid = sum(sc.ledger.payments.get(str(inv["id"]), []))
            rest = round(float(inv["total"]) - paid, 2)
            customer.pay(str(inv["id"]), rest)
            sc.ledger.payments.setdefault(str(inv["id"]), []).append(rest)
    with sc.steps.step("every payment flows back to the PSA", "psa", "wait"):
        for inv in invs:
            wait_paid_everywhere(sc, inv)
    settle(sc)
    sc.marks["paid"] = sc.steps.now()


def play_change_order(sc: Scene) -> None:
    """A milestone deal grows after its first milestone is invoiced: budget, dates and the
    invoice schedule of the open milestones must follow."""
    open_project(sc, MILESTONE, 36950.35)
    stones = milestones(sc)
    complete(sc, stones[0], 1, len(stones))
    wait_invoices(sc, 1, "invoice 1 raised in the ERP")
    new_amount = 44121.90
    new_start = (date.fromisoformat(sc.day) + timedelta(days=14)).isoformat()
    with sc.steps.step(
        f"rep books a change order: amount {new_amount:.2f}, start {new_start}", "crm"
    ):
        SalesRep(sc.systems, sc.rng).change_order(str(sc.ids["opportunity"]), new_amount, new_start)
        sc.ledger.amount = new_amount
        sc.ids["change_order"] = {"amount": new_amount, "start": new_start}
    with sc.steps.step("the PSA budget follows the change order", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "workspaces",
            {"id": str(sc.ids["workspace"]), "price_in_cents": round(new_amount * 100)},
        )
    settle(sc, "the change order settles")
    for n, story in enumerate(stones[1:], start=2):
        complete(sc, story, n, len(stones))
        wait_invoices(sc, n, f"invoice {n} raised in the ERP")
    pay_and_flow_back(sc)


def play_termination(sc: Scene) -> None:
    """A consultant staffed on a T&M project leaves the firm mid-project."""
    open_project(sc, TM, 31205.60)
    pm = ProjectManager(sc.systems)
    with sc.steps.step("HR terminates a staffed consultant in the HCM", "hcm"):
        staff = pm.staff(str(sc.ids["workspace"]))
        if len(staff) < 2:
            raise AssertionError(f"expected 2 consultants on the project, found {len(staff)}")
        leaver = str(staff[0]["user_id"])
        email = str(pm.user(leaver).get("email_address") or "")
        con = sc.canon.consultant_by_email(email) if sc.canon else None
        if con is None:
            raise AssertionError(f"PSA user {leaver} ({email}) is not one of the firm's workers")
        HrPartner(sc.systems).terminate(con.hcm_id, sc.day)
        sc.ledger.terminated[leaver] = con.hcm_id
        sc.ids["terminated"] = {"psa_user": leaver, "hcm_worker": con.hcm_id}
    with sc.steps.step("the leaver's assignments end in the PSA", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "assignments", {"assignee_id": leaver, "current": False}
        )
    settle(sc, "the termination settles")
    log_and_approve(sc, 3)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_expenses(sc: Scene) -> None:
    """Time and expenses on a T&M project: billable expenses are invoiced, others not."""
    open_project(sc, TM, 27318.15)
    log_and_approve(sc, 2)
    pm = ProjectManager(sc.systems)
    with sc.steps.step("consultant files two billable expenses and one that is not", "psa"):
        uid = str(pm.staff(str(sc.ids["workspace"]))[0]["user_id"])
        who = Consultant(sc.systems, uid)
        for cents, category, billable in (
            (18743, "Travel", True),
            (120419, "Lodging", True),
            (2350, "Meals", False),
        ):
            ex = who.expense(str(sc.ids["workspace"]), sc.day, cents, category, billable)
            (sc.ledger.expenses if billable else sc.ledger.unbilled_expenses)[ex] = cents
    with sc.steps.step("the expenses reach the ERP", "erp", "wait"):
        for ex in [*sc.ledger.expenses, *sc.ledger.unbilled_expenses]:
            sc.erp.wait_expense(ex)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_two_entities(sc: Scene) -> None:
    """A deal with a customer of the second legal entity, in its own currency."""
    account = account_in(sc, "GBP")
    if account is None:
        raise_step(sc, "a GBP customer", "the firm has no GBP account")
    open_project(sc, TM, 18412.70, account)
    log_and_approve(sc, 3)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_staffing(sc: Scene) -> None:
    """Staffing must respect the HCM: after a round of departures (the firm's cheapest
    third leaves), a new project is staffed with active workers only."""
    if sc.canon is None:
        raise_step(sc, "the firm's workers", "no canonical firm")
    assert sc.canon is not None
    people = sorted(sc.canon.firm.consultants, key=lambda c: (c.cost_rate_minor, c.hcm_id))
    leavers = [c for c in people if c.psa_id not in sc.ledger.terminated][: len(people) // 3]
    with sc.steps.step(f"HR terminates {len(leavers)} workers in the HCM", "hcm"):
        hr = HrPartner(sc.systems)
        last_day = (date.fromisoformat(sc.day) - timedelta(days=1)).isoformat()
        for c in leavers:
            try:
                hr.terminate(c.hcm_id, last_day)
            except JourneyFailure as exc:  # left earlier in this run: gone all the same
                if "already has a termination" not in str(exc):
                    raise
            sc.ledger.terminated[c.psa_id] = c.hcm_id
    settle(sc, "the departures settle")
    open_project(sc, TM, 23875.40, account_in(sc, "USD"))
    with sc.steps.step("the project is staffed with active workers only", "psa", "check"):
        staff = ProjectManager(sc.systems).staff(str(sc.ids["workspace"]))
        gone = [str(r["user_id"]) for r in staff if str(r["user_id"]) in sc.ledger.terminated]
        if gone:
            raise AssertionError(
                f"PSA users {gone} were staffed although the HCM terminated them "
                f"(HCM workers {[sc.ledger.terminated[u] for u in gone]})"
            )
    log_and_approve(sc, 2)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_surge(sc: Scene) -> None:
    """Month end: hundreds of entries approved at once while the PSA's webhook drops some
    events, which are redelivered after billing."""
    open_project(sc, TM, 96120.55, account_in(sc, "USD"))
    psa = sc.systems.admin["psa"]
    with sc.steps.step("the PSA drops 15% of its change events", "psa"):
        n = psa.delivery_faults({"drop": 15, "seed": 11})
        sc.cleanup.append(lambda: psa.delivery_faults({"drop": 0}))
        if n == 0:
            raise AssertionError("the stack has no PSA subscription to drop events from")
    log_and_approve_no_wait(sc, 105, 21)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    with sc.steps.step("the PSA redelivers the events it dropped", "psa"):
        psa.delivery_faults({"drop": 0})
        redeliver_dropped(sc)
    settle(sc, "the month's events settle", bound=120)
    pay_and_flow_back(sc)


def log_and_approve_no_wait(sc: Scene, per_person: int, days: int) -> None:
    pm = ProjectManager(sc.systems)
    ws = str(sc.ids["workspace"])
    submissions = []
    with sc.steps.step(f"consultants log {per_person} entries each over {days} days", "psa"):
        span = sc.days_back(days)
        for res in pm.staff(ws):
            uid = str(res["user_id"])
            when = sorted(span[i % len(span)] for i in range(per_person))
            minutes = [sc.rng.choice(_MINUTES) // 3 for _ in range(per_person)]
            entries, sub = Consultant(sc.systems, uid).log_many(ws, when, minutes)
            for e, mins in zip(entries, minutes, strict=True):
                sc.ledger.logged[e], sc.ledger.author[e] = mins, uid
            sc.entries += entries
            submissions.append(sub)
    with sc.steps.step("manager approves the month's timesheets", "psa"):
        pm.approve(submissions)
        sc.ledger.approved.update(sc.entries)
        sc.marks["approved"] = sc.steps.now()


def redeliver_dropped(sc: Scene) -> None:
    """Post each dropped event again to the subscription that lost it, as the vendor's
    redelivery would."""
    psa = sc.systems.admin["psa"]
    subs = {s["id"]: s for s in psa.subscriptions()}
    dropped = [d for d in psa.deliveries("dropped") if d["subscription"] in subs]
    if not dropped:
        return
    first = min(int(d["event_seq"]) for d in dropped)
    events = {int(e["seq"]): e for e in psa.events(first - 1)}
    import httpx

    with httpx.Client(trust_env=False, timeout=10) as http:
        for d in dropped:
            ev = events.get(int(d["event_seq"]))
            sub = subs[d["subscription"]]
            if ev is None:
                continue
            r = http.post(
                sub["url"],
                json=ev["payload"],
                headers={
                    "x-correlation-id": f"evt-{psa.tenant}-{ev['seq']}",
                    **(sub.get("headers") or {}),
                },
            )
            if r.status_code >= 300:
                raise AssertionError(
                    f"the stack refused a redelivered event: {r.status_code} {r.text[:200]}"
                )
    sc.ids["redelivered"] = len(dropped)


def play_erp_429(sc: Scene) -> None:
    """The ERP answers half the stack's calls with its concurrency 429 during billing."""
    open_project(sc, TM, 22190.40)
    log_and_approve(sc, 2)
    erp = sc.systems.admin["erp"]
    with sc.steps.step("the ERP starts a 429 storm", "erp"):
        erp.add_fault(
            {
                "path": sc.erp.api_paths,
                "percentage": 30,
                "seed": 7,
                "fault": {"kind": "error", "status": 429, "headers": {"Retry-After": "0"}},
            }
        )
        sc.cleanup.append(erp.clear_faults)
    bill_time(sc)
    wait_invoices(sc, 1)
    with sc.steps.step("the ERP storm ends", "erp"):
        erp.clear_faults()
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_erp_outage(sc: Scene) -> None:
    """The ERP is down for an hour during invoicing; its clock is advanced past the window."""
    open_project(sc, TM, 19744.85)
    log_and_approve(sc, 2)
    settle(sc, "the time entries settle")
    erp = sc.systems.admin["erp"]
    with sc.steps.step("the ERP goes down for an hour", "erp"):
        start = datetime.fromisoformat(erp.clock().replace("Z", "+00:00"))
        erp.add_fault(
            {
                "path": sc.erp.api_paths,
                "fault": {"kind": "error", "status": 503},
                "window": {
                    "start": start.isoformat().replace("+00:00", "Z"),
                    "end": (start + timedelta(hours=1)).isoformat().replace("+00:00", "Z"),
                },
            }
        )
        sc.cleanup.append(erp.clear_faults)
        seq = erp.last_seq()
    bill_time(sc, follow=False)
    with sc.steps.step("the stack meets the outage", "erp", "wait"):
        erp.wait_journal({"status": 503, "since_seq": seq})
    with sc.steps.step("an hour passes on the ERP's clock", "erp"):
        erp.advance_clock(3700)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def play_slow_psa(sc: Scene) -> None:
    """The PSA answers slowly (a quarter-second on half its calls) all journey long."""
    psa = sc.systems.admin["psa"]
    with sc.steps.step("the PSA slows down", "psa"):
        psa.add_fault(
            {
                "path": "/api/v1/*",
                "percentage": 50,
                "seed": 3,
                "fault": {"kind": "latency", "ms": 250},
            }
        )
        sc.cleanup.append(psa.clear_faults)
    open_project(sc, TM, 14960.25)
    log_and_approve(sc, 2)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)
    with sc.steps.step("the PSA recovers", "psa"):
        psa.clear_faults()


def play_webhook_500(sc: Scene) -> None:
    """The stack's PSA webhook answers 500 to its next deliveries, then recovers: the
    PSA's redelivery must bring every approval through, once."""
    from ._relay import FailingRelay

    open_project(sc, TM, 16322.10)
    psa = sc.systems.admin["psa"]
    relays: list[FailingRelay] = []
    with sc.steps.step("the stack's PSA webhook answers 500 to its next 4 deliveries", "psa"):
        for sub in psa.subscriptions():
            relay = FailingRelay(str(sub["url"]), fail_first=4)
            relays.append(relay)
            psa.resubscribe(sub, relay.url)
            sc.cleanup.append(partial(psa.resubscribe, sub, str(sub["url"])))
            sc.cleanup.append(relay.close)
        if not relays:
            raise AssertionError("the stack has no PSA webhook subscription")
    log_and_approve(sc, 2)
    with sc.steps.step("the webhook failed and recovered", "psa", "check"):
        failed = sum(r.failed for r in relays)
        if failed < 4 or not any(r.relayed for r in relays):
            raise AssertionError(
                f"the relay answered 500 {failed} time(s), relayed {[r.relayed for r in relays]}"
            )
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)
    settle(sc, "every delivery through the relay settles")


def play_token_expiry(sc: Scene) -> None:
    """Every expiring token (CRM OAuth, HCM OAuth) expires mid-journey, twice."""
    open_project(sc, FIXED, 17330.65)
    with sc.steps.step("the CRM's and the HCM's access tokens expire", "crm"):
        for system in ("crm", "hcm"):
            sc.systems.admin[system].expire_tokens()
    log_and_approve(sc, 2)
    stones = milestones(sc)
    complete(sc, stones[0], 1, len(stones))
    wait_invoices(sc, 1)
    with sc.steps.step("the tokens expire again before the payment", "crm"):
        for system in ("crm", "hcm"):
            sc.systems.admin[system].expire_tokens()
    pay_and_flow_back(sc)


def play_events_chaos(sc: Scene) -> None:
    """Every system delivers its change events duplicated and reordered."""
    faults = {"duplicate": 60, "reorder": 40, "seed": 5}
    with sc.steps.step("every system duplicates and reorders its change events", "all"):
        for admin in sc.systems.admin.values():
            admin.delivery_faults(faults)
            sc.cleanup.append(partial(admin.delivery_faults, {"duplicate": 0, "reorder": 0}))
    open_project(sc, MILESTONE, 41877.05)
    log_and_approve(sc, 2)
    stones = milestones(sc)
    for n, story in enumerate(stones, start=1):
        complete(sc, story, n, len(stones))
        wait_invoices(sc, n, f"invoice {n} raised in the ERP")
        note_invoiced(sc, story, n)
    settle(sc)
    pay_and_flow_back(sc)
    settle(sc, "the last deliveries settle")


def _subcontract(sc: Scene) -> None:
    from ._subcontract import play_subcontract  # it builds on this module's steps

    play_subcontract(sc)


def _credit(sc: Scene) -> None:
    from ._credit import play_credit  # it builds on this module's steps

    play_credit(sc)


def _owed_after_credit(f: Any) -> str | None:
    from ._credit import owed_after_credit

    return owed_after_credit(f)


def _acquisition(sc: Scene) -> None:
    from ._acquisition import play_acquisition  # it builds on this module's steps

    play_acquisition(sc)


def _booked_in_acquired_entity(f: Any) -> str | None:
    from ._acquisition import booked_in_acquired_entity

    return booked_in_acquired_entity(f)


def _token_lifetimes(sc: Scene) -> None:
    from ._lifetimes import play_token_lifetimes  # it builds on this module's steps

    play_token_lifetimes(sc)


def _landscape(sc: Scene) -> None:
    from ._landscape import play_landscape  # it builds on this module's steps

    play_landscape(sc)


def raise_step(sc: Scene, what: str, found: str) -> None:
    with sc.steps.step(what, "psa", "check"):
        raise AssertionError(f"expected {what}, found {found}")


JOURNEYS: Mapping[str, JourneySpec] = MappingProxyType(
    {
        "tm": JourneySpec(
            "tm", TM, 48317.45, 4, play_tm, "billing", "time and materials, rate card rates"
        ),
        "fixed_fee": JourneySpec(
            "fixed_fee", FIXED, 25480.80, 2, play_fixed_fee, "billing", "one milestone for the fee"
        ),
        "milestone": JourneySpec(
            "milestone", MILESTONE, 36950.35, 0, play_milestone, "billing", "invoice per milestone"
        ),
        "instalments": JourneySpec(
            "instalments",
            MILESTONE,
            52613.27,
            0,
            play_instalments,
            "lifecycle",
            "instalments, newest paid first",
        ),
        "change_order": JourneySpec(
            "change_order",
            MILESTONE,
            36950.35,
            0,
            play_change_order,
            "lifecycle",
            "change order after Closed Won",
        ),
        "termination": JourneySpec(
            "termination",
            TM,
            31205.60,
            3,
            play_termination,
            "lifecycle",
            "consultant terminated mid-project",
        ),
        "expenses": JourneySpec(
            "expenses", TM, 27318.15, 2, play_expenses, "lifecycle", "expenses billed on T&M"
        ),
        "two_entities": JourneySpec(
            "two_entities",
            TM,
            18412.70,
            3,
            play_two_entities,
            "lifecycle",
            "second legal entity, GBP",
        ),
        "staffing": JourneySpec(
            "staffing",
            TM,
            23875.40,
            2,
            play_staffing,
            "lifecycle",
            "staffing respects departures in the HCM",
        ),
        "surge": JourneySpec(
            "surge",
            TM,
            96120.55,
            115,
            play_surge,
            "lifecycle",
            "month-end surge, dropped events redelivered",
        ),
        "erp_429": JourneySpec(
            "erp_429", TM, 22190.40, 2, play_erp_429, "resilience", "ERP 429 storm during billing"
        ),
        "erp_outage": JourneySpec(
            "erp_outage", TM, 19744.85, 2, play_erp_outage, "resilience", "ERP outage window"
        ),
        "slow_psa": JourneySpec(
            "slow_psa", TM, 14960.25, 2, play_slow_psa, "resilience", "a slow PSA"
        ),
        "webhook_500": JourneySpec(
            "webhook_500",
            TM,
            16322.10,
            2,
            play_webhook_500,
            "resilience",
            "the stack's webhook answers 500 for a while",
        ),
        "token_expiry": JourneySpec(
            "token_expiry",
            FIXED,
            17330.65,
            2,
            play_token_expiry,
            "resilience",
            "tokens expire mid-journey",
        ),
        "token_lifetimes": JourneySpec(
            "token_lifetimes",
            TM,
            15487.35,
            2,
            lambda sc: _token_lifetimes(sc),
            "resilience",
            "the PSA's and the ERP's clocks run past their access-token lifetimes",
        ),
        "subcontract": JourneySpec(
            "subcontract",
            TM,
            41288.65,
            0,
            lambda sc: _subcontract(sc),
            "lifecycle",
            "a contractor bought through procurement, the spend on the job's cost",
        ),
        "credit": JourneySpec(
            "credit",
            FIXED,
            21345.55,
            0,
            lambda sc: _credit(sc),
            "lifecycle",
            "a disputed invoice credited in the ERP; what is owed is the invoice minus the credit",
            (("invoice minus credit is what the customer owes", _owed_after_credit),),
        ),
        "acquisition": JourneySpec(
            "acquisition",
            TM,
            28716.35,
            2,
            lambda sc: _acquisition(sc),
            "lifecycle",
            "a company acquired mid-year: its deal invoiced in its own subsidiary and currency",
            (("the acquired company's deal is booked in its entity", _booked_in_acquired_entity),),
        ),
        "landscape": JourneySpec(
            "landscape",
            TM,
            33871.15,
            3,
            lambda sc: _landscape(sc),
            "landscape",
            "notices to Slack and Teams, utilization batch to analytics",
        ),
        "events_chaos": JourneySpec(
            "events_chaos",
            MILESTONE,
            41877.05,
            2,
            play_events_chaos,
            "resilience",
            "duplicated and reordered events",
        ),
    }
)
SUITES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        suite: tuple(k for k, j in JOURNEYS.items() if j.suite == suite)
        for suite in ("billing", "lifecycle", "resilience", "landscape")
    }
)
