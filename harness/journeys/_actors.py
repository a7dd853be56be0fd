"""The firm's people, acting on the vendors' own APIs as they would in each product.

A sales rep wins a deal in Salesforce, consultants log time and a manager approves it
in Kantata, a project manager completes milestones, the customer's payment is recorded
in NetSuite, and the billing office asks the integration for a billing run.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from ._errors import JourneyFailure
from ._systems import Systems
from ._target import Target

if TYPE_CHECKING:
    from ._erp import ErpReader


def _kantata_rows(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Kantata answers ``{"results": [{"key", "id"}], "<key>": {id: record}}``, in order."""
    table = body.get(key) or {}
    return [dict(table[r["id"]]) for r in body.get("results", []) if r.get("key") == key]


class SalesRep:
    """Opens an opportunity on one of the firm's accounts and closes it won."""

    def __init__(self, systems: Systems, rng: random.Random) -> None:
        self.crm = systems.crm
        self.api = systems.crm_api
        self.rng = rng

    def pick_account(self) -> dict[str, Any]:
        r = self.crm.call(
            "GET",
            f"{self.api}/query",
            params={"q": "SELECT Id, Name FROM Account ORDER BY Name LIMIT 200"},
            expect=(200,),
        )
        accounts = r.json().get("records") or []
        if not accounts:
            raise JourneyFailure(
                "the CRM has no Account to sell to", hint="was the firm loaded (--size)?"
            )
        return dict(self.rng.choice(accounts))

    def account(self, account_id: str) -> dict[str, Any]:
        r = self.crm.call("GET", f"{self.api}/sobjects/Account/{account_id}", expect=(200,))
        return dict(r.json())

    def change_order(self, opp: str, amount: float, close: str) -> None:
        """A change order approved after Closed Won: new amount and dates on the deal."""
        self.crm.call(
            "PATCH",
            f"{self.api}/sobjects/Opportunity/{opp}",
            json={"Amount": amount, "CloseDate": close},
            expect=(204,),
        )

    def win(self, account: dict[str, Any], name: str, model: str, amount: float, day: str) -> str:
        r = self.crm.call(
            "POST",
            f"{self.api}/sobjects/Opportunity/",
            json={
                "Name": name,
                "AccountId": account["Id"],
                "StageName": "Proposal/Price Quote",
                "CloseDate": day,
                "Amount": amount,
                "Billing_Model__c": model,
            },
            expect=(201,),
        )
        opp = str(r.json()["id"])
        self.crm.call(
            "PATCH",
            f"{self.api}/sobjects/Opportunity/{opp}",
            json={"StageName": "Closed Won"},
            expect=(204,),
        )
        return opp

    def grant_credit(self, opp: str, amount: float, reason: str, fields: tuple[str, str]) -> None:
        """A credit granted to the customer on a won deal: (amount field, reason field)."""
        self.crm.call(
            "PATCH",
            f"{self.api}/sobjects/Opportunity/{opp}",
            json={fields[0]: amount, fields[1]: reason},
            expect=(204,),
        )

    def new_account(self, name: str, country: str) -> dict[str, Any]:
        """A client the CRM has never had (billing country ISO code)."""
        r = self.crm.call(
            "POST",
            f"{self.api}/sobjects/Account/",
            json={"Name": name, "BillingCountry": country, "Type": "Customer"},
            expect=(201,),
        )
        return self.account(str(r.json()["id"]))

    def opportunity(self, opp: str) -> dict[str, Any]:
        return dict(
            self.crm.call("GET", f"{self.api}/sobjects/Opportunity/{opp}", expect=(200,)).json()
        )

    def amend(self, opp: str, amount: float) -> None:
        """A change order: the won deal's amount changes."""
        self.crm.call(
            "PATCH",
            f"{self.api}/sobjects/Opportunity/{opp}",
            json={"Amount": amount},
            expect=(204,),
        )


class Consultant:
    """Logs time on a workspace and submits the timesheet."""

    def __init__(self, systems: Systems, user_id: str) -> None:
        self.psa = systems.psa
        self.user_id = user_id

    def log_and_submit(self, ws: str, day: str, minutes: int) -> tuple[str, str]:
        """One time entry and its timesheet submission; returns (entry id, submission id)."""
        r = self.psa.call(
            "POST",
            "/time_entries.json",
            json={
                "time_entry": {
                    "workspace_id": ws,
                    "user_id": self.user_id,
                    "date_performed": day,
                    "time_in_minutes": minutes,
                }
            },
            expect=(200, 201),
        )
        entry = str(r.json()["results"][0]["id"])
        s = self.psa.call(
            "POST",
            "/timesheet_submissions.json",
            json={
                "timesheet_submission": {
                    "workspace_id": ws,
                    "line_item_ids": [entry],
                    "title": f"Week of {day}",
                }
            },
            expect=(200, 201),
        )
        return entry, str(s.json()["results"][0]["id"])

    def log_many(self, ws: str, days: list[str], minutes: list[int]) -> tuple[list[str], str]:
        """Several entries (one per day) under one timesheet submission."""
        entries: list[str] = []
        rows = [
            {"workspace_id": ws, "user_id": self.user_id, "date_performed": d, "time_in_minutes": m}
            for d, m in zip(days, minutes, strict=True)
        ]
        for i in range(0, len(rows), 100):  # Kantata creates up to 100 per request
            r = self.psa.call(
                "POST",
                "/time_entries.json",
                json={"time_entries": rows[i : i + 100]},
                expect=(200, 201),
            )
            entries += [str(x["id"]) for x in r.json()["results"]]
        s = self.psa.call(
            "POST",
            "/timesheet_submissions.json",
            json={
                "timesheet_submission": {
                    "workspace_id": ws,
                    "line_item_ids": entries,
                    "title": f"Timesheet to {days[-1]}",
                }
            },
            expect=(200, 201),
        )
        return entries, str(s.json()["results"][0]["id"])

    def expense(self, ws: str, day: str, cents: int, category: str, billable: bool) -> str:
        r = self.psa.call(
            "POST",
            "/expenses.json",
            json={
                "expense": {
                    "workspace_id": ws,
                    "user_id": self.user_id,
                    "date": day,
                    "category": category,
                    "amount_in_cents": cents,
                    "billable": billable,
                }
            },
            expect=(200, 201),
        )
        return str(r.json()["results"][0]["id"])


