"""The journeys: one deal per billing model, from Closed Won to a paid invoice.

Each journey is a sequence of steps: a person acts on a vendor API (``action``), then
the harness waits for the stack's effect in another system (``wait``). The ids and
facts a journey gathers feed its invariants and KPIs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from ._actors import BillingOffice, Consultant, Customer, ProjectManager, SalesRep
from ._steps import StepRunner
from ._systems import Systems
from ._target import Target

TM, FIXED, MILESTONE = "Time and Materials", "Fixed Fee", "Milestone"


@dataclass(slots=True)
class Scene:
    """What one journey works with and what it learns on the way."""

    key: str
    systems: Systems
    target: Target
    steps: StepRunner
    rng: random.Random
    day: str = field(default_factory=lambda: datetime.now(UTC).date().isoformat())
    ids: dict[str, Any] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)  # named moments, seconds since start
    entries: list[str] = field(default_factory=list)  # approved PSA time entries
    invoices: list[dict[str, Any]] = field(default_factory=list)  # ERP invoices raised


@dataclass(frozen=True, slots=True)
class JourneySpec:
    key: str
    billing_model: str
    amount: float
    minutes: int  # logged per consultant
    play: Callable[[Scene], None]


def _open_project(sc: Scene, spec: JourneySpec) -> None:
    rep = SalesRep(sc.systems, sc.rng)
    with sc.steps.step("rep closes the deal", "crm") as s:
        account = rep.pick_account()
        opp = rep.win(
            account,
            f"{account['Name']} - {spec.billing_model} ({sc.key})",
            spec.billing_model,
            spec.amount,
            sc.day,
        )
        sc.ids.update(account=account["Id"], opportunity=opp)
        sc.marks["closed"] = s.started
    with sc.steps.step("project set up and ids written back to the CRM", "crm", "wait") as s:
        sc.systems.admin["crm"].wait_journal(
            {
                "method": "PATCH",
                "path": f"Opportunity/{opp}$",
                "body_contains": "PSA_Project_Id__c",
                "status": 204,
            }
        )
        o = rep.opportunity(opp)
        sc.ids.update(workspace=o.get("PSA_Project_Id__c"), job=o.get("ERP_Project_Id__c"))
        if not sc.ids["workspace"] or not sc.ids["job"]:
            raise AssertionError(
                f"the opportunity lacks PSA_Project_Id__c or ERP_Project_Id__c: {o}"
            )
        sc.marks["set_up"] = sc.steps.now()
    with sc.steps.step("consultants staffed in the PSA", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "workspace_resources", {"workspace_id": sc.ids["workspace"]}
        )


def _log_and_approve(sc: Scene, minutes: int) -> None:
    pm = ProjectManager(sc.systems)
    ws = str(sc.ids["workspace"])
    submissions: list[str] = []
    with sc.steps.step("consultants log time", "psa"):
        staff = pm.staff(ws)
        if not staff:
            raise AssertionError(f"workspace {ws} has no resources")
        for res in staff:
            entry, sub = Consultant(sc.systems, str(res["user_id"])).log_and_submit(
                ws, sc.day, minutes
            )
            sc.entries.append(entry)
            submissions.append(sub)
    with sc.steps.step("manager approves the timesheets", "psa"):
        pm.approve(submissions)
        sc.marks["approved"] = sc.steps.now()
    with sc.steps.step("approved time reaches the ERP", "erp", "wait"):
        for entry in sc.entries:
            sc.systems.admin["erp"].wait_records("timeBill", {"externalId": f"kantata-te-{entry}"})


def _wait_invoices(sc: Scene, count: int, name: str = "invoice raised in the ERP") -> None:
    with sc.steps.step(name, "erp", "wait"):
        sc.invoices = sc.systems.admin["erp"].wait_records(
            "invoice", {"otherRefNum": sc.ids["opportunity"]}, count=count
        )
        sc.marks.setdefault("invoiced", sc.steps.now())
    newest = max(sc.invoices, key=lambda i: int(i["id"]))
    with sc.steps.step(
        f"invoice {newest['tranId']} recorded in the PSA and the CRM", "crm", "wait"
    ):
        sc.systems.admin["psa"].wait_records(
            "external_references",
            {"service_model": "invoice", "service_model_ref": str(newest["id"])},
        )
        sc.systems.admin["crm"].wait_records(
            "Opportunity",
            {"Id": sc.ids["opportunity"], "Invoice_Status__c": f"{newest['tranId']} Open"},
        )


def _pay_and_flow_back(sc: Scene) -> None:
    """The customer pays each invoice in turn; its status reaches the PSA and the CRM."""
    customer = Customer(sc.systems)
    invoices = sorted(sc.invoices, key=lambda i: int(i["id"]))
    sc.ids["invoices"] = [str(i["id"]) for i in invoices]
    for inv in invoices:
        with sc.steps.step(f"customer pays {inv['tranId']} in the ERP", "erp"):
            customer.pay(str(inv["id"]))
        with sc.steps.step(
            f"payment of {inv['tranId']} flows back to the PSA and the CRM", "crm", "wait"
        ):
            sc.systems.admin["psa"].wait_records(
                "external_references",
                {
                    "service_model": "invoice",
                    "service_model_ref": str(inv["id"]),
                    "external_status": "Paid In Full",
                },
            )
            sc.systems.admin["crm"].wait_records(
                "Opportunity",
                {"Id": sc.ids["opportunity"], "Invoice_Status__c": f"{inv['tranId']} Paid In Full"},
            )
        sc.marks["paid"] = sc.steps.now()


def play_tm(sc: Scene) -> None:
    spec = JOURNEYS["tm"]
    _open_project(sc, spec)
    _log_and_approve(sc, spec.minutes)
    with sc.steps.step("billing office runs billing", "target"):
        BillingOffice(sc.target).billing_run(sc.day)
    _wait_invoices(sc, 1)
    with sc.steps.step("PSA marks the time invoiced", "psa", "wait"):
        sc.systems.admin["psa"].wait_records(
            "time_entries",
            {"workspace_id": sc.ids["workspace"], "is_invoiced": True},
            count=len(sc.entries),
        )
    _pay_and_flow_back(sc)


def play_fixed_fee(sc: Scene) -> None:
    spec = JOURNEYS["fixed_fee"]
    _open_project(sc, spec)
    _log_and_approve(sc, spec.minutes)
    pm = ProjectManager(sc.systems)
    with sc.steps.step("project manager completes the milestone", "psa"):
        stones = pm.milestones(str(sc.ids["workspace"]))
        if len(stones) != 1:
            raise AssertionError(
                f"a fixed-fee workspace should have 1 milestone, found {len(stones)}"
            )
        sc.ids["milestones"] = [str(s["id"]) for s in stones]
        pm.complete(str(stones[0]["id"]))
    _wait_invoices(sc, 1)
    _pay_and_flow_back(sc)


def play_milestone(sc: Scene) -> None:
    spec = JOURNEYS["milestone"]
    _open_project(sc, spec)
    pm = ProjectManager(sc.systems)
    with sc.steps.step("project manager reads the milestone plan", "psa"):
        stones = pm.milestones(str(sc.ids["workspace"]))
        if not stones:
            raise AssertionError("a milestone workspace should have milestones, found none")
        sc.ids["milestones"] = [str(s["id"]) for s in stones]
    for n, story in enumerate(stones, start=1):
        with sc.steps.step(f"project manager completes milestone {n} of {len(stones)}", "psa"):
            pm.complete(str(story["id"]))
        _wait_invoices(sc, n, f"invoice {n} raised in the ERP")
    _pay_and_flow_back(sc)


JOURNEYS: Mapping[str, JourneySpec] = MappingProxyType(
    {
        "tm": JourneySpec("tm", TM, 48000.0, 480, play_tm),
        "fixed_fee": JourneySpec("fixed_fee", FIXED, 25000.0, 240, play_fixed_fee),
        "milestone": JourneySpec("milestone", MILESTONE, 10000.0, 0, play_milestone),
    }
)
