"""POST /workers/{id}/jobChanges (ChangeJobInput): the Job Change business process.

The commonest write an integration sends. It is ``BusinessProcesses.change`` with the REST
input's checks, run in one pass: the clock is read once (today, the event's completion and
the change's time), the worker and its employment come from the read cache, references
named by WID from the reference cache, and the event's stored form is built directly, so a
job change makes two SQL statements and no intermediate views. The answers are those of
the general path, field for field and error for error.
"""

from __future__ import annotations

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
#: milliseconds as the three digits a completion time shows
_MS = tuple(f"{n:03d}" for n in range(1000))


def _hired_by(employment: list[dict[str, Any]], day: str) -> bool:
    """A hire effective on or before ``day`` (``resolve(...).hire_date is not None``)."""
    for e in employment:  # noqa: SIM110 - a loop, not a generator, on the hot path
        if e["type"] == HIRE and e["effective"] <= day:
            return True
    return False


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
        event_id = self._keep(
            t, rec, employment, cached, now, second, us, effective, changes, reason_ref
        )
        common = f"{req.base_url}/ccx/api/common/{self.s.common_version}/{req.params['tenant']}/"
        out: dict[str, Any] = {
            "id": event_id,
            "descriptor": "Job Change: "
            + f"{rec.get('firstName', '')} {rec.get('lastName', '')}".strip(),
            "effective": effective,
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
            out["proposedOrganizations"] = [
                {"id": cost_center["id"], "descriptor": cost_center.get("name", "")}
            ]
        return Response(201, orjson.dumps(out), [("content-type", JSON_CT)])

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
        changes: dict[str, Any],
        reason_ref: dict[str, Any],
    ) -> str:
        """Keep the event and re-stamp the worker (``BusinessProcesses.entry`` and ``_write``
        with the same sequences, in the same order); the event's id."""
        store, wid = t.store, rec["id"]
        seq = store.next_sequence("wd.timeline")
        event_id = new_wid(t, "event")
        completed = f"{second}.{_MS[us // 1000]}Z"
        key = f"{wid}|J|{effective}|{str(seq).zfill(12)}"  # ``history.event_key``
        stored = {
            "seq": seq,
            "effective": effective,
            "type": JOB_CHANGE,
            "eventId": event_id,
            "completedOn": completed,
            "changes": changes,
            "reason": reason_ref,
            "worker": wid,
        }
        try:
            store.insert_and_restamp(
                history.EVENT,
                key,
                stored,
                completed,
                (WORKER, wid, rec),
                at=now,
                origin="bp:" + key,
            )
        except ConfigError as exc:
            raise invalid(exc.message, "effective") from None
        # a job change leaves the worker's row and employment as they were read
        history.keep_employed(store, rec, employment, wid_checked=cached)
        return event_id
