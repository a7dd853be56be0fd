"""Nothing lost: what the load saw acknowledged, against what the simulators stored and
what the stack delivered downstream, per journey.

* ``closed_won``: opportunities closed won (CRM 204) / Closed Won in the CRM / project
  ids written back by the stack;
* ``month_end``: time entries approved (PSA) / approved in the PSA / timeBill upserted
  in the ERP by the stack;
* ``change_order``: amounts changed (CRM 204) / the amount in the CRM / the workspace
  price in the PSA equal to it;
* ``billing_run``: billing runs accepted by the stack (202) / settled ``done``;
* ``hcm_wave``: hires and terminations accepted / in the HCM / a terminated
  consultant's PSA assignments ended by the stack (hires need nothing downstream).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from .clock import JourneyClock
from .context import LoadContext


@dataclass(slots=True)
class Count:
    journey: str
    acknowledged: int
    stored: int
    delivered: int
    missing: list[str] = field(default_factory=list)  # a few keys, for the report

    @property
    def lost(self) -> int:
        return self.acknowledged - min(self.stored, self.delivered)

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "acknowledged": self.acknowledged,
            "stored": self.stored,
            "delivered": self.delivered,
            "lost": self.lost,
            "missing": self.missing[:10],
        }


class Ledger:
    def __init__(self, ctx: LoadContext, clock: JourneyClock) -> None:
        self.ctx = ctx
        self.clock = clock
        self.http = requests.Session()
        self.http.verify = ctx.verify
        self.http.trust_env = False
        self.projects = {str(p["opportunity"]): p for p in ctx.pools.get("projects", [])}

    def _records(self, system: str, type_: str, **match: Any) -> list[dict[str, Any]]:
        ep = self.ctx.endpoints[system]
        tenant = ep.get("sim_tenant") or "default"
        r = self.http.get(
            f"{ep['admin_url']}/tenants/{tenant}/records/{type_}",
            params={**match, "limit": 1_000_000},
            headers=self.ctx.admin_headers(system),
            timeout=60,
        )
        r.raise_for_status()
        return list(r.json()["records"])

    def count(self, acks: dict[str, list[Any]]) -> list[Count]:
        out = []
        for journey, keys in sorted(acks.items()):
            fn = getattr(self, f"_{journey}", None)
            if fn is not None and keys:
                out.append(fn(keys))
        return out

    def _closed_won(self, keys: list[Any]) -> Count:
        acked = {str(k) for k in keys}
        won = {str(r["Id"]) for r in self._records("crm", "Opportunity", StageName="Closed Won")}
        set_up = acked & set(self.clock.setup_at)
        return Count(
            "closed_won", len(acked), len(acked & won), len(set_up), sorted(acked - set_up)
        )

    def _month_end(self, keys: list[Any]) -> Count:
        acked = {str(k) for k in keys}
        approved: set[str] = set()
        for p in self.projects.values():
            rows = self._records("psa", "time_entries", workspace_id=str(p["workspace"]))
            approved |= {str(r["id"]) for r in rows if r.get("approved")}
        billed = acked & set(self.clock.timebill_at)
        return Count(
            "month_end", len(acked), len(acked & approved), len(billed), sorted(acked - billed)
        )

    def _change_order(self, keys: list[Any]) -> Count:
        acked = {str(k) for k in keys}
        amounts = {
            str(r["Id"]): r.get("Amount")
            for r in self._records("crm", "Opportunity", StageName="Closed Won")
            if str(r["Id"]) in acked
        }
        delivered, missing = 0, []
        for opp, amount in amounts.items():
            ws = self.projects.get(opp, {}).get("workspace")
            rows = self._records("psa", "workspaces", id=str(ws)) if ws else []
            price = rows[0].get("price_in_cents") if rows else None
            if (
                amount is not None
                and price is not None
                and round(float(amount) * 100) == int(price)
            ):
                delivered += 1
            else:
                missing.append(opp)
        return Count("change_order", len(acked), len(amounts), delivered, missing)

    def _billing_run(self, keys: list[Any]) -> Count:
        url = self.ctx.target.get("task_url")
        done, missing = 0, []
        for task in keys:
            if not url:
                done += 1  # the stack offers no task to follow: the invoice latency judges it
                continue
            try:
                t = self.http.get(str(url).replace("{task}", str(task)).split("?")[0], timeout=10)
                ok = t.status_code == 200 and t.json().get("status") == "done"
            except (requests.RequestException, ValueError):
                ok = False
            done += ok
            if not ok:
                missing.append(str(task))
        return Count("billing_run", len(keys), len(keys), done, missing)

    def _hcm_wave(self, keys: list[Any]) -> Count:
        stored = delivered = 0
        missing = []
        for kind, employee, psa_user in keys:
            rows = self._records("hcm", "Worker", employeeId=str(employee))
            timeline = (
                self._records("hcm", "BusinessProcessEvent", worker=rows[0]["id"]) if rows else []
            )
            if kind == "hire":
                ok = bool(rows)
                stored += ok
                delivered += ok  # nothing downstream waits on a hire
            else:
                stored += any(e.get("type") == "Termination" for e in timeline)
                current = [
                    a
                    for a in self._records("psa", "assignments", assignee_id=str(psa_user))
                    if a.get("current")
                ]
                ok = not current
                delivered += ok
            if not ok:
                missing.append(f"{kind} {employee}")
        return Count("hcm_wave", len(keys), stored, delivered, missing)
