"""Business processes that change workers: hire, job change, compensation change, termination.

Each completed process keeps one dated event record (``_history``) and writes the worker
once with ``origin="bp:<event record id>"``; the dialect's change_event turns that write
into the outbound notification. Input here uses the simulator's loading vocabulary
(references by WID, code or name; see ``normalize_job``); the REST jobChanges handler
maps Workday's ChangeJobInput onto the same calls.
"""

from __future__ import annotations

import math
from typing import Any

from simulators.engine import ConfigError, Tenant

from . import _history as history
from ._ids import new_wid
from ._model import COMP_FIELDS, COST_CENTER, JOB_PROFILE, LOCATION, ORG, WORKER, Directory, resolve
from ._wire import wd_datetime

HIRE = "Hire"
JOB_CHANGE = "Job Change"
COMP_CHANGE = "Request Compensation Change"
TERMINATION = "Termination"
BP_TYPES = (HIRE, JOB_CHANGE, COMP_CHANGE, TERMINATION)

PERSON_FIELDS = {"firstName", "lastName", "email", "phone", "workerType", "employeeId", "id"}
JOB_INPUT = {
    "businessTitle",
    "jobProfile",
    "supervisoryOrganization",
    "location",
    "costCenter",
    "manager",
    "jobType",
    "timeType",
    "costRate",
    "currency",
    "fte",
    "scheduledWeeklyHours",
    "skills",
}


