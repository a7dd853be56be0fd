"""Workday's business rules: who a process may run for, when, and what a job may hold.

``BusinessProcesses`` (``_records``) is built with a ``BusinessRules`` and asks it before
every write, so a refused process writes nothing; the REST jobChanges handler asks it about
the reason and organization it names. Refusals are ``ConfigError`` in the loading vocabulary
(the admin API's and bulk load's answers) or the vendor's ``invalid`` error on the REST API.
The input vocabulary (``JOB_INPUT``) is built from the tables ``normalize_job`` reads, so a
field it accepts is always a field it stores.
"""

from __future__ import annotations

import math
from typing import Any

from simulators.engine import ConfigError

from ._errors import invalid
from ._model import (
    COMP_CHANGE,
    COMP_FIELDS,
    COST_CENTER,
    HIRE,
    JOB_CHANGE,
    JOB_PROFILE,
    LOCATION,
    ORG,
    TERMINATION,
    WORKER,
    Directory,
)

PERSON_FIELDS = {"firstName", "lastName", "email", "phone", "workerType", "employeeId", "id"}
#: references of the loading vocabulary -> (the record type named, the job field stored)
_REFS = {
    "jobProfile": (JOB_PROFILE, "jobProfileId"),
    "supervisoryOrganization": (ORG, "supervisoryOrganizationId"),
    "location": (LOCATION, "locationId"),
    "costCenter": (COST_CENTER, "costCenterId"),
}
_TEXTS = ("businessTitle", "jobType", "timeType")
#: numeric job fields -> their bounds
_NUMBERS = {"costRate": (0.0, 1e9), "fte": (0.0, 1.0), "scheduledWeeklyHours": (0.0, 168.0)}
#: the job fields a hire, a change or a loaded worker may give
JOB_INPUT = {*_REFS, "manager", *_TEXTS, *_NUMBERS, "currency", "skills"}
WORKER_TYPES = ("Employee", "Contingent Worker")


def _num(value: Any, field: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{field} must be a number")
    if not lo <= value <= hi:
        raise ConfigError(f"{field} must lie between {lo:g} and {hi:g}")
    return float(value)


def text(value: Any, field: str, max_len: int = 255) -> str:
    """``value`` when it is a string of at most ``max_len`` characters, else ConfigError."""
    if not isinstance(value, str) or len(value) > max_len:
        raise ConfigError(f"{field} must be a string of at most {max_len} characters")
    return value


def normalize_job(d: Directory, body: dict[str, Any]) -> dict[str, Any]:
    """Job fields of a loading/admin request -> the history's stored form."""
    out: dict[str, Any] = {}
    for key, (type_, stored) in _REFS.items():
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
        out["managerId"] = text(m, "manager", 64)
    for key in _TEXTS:
        if body.get(key) is not None:
            out[key] = text(body[key], key)
    for key, (lo, hi) in _NUMBERS.items():
        if body.get(key) is not None:
            out[key] = _num(body[key], key, lo, hi)
    if body.get("currency") is not None:
        cur = text(body["currency"], "currency", 3)
        if len(cur) != 3 or not cur.isalpha():
            raise ConfigError("currency must be a three-letter ISO 4217 code")
        out["currency"] = cur.upper()
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


class BusinessRules:
    """The checks a process passes before it is written."""

    def __init__(self, terminated_after: bool = True) -> None:
        #: a worker is still active on the termination date itself (Workday's default)
        self.terminated_after = terminated_after

    def name(self, body: dict[str, Any]) -> tuple[str, str]:
        """A new worker's first and last name (the last one required)."""
        first = text(body.get("firstName", ""), "firstName")
        last = text(body.get("lastName", ""), "lastName")
        if not last:
            raise ConfigError("lastName is required")
        return first, last

    def employee_id(self, d: Directory, value: Any) -> str:
        """A new worker's employee id: a string no worker of the tenant holds yet."""
        emp = text(value, "employeeId", 64)
        if not emp or d.find_by(WORKER, "employeeId", emp) is not None:
            raise ConfigError(f"employeeId {emp!r} is empty or already used")
        return emp

    def worker_type(self, body: dict[str, Any]) -> str:
        wtype = body.get("workerType") or "Employee"
        if wtype not in WORKER_TYPES:
            raise ConfigError("workerType must be 'Employee' or 'Contingent Worker'")
        return str(wtype)

    def check_employed(
        self, rec: dict[str, Any], employment: list[dict[str, Any]], effective: str
    ) -> None:
        """The worker is employed on ``effective`` (``employment``: its hires and terminations,
        in the order they apply): what ``resolve(...).active`` says, in one pass over them."""
        first: str | None = None
        hire: str | None = None
        term: str | None = None
        for e in employment:
            kind, on = e["type"], e["effective"]
            if kind == HIRE:
                if first is None or on < first:
                    first = on
                if on <= effective:
                    hire, term = on, None
            elif kind == TERMINATION and on <= effective:
                term = on
        if first is None or effective < first:
            raise ConfigError("The date entered cannot be earlier than the earliest hire date.")
        if hire is None or (
            term is not None and (effective > term if self.terminated_after else effective >= term)
        ):
            raise ConfigError("Worker is terminated and does not have a future hire.")

    def check_termination(
        self, rec: dict[str, Any], employment: list[dict[str, Any]], effective: str
    ) -> None:
        """Employed on ``effective`` and no termination already on or after it."""
        self.check_employed(rec, employment, effective)
        if any(e["type"] == TERMINATION and e["effective"] >= effective for e in employment):
            raise ConfigError("The worker already has a termination on or after this date.")

    def change_type(self, changes: dict[str, Any], bp_type: str | None) -> str:
        """The process a change is: compensation when it touches only pay fields."""
        if not changes:
            raise ConfigError("the change has no job or compensation data")
        if bp_type is not None:
            return bp_type
        return COMP_CHANGE if set(changes) <= COMP_FIELDS else JOB_CHANGE

    def check_job_change(
        self, rec: dict[str, Any], reason: dict[str, Any], org: dict[str, Any]
    ) -> None:
        """REST ChangeJobInput: an active organization and a reason for the worker's type."""
        if org.get("inactive"):
            raise invalid("Supervisory Organization must be active.", "supervisoryOrganization")
        wtype = rec.get("workerType") or "Employee"
        if (wtype == "Employee" and reason.get("isForEmployee") is False) or (
            wtype != "Employee" and reason.get("isForContingentWorker") is False
        ):
            raise invalid(
                "Reason is not valid for the worker type (Employee or Contingent Worker).",
                "jobChangeReason",
            )
