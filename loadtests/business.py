"""Business events through the stack: the firm's people on the vendors' APIs.

User classes (one journey each; a profile picks them and their weights in ``[mix]``):

* ``ClosedWonRep``: a sales rep closes a deal won in Salesforce (a closed-won burst);
* ``MonthEndConsultant``: a consultant logs time and submits it in Kantata, the manager
  approves it (the month-end surge of time entries, submissions and approvals);
* ``ChangeOrderDesk``: a won deal's amount changes in Salesforce (a change-order wave);
* ``BillingOffice``: the billing office asks the stack for a billing run over the
  projects (``billing_run_url`` of the target);
* ``HrPartner``: hires and terminations in Workday (a hiring and termination wave).

The actors are the journeys' own (``harness.journeys``) acting through
``kit.LocustSystems``; the data comes from the pools ``harness load`` prepared from the
seeded firm before the run.
"""

from __future__ import annotations

import os
import random
from typing import Any

import loadtests  # noqa: F401  (first: makes the harness importable under gevent)

# isort: split
from locust import HttpUser, between, constant_pacing, task

from harness.journeys._actors import Consultant, HrPartner, ProjectManager, SalesRep
from loadtests.kit import LocustSystems, load_context
from loadtests.kit.plugin import on_init
from loadtests.kit.wire import Journey, WireRefused

CTX = load_context()
on_init()


class FirmUser(HttpUser):
    """One of the firm's people; subclasses play one journey."""

    abstract = True
    journey = ""
    host = CTX.endpoints["crm"]["base_url"]

    def on_start(self) -> None:
        runner = self.environment.runner
        index = getattr(runner, "worker_index", 0)
        self.hooks = self.environment.harness_hooks
        self.rng = random.Random(f"{CTX.seed}:{type(self).__name__}:{index}:{id(self)}")
        self.current = Journey()
        self.systems = LocustSystems(self.client, CTX, self.current)
        self.systems.log_in()

    def ack(self, key: Any) -> None:
        self.hooks.state.ack(self.journey, key)

    def project(self) -> dict[str, Any]:
        projects = CTX.pools.get("projects") or []
        if not projects:
            raise WireRefused()  # the run prepared no projects; harness load says so
        return dict(self.rng.choice(projects))


class ClosedWonRep(FirmUser):
    journey = "closed_won"
    weight = CTX.weight("ClosedWonRep")
    wait_time = CTX.pace("ClosedWonRep", between(1.0, 3.0))

    @task
    def close_a_deal(self) -> None:
        self.current.begin(self.journey)
        account = self.rng.choice(CTX.pools["accounts"])
        rep = SalesRep(self.systems, self.rng)  # type: ignore[arg-type]
        amount = float(self.rng.choice((24000, 36000, 48000, 60000)))
        opp = rep.win(
            account, f"{account['Name']} - load {CTX.run_id}", "Time and Materials", amount, CTX.day
        )
        self.ack(opp)


class MonthEndConsultant(FirmUser):
    journey = "month_end"
    weight = CTX.weight("MonthEndConsultant")
    wait_time = CTX.pace("MonthEndConsultant", between(0.5, 2.0))

    @task
    def log_submit_approve(self) -> None:
        self.current.begin(self.journey)
        p = self.project()
        user = str(self.rng.choice(p["staff"]))
        minutes = self.rng.choice((60, 120, 240, 480))
        entry, submission = Consultant(self.systems, user).log_and_submit(  # type: ignore[arg-type]
            str(p["workspace"]), CTX.day, minutes
        )
        ProjectManager(self.systems).approve([submission])  # type: ignore[arg-type]
        self.ack(entry)


class ChangeOrderDesk(FirmUser):
    journey = "change_order"
    weight = CTX.weight("ChangeOrderDesk")
    wait_time = CTX.pace("ChangeOrderDesk", between(0.5, 2.0))

    @task
    def change_the_amount(self) -> None:
        self.current.begin(self.journey)
        p = self.project()
        amount = round(float(p["amount"]) * self.rng.choice((0.8, 0.9, 1.1, 1.25, 1.5)), 2)
        SalesRep(self.systems, self.rng).amend(str(p["opportunity"]), amount)  # type: ignore[arg-type]
        self.ack(str(p["opportunity"]))


class BillingOffice(FirmUser):
    journey = "billing_run"
    weight = CTX.weight("BillingOffice")
    wait_time = CTX.pace("BillingOffice", constant_pacing(5))

    @task
    def billing_run(self) -> None:
        url = CTX.target.get("billing_run_url")
        if not url:
            raise WireRefused()  # the stack bills on its own schedule
        correlation = self.current.begin(self.journey, stamped=True)
        with self.client.post(
            url,
            params={"through": CTX.day},
            headers={"X-Correlation-Id": correlation},
            name="target POST /jobs/billing-run",
            context={"journey": self.journey, "system": "target"},
            catch_response=True,
        ) as r:
            if r.status_code not in (200, 201, 202, 204):
                r.failure(f"answered {r.status_code}: {r.text[:200]}")
                return
            r.success()
        task_id = r.json().get("task") if r.status_code == 202 and r.content else None
        self.ack(str(task_id) if task_id is not None else correlation)


class HrPartnerUser(FirmUser):
    journey = "hcm_wave"
    weight = CTX.weight("HrPartnerUser")
    wait_time = CTX.pace("HrPartnerUser", between(0.5, 1.5))

    def _next(self, pool: str) -> dict[str, Any] | None:
        """Use-once pools are split between the Locust processes by worker index."""
        items = CTX.pools.get(pool) or []
        workers = max(1, int(CTX.extra.get("workers", 1)))
        index = getattr(self.environment.runner, "worker_index", 0) % workers
        mine = items[index::workers]
        n = self.hooks.cursors.get(pool, 0)
        if n >= len(mine):
            return None
        self.hooks.cursors[pool] = n + 1
        return dict(mine[n])

    @task
    def hire_or_terminate(self) -> None:
        self.current.begin(self.journey)
        hr = HrPartner(self.systems)  # type: ignore[arg-type]
        leaver = self._next("leavers") if self.rng.random() < 0.5 else None
        if leaver is not None:
            hr.terminate(str(leaver["employee"]), CTX.day)
            self.ack(("terminate", leaver["employee"], leaver["psa_user"]))
            return
        template = dict(self.rng.choice(CTX.pools["hires"]))
        n = self.hooks.cursors["hired"] = self.hooks.cursors.get("hired", 0) + 1
        employee = f"LD{CTX.run_id[:6]}{os.getpid()}{n}"
        template.update(employeeId=employee, email=f"{employee.lower()}@{template.pop('domain')}")
        hr.hire({**template, "hireDate": CTX.day})
        self.ack(("hire", employee, None))
