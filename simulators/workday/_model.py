"""The tenant's HCM data and its effective-dated view.

Workers keep a history of business-process events (hire, job change, compensation
change, termination; records of their own, see ``_history``), each with an effective date.
Nothing is overwritten: reading a worker resolves the events as of a date (the tenant
clock's today by default), so a future-dated change shows only once the clock reaches its
effective date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from simulators.engine import RecordStore, Tenant, json_path, type_literal

from . import _history as history
from ._ids import fixed_wid, is_wid

WORKER = history.WORKER
ORG = "SupervisoryOrganization"
JOB_PROFILE = "JobProfile"
LOCATION = "Location"
COST_CENTER = "CostCenter"
REASON = "JobChangeReason"
TYPES = (WORKER, ORG, JOB_PROFILE, LOCATION, COST_CENTER, REASON)
REFERENCE_TYPES = TYPES[1:]

#: the read cache's key for a reference record's stored JSON (dropped by any write of it)
ROW_KEY = "workday.row"


def reference_record(
    store: RecordStore, type_: str, id_: str, *, shared: bool = False
) -> dict[str, Any] | None:
    """``store.get`` of a record that is read far more than written (a reason, an
    organization), kept in the store's read cache (its JSON and its parse) so a process
    reads no row for it; each call returns a fresh dict, or with ``shared`` the cached one,
    for a caller that only reads it."""
    hit: tuple[str, dict[str, Any]] | None = store.read_cache.get(type_, id_, ROW_KEY)
    if hit is None:
        row = store.get_raw(type_, id_)
        if row is None or row[1]:
            return None
        hit = (row[0], orjson.loads(row[0]))
        store.read_cache.put(type_, id_, ROW_KEY, hit)
    if shared:
        return hit[1]
    rec: dict[str, Any] = orjson.loads(hit[0])
    return rec


#: job data a timeline entry may change
JOB_FIELDS = (
    "businessTitle",
    "jobProfileId",
    "supervisoryOrganizationId",
    "locationId",
    "costCenterId",
    "jobType",
    "timeType",
    "managerId",
    "costRate",
    "currency",
    "fte",
    "scheduledWeeklyHours",
    "skills",
)
COMP_FIELDS = frozenset({"costRate", "currency", "fte", "scheduledWeeklyHours"})

#: the business processes the simulator runs
HIRE = "Hire"
JOB_CHANGE = "Job Change"
COMP_CHANGE = "Request Compensation Change"
TERMINATION = "Termination"
BP_TYPES = (HIRE, JOB_CHANGE, COMP_CHANGE, TERMINATION)

#: organization types the simulator knows, (key, descriptor)
ORG_TYPES = (("supervisory", "Supervisory"), ("costcenter", "Cost Center"))


def org_type_wid(key: str) -> str:
    return fixed_wid("organizationType", key)


@dataclass(slots=True)
class WorkerView:
    """A worker resolved as of one date."""

    rec: dict[str, Any]
    job: dict[str, Any]
    hire_date: str | None
    termination_date: str | None
    active: bool
    #: the worker's business-process events in the order they apply
    events: list[dict[str, Any]]

    @property
    def id(self) -> str:
        return str(self.rec["id"])

    @property
    def name(self) -> str:
        return worker_name(self.rec)


def _employee_order(rec: dict[str, Any]) -> tuple[int, str, str]:
    """Workers listed in employee id order (shorter ids first), then by WID."""
    eid = str(rec.get("employeeId", ""))
    return (len(eid), eid, str(rec["id"]))


def worker_name(rec: dict[str, Any]) -> str:
    """The worker's descriptor: first and last name."""
    return f"{rec.get('firstName', '')} {rec.get('lastName', '')}".strip()


def resolve(
    rec: dict[str, Any], events: list[dict[str, Any]], asof: str, terminated_after: bool = True
) -> WorkerView:
    """Apply the events (in ``history.order``) effective on or before ``asof`` (YYYY-MM-DD)."""
    job: dict[str, Any] = {}
    hire: str | None = None
    term: str | None = None
    for e in events:
        if e["effective"] > asof:
            continue
        if e["type"] == HIRE:
            hire, term = e["effective"], None
        elif e["type"] == TERMINATION:
            term = e["effective"]
        job.update(e.get("changes") or {})
    active = hire is not None and (
        term is None or (asof <= term if terminated_after else asof < term)
    )
    return WorkerView(rec, job, hire, term, active, events)


