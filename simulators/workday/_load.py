"""Bulk load through the admin API: reference data and workers, without notifications.

Record types (any of the spellings): locations, jobProfiles, costCenters,
supervisoryOrganizations, jobChangeReasons, workers. Load reference data first;
managers may name workers loaded later (by employee id), so org charts load in any order.
"""

from __future__ import annotations

import re
from typing import Any

from simulators.engine import ConfigError, Tenant

from . import _history as history
from ._ids import is_wid, new_wid
from ._model import (
    COST_CENTER,
    HIRE,
    JOB_PROFILE,
    LOCATION,
    ORG,
    REASON,
    TERMINATION,
    WORKER,
    Directory,
)
from ._records import BusinessProcesses
from ._rules import JOB_INPUT, PERSON_FIELDS, check_fields, normalize_job
from ._wire import wd_datetime

_ALIASES = {
    "location": LOCATION,
    "jobprofile": JOB_PROFILE,
    "costcenter": COST_CENTER,
    "supervisoryorganization": ORG,
    "organization": ORG,
    "jobchangereason": REASON,
    "worker": WORKER,
}

_FIELDS = {
    LOCATION: {"id", "name", "code", "country", "countryName", "address", "timeZone"},
    JOB_PROFILE: {
        "id",
        "name",
        "code",
        "jobFamily",
        "managementLevel",
        "jobLevel",
        "inactive",
        "public",
        "criticalJob",
        "defaultJobTitle",
        "summary",
        "jobDescription",
    },
    COST_CENTER: {"id", "name", "code", "inactive"},
    ORG: {"id", "name", "code", "inactive", "manager", "superior"},
    REASON: {"id", "name", "isForEmployee", "isForContingentWorker", "managerReason"},
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def record_type(name: str) -> str:
    key = re.sub(r"[^a-z]", "", name.lower())
    key = key[:-1] if key.endswith("s") else key
    t = _ALIASES.get(key)
    if t is None:
        raise ConfigError(
            f"unknown Workday record type {name!r}",
            hint="use workers, supervisoryOrganizations, jobProfiles, locations, costCenters, "
            "jobChangeReasons",
        )
    return t


def _date(value: Any, field: str) -> str:
    if not isinstance(value, str) or not _DATE.match(value[:10]):
        raise ConfigError(f"{field} must be a date YYYY-MM-DD, got {value!r}")
    return value[:10]


class BulkLoader:
    def __init__(self, bp: BusinessProcesses) -> None:
        self.bp = bp

    def load(self, tenant: Tenant, type_name: str, records: list[dict[str, Any]]) -> list[str]:
        t = record_type(type_name)
        if not all(isinstance(r, dict) for r in records):
            raise ConfigError("every record must be a JSON object")
        d = Directory(tenant, tenant.clock.now().date().isoformat())
        events: list[tuple[str, str, dict[str, Any]]] = []
        rows = (
            self._workers(tenant, d, records, events)
            if t == WORKER
            else self._reference(tenant, d, t, records)
        )
        stamp = wd_datetime(tenant.clock.time())
        with tenant.store.transaction():
            tenant.store.bulk_insert(t, [(r["id"], stamp, r) for r in rows])
            if events:
                tenant.store.bulk_insert(history.EVENT, events)
        return [r["id"] for r in rows]

    def _reference(
        self, tenant: Tenant, d: Directory, t: str, records: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        codes: set[str] = set()
        for r in records:
            check_fields(r, _FIELDS[t], t)
            if not isinstance(r.get("name"), str) or not r["name"]:
                raise ConfigError(f"{t} needs a name")
            rec = dict(r)
            if rec.get("id") is not None and not is_wid(rec["id"]):
                raise ConfigError(f"{t} id must be a 32-hex Workday ID, got {rec['id']!r}")
            rec["id"] = rec.get("id") or new_wid(tenant, t)
            code = rec.get("code")
            if code is not None:
                if (
                    not isinstance(code, str)
                    or code in codes
                    or ((hit := d.find_by(t, "code", code)) is not None and hit["id"] != rec["id"])
                ):
                    raise ConfigError(f"{t} code {code!r} is not a string or is already used")
                codes.add(code)
            if t == ORG:
                for key in ("manager", "superior"):
                    if isinstance(rec.get(key), dict):
                        rec[key] = rec[key].get("id")
                if rec.get("superior") is not None:
                    sup = d.lookup(ORG, rec["superior"], "code", "name") or next(
                        (o for o in out if rec["superior"] in (o.get("code"), o["name"], o["id"])),
                        None,
                    )
                    if sup is None:
                        raise ConfigError(
                            f"superior organization {rec['superior']!r} is not loaded"
                        )
                    rec["superior"] = sup["id"]
            out.append(rec)
        return out

    def _workers(
        self,
        tenant: Tenant,
        d: Directory,
        records: list[dict[str, Any]],
        events: list[tuple[str, str, dict[str, Any]]],
    ) -> list[dict[str, Any]]:
        """The workers' records; their hire (and termination) events go to ``events``."""
        out = []
        seen: set[str] = set()
        allowed = PERSON_FIELDS | JOB_INPUT | {"hireDate", "terminationDate"}
        for r in records:
            check_fields(r, allowed, "worker")
            if r.get("employeeId") is not None and str(r["employeeId"]) in seen:
                raise ConfigError(f"employeeId {r['employeeId']!r} appears twice")
            rec = self.bp.new_worker(tenant, d, r)
            seen.add(rec["employeeId"])
            hire = _date(r.get("hireDate") or d.asof, "hireDate")
            job = {"jobType": "Regular", "timeType": "Full time", "fte": 1.0, **normalize_job(d, r)}
            timeline = [self.bp.entry(tenant, HIRE, hire, job)]
            if r.get("terminationDate"):
                term = _date(r["terminationDate"], "terminationDate")
                if term < hire:
                    raise ConfigError("terminationDate is before hireDate")
                timeline.append(self.bp.entry(tenant, TERMINATION, term, {}))
            events.extend(history.rows(rec["id"], timeline))
            out.append(rec)
        return out
