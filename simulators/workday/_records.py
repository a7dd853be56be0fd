"""Business processes that change workers: hire, job change, compensation change, termination.

Each completed process keeps one dated event record (``_history``) and writes the worker
once with ``origin="bp:<event record id>"``; the dialect's change_event turns that write
into the outbound notification. The checks a process passes are ``_rules.BusinessRules``,
given at construction. Input here uses the simulator's loading vocabulary (references by
WID, code or name; see ``_rules.normalize_job``); the REST jobChanges handler maps
Workday's ChangeJobInput onto the same calls.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant, UtcStamps

from . import _history as history
from ._ids import new_wid
from ._model import HIRE, TERMINATION, WORKER, Directory
from ._rules import BusinessRules, text


class BusinessProcesses:
    """Runs the processes against one tenant's store, each after its rules."""

    def __init__(self, rules: BusinessRules) -> None:
        self.rules = rules
        self.stamps = UtcStamps()

    def entry(
        self,
        tenant: Tenant,
        bp_type: str,
        effective: str,
        changes: dict[str, Any],
        reason: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        e: dict[str, Any] = {
            "seq": tenant.store.next_sequence("wd.timeline"),
            "effective": effective,
            "type": bp_type,
            "eventId": new_wid(tenant, "event"),
            "completedOn": self.completed_on(tenant.clock.time()),
            "changes": changes,
        }
        if reason:
            e["reason"] = reason
        return e

    def completed_on(self, ts: float) -> str:
        """``wd_datetime(ts)``, the second's text formatted once per second."""
        second, us = self.stamps.parts(ts)
        return f"{second}.{us // 1000:03d}Z"

    def new_worker(self, tenant: Tenant, d: Directory, body: dict[str, Any]) -> dict[str, Any]:
        """A worker record without history, from person fields; validates identity fields."""
        first, last = self.rules.name(body)
        emp = body.get("employeeId")
        if emp is None:
            emp = str(21000 + tenant.store.next_sequence("wd.employeeId"))
        emp = self.rules.employee_id(d, emp)
        wid = body.get("id") or new_wid(tenant, "worker")
        wtype = self.rules.worker_type(body)
        return {
            "id": text(wid, "id", 64),
            "employeeId": emp,
            "personId": new_wid(tenant, "person"),
            "jobId": new_wid(tenant, "position"),
            "firstName": first,
            "lastName": last,
            "email": text(body.get("email") or "", "email"),
            "phone": text(body.get("phone") or "", "phone", 64),
            "workerType": wtype,
        }

    # -- processes -------------------------------------------------------------------

    def hire(
        self,
        tenant: Tenant,
        rec: dict[str, Any],
        effective: str,
        job: dict[str, Any],
        reason: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        job = {"jobType": "Regular", "timeType": "Full time", "fte": 1.0, **job}
        e = self.entry(tenant, HIRE, effective, job, reason)
        self._write(tenant, rec, e, new=True)
        return e

    def _write(
        self, tenant: Tenant, rec: dict[str, Any], e: dict[str, Any], new: bool = False
    ) -> None:
        """Keep event ``e`` and write the worker once (inserted when ``new``, else re-stamped:
        its stored JSON does not change), all or nothing: the worker's write is the change its
        notification follows."""
        now, stamp, store = tenant.clock.time(), e["completedOn"], tenant.store
        key, stored = history.stored(rec["id"], e)
        origin = "bp:" + key
        if not new:
            store.insert_restamping(
                history.EVENT, key, stored, stamp, (WORKER, rec["id"], rec), at=now, origin=origin
            )
            return
        with store.transaction():
            store.insert(history.EVENT, key, stored, stamp, emit=False)
            store.insert(WORKER, rec["id"], rec, stamp, at=now, origin=origin)

    def _employment(
        self, tenant: Tenant, rec: dict[str, Any], employment: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        if employment is None:
            return history.events(tenant.store, rec["id"], employment_only=True)
        return employment

    def change(
        self,
        tenant: Tenant,
        rec: dict[str, Any],
        effective: str,
        changes: dict[str, Any],
        reason: dict[str, Any] | None = None,
        bp_type: str | None = None,
        employment: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A job or compensation change; ``employment``: the worker's hires and terminations
        when the caller has read them already."""
        bp_type = self.rules.change_type(changes, bp_type)
        employment = self._employment(tenant, rec, employment)
        self.rules.check_employed(rec, employment, effective)
        e = self.entry(tenant, bp_type, effective, changes, reason)
        self._write(tenant, rec, e)
        if bp_type not in history.EMPLOYMENT:  # the row's JSON and employment are as read
            history.keep_employed(tenant.store, rec, employment)
        return e

    def terminate(
        self,
        tenant: Tenant,
        rec: dict[str, Any],
        effective: str,
        reason: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self.rules.check_termination(rec, self._employment(tenant, rec, None), effective)
        e = self.entry(tenant, TERMINATION, effective, {}, reason)
        self._write(tenant, rec, e)
        return e
