"""POST /workers/{id}/jobChanges (ChangeJobInput): the Job Change business process.

The commonest write an integration sends. It is ``BusinessProcesses.change`` with the REST
input's checks, run in one pass: the clock is read once (today, the event's completion and
the change's time), the worker and its employment come from the read cache, references
named by WID from the reference cache, and the event's stored JSON and the answer are
spelt from pieces serialised once, so a job change makes one SQL statement and no
intermediate views. The answers are those of the general path, field for field and error
for error.

An integration sends the same body to many workers. A body whose references are WIDs is
remembered with what checking it found (a ``Plan``: its references, effective date, the
event's changes as JSON and the answer's pieces); the same bytes again skip the parse and
the body's checks for as long as the referenced records are the ones the plan was made
from (the read cache's entries, which every write of them drops, are the very objects the
plan holds). Only the worker's own checks run per request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from simulators.engine import ConfigError, Request, Response, Tenant

from . import _history as history
from ._errors import invalid, not_found
from ._ids import is_wid, new_wid
from ._model import (
    COST_CENTER,
    HIRE,
    JOB_CHANGE,
    JOB_PROFILE,
    LOCATION,
    ORG,
    REASON,
    ROW_KEY,
    WORKER,
    Directory,
    reference_record,
)
from ._wire import JSON_CT, parse_date, ref

if TYPE_CHECKING:
    from ._records import BusinessProcesses
    from ._settings import WorkdaySettings

FIELDS = frozenset(
    {
        "supervisoryOrganization",
        "jobChangeReason",
        "effective",
        "moveManagersTeam",
        "proposedOrganizations",
        "id",
        "descriptor",
        "href",
        # simulator extensions: the Staffing service's job change sub-resources, inline
        "jobProfile",
        "location",
        "businessTitle",
    }
)
#: the fields a body may have to be planned: the others name references by code or
#: change more of the job, and take the general path every time
PLANNED = frozenset(
    {
        "supervisoryOrganization",
        "jobChangeReason",
        "effective",
        "moveManagersTeam",
        "id",
        "descriptor",
        "href",
        "businessTitle",
    }
)
#: bodies remembered per tenant, workers' descriptors (then forgotten all at once), and
#: the largest body remembered (a body of ignored text is not kept)
MAX_PLANS = 64
MAX_PLANNED_BODY = 4096
MAX_DESCRIPTORS = 20_000
_WRONG_TYPE = "Reason is not valid for the worker type (Employee or Contingent Worker)."
#: milliseconds as the three digits a completion time shows
_MS = tuple(f"{n:03d}" for n in range(1000))


def _hired_by(employment: list[dict[str, Any]], day: str) -> bool:
    """A hire effective on or before ``day`` (``resolve(...).hire_date is not None``)."""
    for e in employment:  # noqa: SIM110 - a loop, not a generator, on the hot path
        if e["type"] == HIRE and e["effective"] <= day:
            return True
    return False


@dataclass(slots=True)
class Plan:
    """A checked body: what the general path found, to apply again to another worker."""

    #: the read cache's entries of the reason and the organization (identity checked)
    reason_hit: tuple[str, dict[str, Any]]
    org_hit: tuple[str, dict[str, Any]]
    reason_id: str
    org_id: str
    #: the body's effective date (None: today)
    effective: str | None
    #: the reason may be used for an employee, for a contingent worker
    for_employee: bool
    for_contingent: bool
    #: the stored event's JSON from its changes to the worker key: '"changes":...,"worker":'
    stored_tail: str
    #: the answer's JSON after "effective", by the Common API's base URL
    answers: dict[str, bytes] = field(default_factory=dict)

    def holds(self, cache: Any) -> bool:
        """The references are still the records the plan was made from."""
        return (
            cache.get(REASON, self.reason_id, ROW_KEY) is self.reason_hit
            and cache.get(ORG, self.org_id, ROW_KEY) is self.org_hit
        )


class JobChanges:
    """The REST job change of one simulator (its processes and settings)."""

    def __init__(self, bp: BusinessProcesses, settings: WorkdaySettings) -> None:
        self.bp = bp
        self.s = settings

    def _directory(self, t: Tenant, today: str) -> Directory:
        return Directory(t, today, self.s.terminated_after_termination_date)

    def _worker(
        self, t: Tenant, raw: str, today: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]], bool]:
        """The worker and its hires and terminations, 404 unless hired by ``today``; and
        whether the pair came from the read cache."""
        # the cache keeps pairs under WIDs only (``history.keep_employed``): a hit is one
        pair = t.store.read_cache.get(WORKER, raw, history.EMPLOYED_KEY)
        if pair is not None:
            rec, employment = pair
        else:
            rec, employment = self._directory(t, today).employed_worker(raw)
        if rec is None or not _hired_by(employment, today):
            raise not_found(f"No worker with id {raw[:64]}")
        return rec, employment, pair is not None

    def _ref(
        self, t: Tenant, today: str, body: dict[str, Any], field: str, type_: str, missing: str
    ) -> dict[str, Any]:
        """The record a reference field names (by WID, or by code), read only; 400 else."""
        val = body.get(field)
        if val is None:
            raise invalid(missing or f"{field} is required", field)
        if not isinstance(val, dict) or not isinstance(val.get("id"), str):
            raise invalid(f"{field} must be an object with an id", field)
        vid: str = val["id"]
        rec: dict[str, Any] | None
        # reference records have WIDs for ids (the loader's rule): a cached one is named by
        # its WID; anything else is read as ``Directory.reference`` reads it
        hit = t.store.read_cache.get(type_, vid, ROW_KEY)
        if hit is not None:
            rec = hit[1]
        elif is_wid(vid):
            rec = reference_record(t.store, type_, vid, shared=True)
        else:
            rec = self._directory(t, today).lookup(type_, vid, "code")
        if rec is None:
            raise invalid(f"Invalid ID value. '{vid[:64]}' is not a valid ID for {field}.", field)
        return rec

    def post(self, req: Request) -> Response:
        t = req.tenant
        assert t is not None
        plans: dict[bytes, Plan] = t.state.job_change_plans  # ``state_of(t)``
        plan = plans.get(req.body)
        if plan is not None and plan.holds(t.store.read_cache):
            answer_tail = plan.answers.get(self._common(req))
            if answer_tail is not None:
                return self._planned(req, t, plan, answer_tail)
        body = req.json()
        if not isinstance(body, dict):
            raise invalid("The request body must be a JSON object")
        if self.s.reject_unknown_fields and not FIELDS.issuperset(body):
            for k in body:
                if k not in FIELDS:
                    raise invalid(f"Unrecognized field '{str(k)[:64]}'", str(k)[:64])
        # one reading of the clock: today's date, the completion time, the change's time
        now = t.clock.time()
        second, us = self.bp.stamps.parts(now)
        today = second[:10]
        rec, employment, cached = self._worker(t, req.params["id"], today)
        reason = self._ref(t, today, body, "jobChangeReason", REASON, "Reason is required.")
        org = self._ref(
            t,
            today,
            body,
            "supervisoryOrganization",
            ORG,
            "Proposed Supervisory Organization is required.",
        )
        self.bp.rules.check_job_change(rec, reason, org)
        effective = today
        if body.get("effective") is not None:
            effective = parse_date(body["effective"], "effective")
        if "moveManagersTeam" in body and not isinstance(body["moveManagersTeam"], bool):
            raise invalid("moveManagersTeam must be a boolean", "moveManagersTeam")
        changes: dict[str, Any] = {"supervisoryOrganizationId": org["id"]}
        cost_center = None
        if body.get("proposedOrganizations") is not None:
            cost_center = self._cost_center(t, today, body["proposedOrganizations"])
            if cost_center is not None:
                changes["costCenterId"] = cost_center["id"]
        if body.get("jobProfile") is not None:
            changes["jobProfileId"] = self._ref(t, today, body, "jobProfile", JOB_PROFILE, "")["id"]
        if body.get("location") is not None:
            changes["locationId"] = self._ref(t, today, body, "location", LOCATION, "")["id"]
        title = body.get("businessTitle")
        if title is not None:
            if not isinstance(title, str) or len(title) > 255:
                raise invalid("businessTitle must be a string", "businessTitle")
            changes["businessTitle"] = title
        reason_ref = {"id": reason["id"], "descriptor": reason.get("name", "")}
        try:
            self.bp.rules.check_employed(rec, employment, effective)
        except ConfigError as exc:
            raise invalid(exc.message, "effective") from None
        stored_tail = (
            orjson.dumps({"changes": changes, "reason": reason_ref})[1:-1].decode() + ',"worker":'
        )
        event_id = self._keep(t, rec, employment, cached, now, second, us, effective, stored_tail)
        common = self._common(req)
        tail: dict[str, Any] = {
            # ``_render.org_ref``
            "supervisoryOrganization": ref(
                org["id"],
                str(org.get("name", "")),
                f"{common}supervisoryOrganizations/{org['id']}",
            ),
            "jobChangeReason": {**reason_ref, "href": f"{common}jobChangeReasons/{reason['id']}"},
            "moveManagersTeam": bool(body.get("moveManagersTeam", False)),
        }
        if cost_center is not None:
            tail["proposedOrganizations"] = [
                {"id": cost_center["id"], "descriptor": cost_center.get("name", "")}
            ]
        answer_tail = orjson.dumps(tail)[1:]
        if len(req.body) <= MAX_PLANNED_BODY and PLANNED.issuperset(body):
            self._remember(t, plans, req.body, body, reason, org, effective, stored_tail)
            plan = plans.get(req.body)
            if plan is not None:
                plan.answers[common] = answer_tail
        return self._answer(t, rec, event_id, effective, answer_tail)

    def _remember(
        self,
        t: Tenant,
        plans: dict[bytes, Plan],
        raw: bytes,
        body: dict[str, Any],
        reason: dict[str, Any],
        org: dict[str, Any],
        effective: str,
        stored_tail: str,
    ) -> None:
        """Keep the plan of a body that passed its checks, when its references are WIDs the
        read cache holds (a reference named by code is looked up every time)."""
        cache = t.store.read_cache
        reason_hit = cache.get(REASON, body["jobChangeReason"]["id"], ROW_KEY)
        org_hit = cache.get(ORG, body["supervisoryOrganization"]["id"], ROW_KEY)
        if reason_hit is None or org_hit is None:
            return
        if reason_hit[1] is not reason or org_hit[1] is not org:
            return
        if len(plans) >= MAX_PLANS:
            plans.clear()
        plans[raw] = Plan(
            reason_hit,
            org_hit,
            reason["id"],
            org["id"],
            effective if body.get("effective") is not None else None,
            reason.get("isForEmployee") is not False,
            reason.get("isForContingentWorker") is not False,
            stored_tail,
        )

    def _planned(self, req: Request, t: Tenant, plan: Plan, answer_tail: bytes) -> Response:
        """A body checked before: the worker's checks, then the process, as ``post``."""
        now = t.clock.time()
        second, us = self.bp.stamps.parts(now)
        today = second[:10]
        raw = req.params["id"]
        pair = t.store.read_cache.get(WORKER, raw, history.EMPLOYED_KEY)  # ``_worker``
        if pair is None:
            rec, employment, cached = self._worker(t, raw, today)
        else:
            rec, employment = pair
            cached = True
            if not _hired_by(employment, today):
                raise not_found(f"No worker with id {raw[:64]}")
        # ``BusinessRules.check_job_change``: the organization was active when planned
        wtype = rec.get("workerType") or "Employee"
        if not (plan.for_employee if wtype == "Employee" else plan.for_contingent):
            raise invalid(_WRONG_TYPE, "jobChangeReason")
        effective = plan.effective or today
        try:
            self.bp.rules.check_employed(rec, employment, effective)
        except ConfigError as exc:
            raise invalid(exc.message, "effective") from None
        event_id = self._keep(
            t, rec, employment, cached, now, second, us, effective, plan.stored_tail
        )
        return self._answer(t, rec, event_id, effective, answer_tail)

    def _common(self, req: Request) -> str:
        """Where the Common API's links point (``Ctx.common("")``)."""
        return f"{req.base_url}/ccx/api/common/{self.s.common_version}/{req.params['tenant']}/"

    @staticmethod
    def _answer(
        t: Tenant, rec: dict[str, Any], event_id: str, effective: str, tail: bytes
    ) -> Response:
        """The 201 answer: the event's id, descriptor and effective date, then ``tail`` (the
        rest of the JSON object, as ``orjson`` spells it). A worker's descriptor is spelt
        once for as long as its record is the one read (``state.descriptors``)."""
        descriptors: dict[str, tuple[dict[str, Any], str]] = t.state.descriptors
        hit = descriptors.get(rec["id"])
        if hit is not None and hit[0] is rec:
            descriptor = hit[1]
        else:
            name = f"{rec.get('firstName', '')} {rec.get('lastName', '')}".strip()
            descriptor = orjson.dumps("Job Change: " + name).decode()
            if len(descriptors) >= MAX_DESCRIPTORS:
                descriptors.clear()
            descriptors[rec["id"]] = (rec, descriptor)
        head = f'{{"id":"{event_id}","descriptor":{descriptor},"effective":"{effective}",'
        return Response(201, head.encode() + tail, [("content-type", JSON_CT)])

    def _cost_center(self, t: Tenant, today: str, proposed: Any) -> dict[str, Any] | None:
        """The cost center ``proposedOrganizations`` names (the last one; an empty list none)."""
        if not isinstance(proposed, list):
            raise invalid("proposedOrganizations must be an array", "proposedOrganizations")
        found: dict[str, Any] | None = None
        d = self._directory(t, today)
        for p in proposed:
            found = d.lookup(COST_CENTER, p, "code") if isinstance(p, dict) else None
            if found is None:
                raise invalid(
                    "Proposed Organizations contains those with Organization Types that cannot be "
                    "part of Change Organization Assignments.",
                    "proposedOrganizations",
                )
            if found.get("inactive"):
                raise invalid(
                    "Proposed Organizations contains inactive Organizations.",
                    "proposedOrganizations",
                )
        return found

    def _keep(
        self,
        t: Tenant,
        rec: dict[str, Any],
        employment: list[dict[str, Any]],
        cached: bool,
        now: float,
        second: str,
        us: int,
        effective: str,
        stored_tail: str,
    ) -> str:
        """Keep the event and re-stamp the worker (``BusinessProcesses.entry`` and ``_write``
        with the same sequences, in the same order); the event's id. The stored JSON is the
        one ``orjson`` makes of the event (``history.stored``), its changes and reason
        serialised before (``stored_tail``)."""
        store, wid = t.store, rec["id"]
        seq = store.next_sequence("wd.timeline")
        event_id = new_wid(t, "event", "wd.wid:event")
        completed = f"{second}.{_MS[us // 1000]}Z"
        key = f"{wid}|J|{effective}|{str(seq).zfill(12)}"  # ``history.event_key``
        # a WID (a cache hit is one) needs no escaping; another id is spelt by orjson
        worker_json = f'"{wid}"' if cached else orjson.dumps(wid).decode()
        stored = (
            f'{{"seq":{seq},"effective":"{effective}","type":"{JOB_CHANGE}","eventId":"{event_id}",'
            f'"completedOn":"{completed}",{stored_tail}{worker_json}}}'
        )
        # the worker's read cache entry is its (record, employment) pair when it is a hit
        # (a WID), which a job change leaves as it was: it stays; otherwise it is put again
        try:
            store.insert_and_restamp(
                history.EVENT,
                key,
                stored,
                completed,
                (WORKER, wid, rec),
                at=now,
                origin="bp:" + key,
                keep_cached=cached,
            )
        except ConfigError as exc:
            raise invalid(exc.message, "effective") from None
        if not cached:
            history.keep_employed(store, rec, employment)
        return event_id