def _num(value: Any, field: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{field} must be a number")
    if not lo <= value <= hi:
        raise ConfigError(f"{field} must lie between {lo:g} and {hi:g}")
    return float(value)


def _text(value: Any, field: str, max_len: int = 255) -> str:
    if not isinstance(value, str) or len(value) > max_len:
        raise ConfigError(f"{field} must be a string of at most {max_len} characters")
    return value


def normalize_job(d: Directory, body: dict[str, Any]) -> dict[str, Any]:
    """Job fields of a loading/admin request -> the timeline's stored form."""
    out: dict[str, Any] = {}
    refs = {
        "jobProfile": (JOB_PROFILE, "jobProfileId"),
        "supervisoryOrganization": (ORG, "supervisoryOrganizationId"),
        "location": (LOCATION, "locationId"),
        "costCenter": (COST_CENTER, "costCenterId"),
    }
    for key, (type_, stored) in refs.items():
        if key in body and body[key] is not None:
            rec = d.lookup(type_, body[key], "code", "name")
            if rec is None:
                raise ConfigError(
                    f"{key}: no {type_} {body[key]!r}",
                    hint=f"load it first through /__admin/tenants/{{t}}/records/{type_}",
                )
            out[stored] = rec["id"]
    if body.get("manager") is not None:
        m = body["manager"]
        m = m.get("id") if isinstance(m, dict) else m
        out["managerId"] = _text(m, "manager", 64)
    for key in ("businessTitle", "jobType", "timeType"):
        if body.get(key) is not None:
            out[key] = _text(body[key], key)
    if body.get("costRate") is not None:
        out["costRate"] = _num(body["costRate"], "costRate", 0, 1e9)
    if body.get("currency") is not None:
        cur = _text(body["currency"], "currency", 3)
        if len(cur) != 3 or not cur.isalpha():
            raise ConfigError("currency must be a three-letter ISO 4217 code")
        out["currency"] = cur.upper()
    if body.get("fte") is not None:
        out["fte"] = _num(body["fte"], "fte", 0.0, 1.0)
    if body.get("scheduledWeeklyHours") is not None:
        out["scheduledWeeklyHours"] = _num(
            body["scheduledWeeklyHours"], "scheduledWeeklyHours", 0, 168
        )
    if body.get("skills") is not None:
        skills = body["skills"]
        if not isinstance(skills, list) or not all(
            isinstance(s, str) and len(s) <= 255 for s in skills
        ):
            raise ConfigError("skills must be a list of strings")
        out["skills"] = list(skills)
    return out


def check_fields(body: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ConfigError(f"unknown {what} fields {unknown}", hint=f"allowed: {sorted(allowed)}")


class BusinessProcesses:
    """Runs the processes against one tenant's store."""

    def __init__(self, terminated_after: bool = True) -> None:
        self.terminated_after = terminated_after

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
            "completedOn": wd_datetime(tenant.clock.time()),
            "changes": changes,
        }
        if reason:
            e["reason"] = reason
        return e

    def new_worker(self, tenant: Tenant, d: Directory, body: dict[str, Any]) -> dict[str, Any]:
        """A worker record without history, from person fields; validates identity fields."""
        first = _text(body.get("firstName", ""), "firstName")
        last = _text(body.get("lastName", ""), "lastName")
        if not last:
            raise ConfigError("lastName is required")
        emp = body.get("employeeId")
        if emp is None:
            emp = str(21000 + tenant.store.next_sequence("wd.employeeId"))
        emp = _text(emp, "employeeId", 64)
        if not emp or d.find_by(WORKER, "employeeId", emp) is not None:
            raise ConfigError(f"employeeId {emp!r} is empty or already used")
        wid = body.get("id") or new_wid(tenant, "worker")
        wtype = body.get("workerType") or "Employee"
        if wtype not in ("Employee", "Contingent Worker"):
            raise ConfigError("workerType must be 'Employee' or 'Contingent Worker'")
        return {
            "id": _text(wid, "id", 64),
            "employeeId": emp,
            "personId": new_wid(tenant, "person"),
            "jobId": new_wid(tenant, "position"),
            "firstName": first,
            "lastName": last,
            "email": _text(body.get("email") or "", "email"),
            "phone": _text(body.get("phone") or "", "phone", 64),
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
        now = tenant.clock.time()
        store = tenant.store
        with store.transaction():
            key = history.add(store, rec["id"], e)
            store.insert(WORKER, rec["id"], rec, e["completedOn"], at=now, origin=f"bp:{key}")
        return e

    def _write(self, tenant: Tenant, rec: dict[str, Any], e: dict[str, Any]) -> None:
        """Keep event ``e`` and write the worker once, the write its notification follows."""
        now = tenant.clock.time()
        store = tenant.store
        with store.transaction():
            key = history.add(store, rec["id"], e)
            store.update(
                WORKER,
                rec["id"],
                rec,
                rec,
                e["completedOn"],
                changed_fields=[],
                at=now,
                origin=f"bp:{key}",
            )

    def _employment(
        self, tenant: Tenant, rec: dict[str, Any], employment: list[dict[str, Any]] | None
    ) -> list[dict[str, Any]]:
        if employment is None:
            return history.events(tenant.store, rec["id"], employment_only=True)
        return employment

    def _check_employed(
        self, rec: dict[str, Any], employment: list[dict[str, Any]], effective: str
    ) -> None:
        hires = [e["effective"] for e in employment if e["type"] == HIRE]
        if not hires or effective < min(hires):
            raise ConfigError("The date entered cannot be earlier than the earliest hire date.")
        v = resolve(rec, employment, effective, self.terminated_after)
        if not v.active:
            raise ConfigError("Worker is terminated and does not have a future hire.")

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
        if not changes:
            raise ConfigError("the change has no job or compensation data")
        self._check_employed(rec, self._employment(tenant, rec, employment), effective)
        if bp_type is None:
            bp_type = COMP_CHANGE if set(changes) <= COMP_FIELDS else JOB_CHANGE
        e = self.entry(tenant, bp_type, effective, changes, reason)
        self._write(tenant, rec, e)
        return e

    def terminate(
        self,
        tenant: Tenant,
        rec: dict[str, Any],
        effective: str,
        reason: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        employment = self._employment(tenant, rec, None)
        self._check_employed(rec, employment, effective)
        if any(e["type"] == TERMINATION and e["effective"] >= effective for e in employment):
            raise ConfigError("The worker already has a termination on or after this date.")
        e = self.entry(tenant, TERMINATION, effective, {}, reason)
        self._write(tenant, rec, e)
        return e