class ProjectManager:
    """Approves timesheets and completes milestones in the PSA."""

    def __init__(self, systems: Systems) -> None:
        self.psa = systems.psa

    def approve(self, submissions: list[str]) -> None:
        self.psa.call(
            "POST",
            "/timesheet_approvals.json",
            json={"resolution": {"submission_ids": submissions}},
            expect=(200, 201),
        )

    def staff(self, ws: str) -> list[dict[str, Any]]:
        r = self.psa.call(
            "GET", "/workspace_resources.json", params={"workspace_id": ws}, expect=(200,)
        )
        return _kantata_rows(r.json(), "workspace_resources")

    def milestones(self, ws: str) -> list[dict[str, Any]]:
        r = self.psa.call("GET", "/stories.json", params={"workspace_id": ws}, expect=(200,))
        stories = [
            s for s in _kantata_rows(r.json(), "stories") if s.get("story_type") == "milestone"
        ]
        return sorted(stories, key=lambda s: int(s["id"]))

    def complete(self, story_id: str) -> None:
        self.psa.call(
            "PUT",
            f"/stories/{story_id}.json",
            json={"story": {"state": "completed"}},
            expect=(200,),
        )

    def note(self, story_id: str, text: str) -> None:
        """Edit a story after the fact (a completion note): another story:updated event."""
        self.psa.call(
            "PUT", f"/stories/{story_id}.json", json={"story": {"description": text}}, expect=(200,)
        )

    def assignments(self, user_id: str) -> list[dict[str, Any]]:
        r = self.psa.call(
            "GET",
            "/assignments.json",
            params={"assignee_id": user_id, "current": "true"},
            expect=(200,),
        )
        return _kantata_rows(r.json(), "assignments")

    def user(self, user_id: str) -> dict[str, Any]:
        r = self.psa.call("GET", f"/users/{user_id}.json", expect=(200,))
        rows = _kantata_rows(r.json(), "users")
        return rows[0] if rows else {}


class Customer:
    """Pays an invoice, all of it or an instalment, the way the stack's ERP records it
    (NetSuite: a customerPayment; Business Central: a posted payment journal line).
    Takes the scene's ERP reader (``sc.erp``) or, as before, the scene's systems."""

    def __init__(self, erp: ErpReader | Systems) -> None:
        if isinstance(erp, Systems):
            from ._erp import erp_reader
            from ._mapping import load_mapping

            vendor = str(erp.erp_endpoint.get("vendor") or "")
            erp = erp_reader(
                erp.admin["erp"], erp.erp, load_mapping(vendor=vendor), erp.erp_endpoint
            )
        self.erp = erp

    def pay(self, invoice_id: str, amount: float | None = None) -> None:
        self.erp.pay(invoice_id, amount)


class BillingOffice:
    """Asks the stack for a time-and-materials billing run."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def billing_run(self, through: str, follow: bool = True) -> None:
        self.target.billing_run(through, follow=follow)


class HrPartner:
    """Hires and terminates workers in Workday (business processes an HR partner runs in
    the product; the simulator exposes them under its admin API)."""

    def __init__(self, systems: Systems) -> None:
        self.hcm = systems.admin["hcm"]

    def hire(self, worker: dict[str, Any]) -> str:
        """Runs the Hire business process; returns the new worker's WID."""
        r = self.hcm.wire.call(
            "POST", f"/tenants/{self.hcm.tenant}/workday/hire", json=worker, expect=(201,)
        )
        return str(r.json()["worker"]["id"])

    def change(self, employee_id: str, job: dict[str, Any]) -> None:
        """Runs the Job Change business process (organization, location, pay...)."""
        self.hcm.wire.call(
            "POST",
            f"/tenants/{self.hcm.tenant}/workday/change",
            json={"worker": employee_id, **job},
            expect=(200, 201),
        )

    def terminate(self, employee_id: str, day: str) -> None:
        self.hcm.wire.call(
            "POST",
            f"/tenants/{self.hcm.tenant}/workday/terminate",
            json={"worker": employee_id, "terminationDate": day},
            expect=(200, 201),
        )
