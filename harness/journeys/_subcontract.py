"""The subcontract journey: a contractor staffed on a project is bought through the
procurement system, and what the firm pays the subcontractor lands on the project's cost.

A project manager staffs one of the firm's contractors on a won T&M project; the stack
raises a purchase order in Coupa for that contractor's supplier; the subcontractor
invoices against it in Coupa, where the two-way match approves it; the stack books the
approved invoice in the ERP against the project's job. The check is the seed's: the
project's cost in the ERP includes its subcontractor spend, to the cent.
"""

from __future__ import annotations

from typing import Any

from ..data._model import WorkerType
from ._errors import JourneyFailure
from ._journeys import (
    TM,
    Scene,
    bill_time,
    log_and_approve,
    open_project,
    wait_invoices,
    wait_time_invoiced,
)

#: KPI key: the subcontractor spend booked against the job
SPEND = "subcontractor_spend"


def _contractor(sc: Scene) -> Any:
    if sc.canon is None:
        raise JourneyFailure("the subcontract journey needs the generated firm")
    found = [c for c in sc.canon.firm.consultants if c.worker_type is WorkerType.CONTRACTOR]
    if not found:
        raise JourneyFailure("the firm has no contractor to subcontract")
    return found[sc.rng.randrange(len(found))]


def play_subcontract(sc: Scene) -> None:
    coupa = sc.systems.procurement
    if coupa is None:
        raise JourneyFailure("the subcontract journey needs the procurement system")
    open_project(sc, TM, 41288.65)
    log_and_approve(sc, 2)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    ws, job = str(sc.ids["workspace"]), str(sc.ids["job"])
    contractor = _contractor(sc)
    with sc.steps.step("project manager staffs a subcontractor", "psa"):
        r = sc.systems.psa.call(
            "POST",
            "/workspace_resources.json",
            json={"workspace_resource": {"workspace_id": ws, "user_id": contractor.psa_id}},
            expect=(200, 201),
        )
        resource = str(r.json()["results"][0]["id"])
    number = f"WR-{resource}"
    with sc.steps.step("purchase order raised in the procurement system", "procurement", "wait"):
        sc.target.procurement_run()
        sc.systems.admin["procurement"].wait_journal(
            {
                "method": "POST",
                "path": "/api/purchase_orders$",
                "status": 201,
                "body_contains": number,
            }
        )
        orders = coupa.call("GET", "/purchase_orders", params={"po_number": number}, expect=(200,))
        po = orders.json()[0]
        if po["custom-fields"].get("erp-job") != job:
            raise AssertionError(
                f"purchase order {number} names ERP job {po['custom-fields'].get('erp-job')}, "
                f"the project's job is {job}"
            )
    line = po["order-lines"][0]
    hours = round(sc.rng.uniform(20, 40) * 4) / 4  # quarter hours, as timesheets have them
    with sc.steps.step("subcontractor invoices the order in Coupa", "procurement"):
        inv = coupa.call(
            "POST",
            "/invoices",
            json={
                "invoice-number": f"{contractor.hcm_id}-{sc.key}-{resource}"[:40],
                "invoice-date": sc.day,
                "supplier": {"id": po["supplier"]["id"]},
                "invoice-lines": [{"order-line-id": line["id"], "quantity": hours}],
            },
            expect=(201,),
        ).json()
        done = coupa.call("PUT", f"/invoices/{inv['id']}/submit", expect=(200,)).json()
        if done["status"] != "approved":
            raise AssertionError(
                f"Coupa left the invoice {done['status']}: {done['tolerance-failures']}"
            )
    spend = float(done["gross-total"])
    with sc.steps.step("supplier invoice booked against the job in the ERP", "erp", "wait"):
        sc.target.procurement_run()
        booked = sc.erp.wait_job_spend(job, inv)
    sc.ids[SPEND] = booked
    with sc.steps.step("the project's cost includes its subcontractor spend", "erp"):
        if abs(booked - spend) > 0.005:
            raise AssertionError(
                f"job {job} carries {booked:.2f} of subcontractor spend; Coupa approved "
                f"{spend:.2f} on purchase order {number}"
            )