class Directory:
    """Read access to one tenant's HCM records, cached for the length of one request."""

    def __init__(self, tenant: Tenant, asof: str, terminated_after: bool = True) -> None:
        self.tenant = tenant
        self.store = tenant.store
        self.asof = asof
        self.terminated_after = terminated_after
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._views: dict[str, WorkerView] | None = None
        self._by_employee_id: dict[str, str | None] | None = None
        self._by_key: dict[tuple[str, str], dict[Any, str]] = {}

    # -- records ---------------------------------------------------------------------

    def all(self, type_: str) -> dict[str, dict[str, Any]]:
        recs = self._records.get(type_)
        if recs is None:
            recs = self._records[type_] = {r["id"]: r for r in self.store.iter_type(type_)}
        return recs

    def get(self, type_: str, id_: str | None) -> dict[str, Any] | None:
        if not id_:
            return None
        if type_ in self._records:
            return self._records[type_].get(id_)
        if type_ == WORKER:  # written by every process: no gain in caching its row
            return self.store.get(type_, id_)
        return reference_record(self.store, type_, id_)

    def find_by(self, type_: str, field: str, value: str) -> dict[str, Any] | None:
        if type_ == WORKER:  # through the employee id index
            ids = self.store.find_ids(type_, field, value)
            return self.get(type_, ids[0]) if ids else None
        found = self._keys(type_, field).get(value)
        return self.get(type_, found) if found is not None else None

    def _keys(self, type_: str, field: str) -> dict[Any, str]:
        """A reference type's records by one field (its code, its name), from one pass
        over them: the first written wins, as an index on the field would order them.

        Reference records are few and looked up by code seldom (by WID far more often), so
        no index is kept for them: every insert into the store would evaluate its
        condition, a job change's event included.
        """
        keys = self._by_key.get((type_, field))
        if keys is None:
            keys = {}
            rows = self.store.conn.execute(
                f"SELECT id, {json_path(field)} FROM records WHERE type = {type_literal(type_)}"
                " AND deleted = 0 ORDER BY rowid"
            )
            for id_, key in rows:
                if key is not None and key not in keys:
                    keys[key] = id_
            self._by_key[(type_, field)] = keys
        return keys

    def lookup(self, type_: str, value: Any, *alt_fields: str) -> dict[str, Any] | None:
        """An instance by WID, by ``{field}={value}`` reference id, or by an alternative key."""
        if isinstance(value, dict):
            value = value.get("id")
        if not isinstance(value, str) or not value:
            return None
        if is_wid(value):
            return self.get(type_, value)
        if "=" in value:
            value = value.split("=", 1)[1]
        for f in alt_fields:
            hit = self.find_by(type_, f, value)
            if hit is not None:
                return hit
        return None

    def reference(self, type_: str, value: str) -> dict[str, Any] | None:
        """``lookup(type_, value, "code")`` for a caller that only reads the record: one
        named by WID is the read cache's parse, shared rather than parsed again."""
        if type_ != WORKER and type_ not in self._records and is_wid(value):
            return reference_record(self.store, type_, value, shared=True)
        return self.lookup(type_, value, "code")

    def worker_record(self, value: Any) -> dict[str, Any] | None:
        return self.lookup(WORKER, value, "employeeId")

    # -- workers as of the directory's date ----------------------------------------

    def view(self, rec: dict[str, Any]) -> WorkerView:
        if self._views is not None and rec["id"] in self._views:
            return self._views[rec["id"]]
        return resolve(rec, history.events(self.store, rec["id"]), self.asof, self.terminated_after)

    def employed_worker(self, value: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """``worker_record(value)`` and its ``employment``, by WID in one statement."""
        if isinstance(value, str) and is_wid(value) and WORKER not in self._records:
            return history.worker_and_employment(self.store, value)
        rec = self.worker_record(value)
        return rec, (self.employment(rec) if rec is not None else [])

    def employment(self, rec: dict[str, Any]) -> list[dict[str, Any]]:
        """The worker's hires and terminations (what a new process checks), in order."""
        return history.events(self.store, rec["id"], employment_only=True)

    def views(self) -> dict[str, WorkerView]:
        """Every worker resolved as of the date, in employee id order."""
        if self._views is None:
            recs = sorted(self.all(WORKER).values(), key=_employee_order)
            found = history.all_events(self.store)
            self._views = {
                r["id"]: resolve(r, found.get(r["id"], []), self.asof, self.terminated_after)
                for r in recs
            }
        return self._views

    def worker_view(self, wid: str | None) -> WorkerView | None:
        if not wid:
            return None
        if self._views is not None:
            return self._views.get(wid)
        rec = self.get(WORKER, wid)
        return self.view(rec) if rec else None

    def active(self) -> list[WorkerView]:
        return [v for v in self.views().values() if v.active]

    def active_named(self, terms: list[str]) -> list[WorkerView]:
        """``active()`` narrowed to workers whose name holds any of ``terms`` (lower case), in
        the same order; only those are resolved, so a search does not resolve every worker."""
        if self._views is not None:
            return [v for v in self.active() if any(t in v.name.lower() for t in terms)]
        if WORKER in self._records:
            candidates: Iterable[dict[str, Any]] = self.all(WORKER).values()
        else:
            candidates = self._named(terms)
        recs = [r for r in candidates if any(t in worker_name(r).lower() for t in terms)]
        recs.sort(key=_employee_order)
        return [v for v in (self.view(r) for r in recs) if v.active]

    def _named(self, terms: list[str]) -> list[dict[str, Any]]:
        """The workers whose name may hold one of ``terms``, found without parsing the
        others: a record whose JSON is ASCII with no escape spells its name verbatim, so
        unless its lower-cased JSON holds a term its name does not; any other is parsed."""
        rows = self.store.conn.execute(
            f"SELECT data FROM records WHERE type = '{WORKER}' AND deleted = 0 ORDER BY id"
        )
        load = self.store.load
        out = []
        for (raw,) in rows:
            if not raw.isascii() or "\\" in raw:
                out.append(load(WORKER, raw))
                continue
            low = raw.lower()
            for t in terms:
                if t in low:
                    out.append(load(WORKER, raw))
                    break
        return out

    def worker_wid(self, ref: Any) -> str | None:
        """The WID of a manager reference stored as a WID or an employee id."""
        if isinstance(ref, dict):
            ref = ref.get("id")
        if not isinstance(ref, str) or not ref:
            return None
        if is_wid(ref):
            if WORKER in self._records:
                return ref if ref in self._records[WORKER] else None
            return ref if self.store.is_deleted(WORKER, ref) is False else None
        # by employee id, through the indexed lookup rather than a scan of every worker
        if self._by_employee_id is None:
            self._by_employee_id = {}
        eid = ref.split("=", 1)[-1]
        if eid not in self._by_employee_id:
            hit = self.find_by(WORKER, "employeeId", eid)
            self._by_employee_id[eid] = hit["id"] if hit else None
        return self._by_employee_id[eid]

    def manager_of(self, v: WorkerView) -> WorkerView | None:
        """The explicit manager, else the manager of the worker's organization (or its superior's)."""
        explicit = self.worker_wid(v.job.get("managerId"))
        if explicit and explicit != v.id:
            return self.worker_view(explicit)
        org = self.get(ORG, v.job.get("supervisoryOrganizationId"))
        for _ in range(32):
            if org is None:
                return None
            mgr = self.worker_wid(org.get("manager"))
            if mgr and mgr != v.id:
                return self.worker_view(mgr)
            org = self.get(ORG, org.get("superior"))
        return None

    def managed_orgs(self, wid: str) -> list[dict[str, Any]]:
        return [o for o in self.all(ORG).values() if self.worker_wid(o.get("manager")) == wid]

    def direct_reports(self, wid: str) -> list[WorkerView]:
        out = []
        for v in self.active():
            m = self.manager_of(v)
            if m is not None and m.id == wid:
                out.append(v)
        return out

    def org_manager(self, org: dict[str, Any]) -> WorkerView | None:
        return self.worker_view(self.worker_wid(org.get("manager")))

    def org_members(self, org_id: str) -> list[WorkerView]:
        return [v for v in self.active() if v.job.get("supervisoryOrganizationId") == org_id]
