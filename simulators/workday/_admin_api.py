"""Workday admin routes under /__admin/tenants/{tenant}/workday/: hire, terminate, change, limits.

They run the same business processes as the REST API (so subscribers get the same
notifications) for tests and data loading, in the simulator's loading vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import (
    ConfigError,
    HttpError,
    Request,
    Response,
    Router,
    Tenant,
    TenantRegistry,
    admin_json,
)

from . import _history as history
from ._load import _date
from ._model import BP_TYPES, REASON, TERMINATION, Directory, worker_name
from ._rules import JOB_INPUT, PERSON_FIELDS, check_fields, normalize_job

if TYPE_CHECKING:
    from ._auth import WorkdayAuth
    from ._records import BusinessProcesses
    from ._settings import WorkdaySettings


def _body(req: Request) -> dict[str, Any]:
    return admin_json(req, empty_ok=False)


class WorkdayAdmin:
    def __init__(
        self,
        tenants: TenantRegistry,
        auth: WorkdayAuth,
        bp: BusinessProcesses,
        settings: WorkdaySettings,
    ) -> None:
        self.tenants = tenants
        self.auth = auth
        self.bp = bp
        self.settings = settings

    def register(self, r: Router) -> None:
        p = "/__admin/tenants/{tenant}/workday"
        r.add("POST", f"{p}/hire", self.hire, auth=False)
        r.add("POST", f"{p}/terminate", self.terminate, auth=False)
        r.add("POST", f"{p}/change", self.change, auth=False)
        r.add("GET", f"{p}/workers/{{id}}/timeline", self.timeline, auth=False)

    def _tenant(self, req: Request) -> Tenant:
        return self.tenants.get(req.params["tenant"])

    def _dir(self, t: Tenant) -> Directory:
        return Directory(
            t, t.clock.now().date().isoformat(), self.settings.terminated_after_termination_date
        )

    def _reason(self, d: Directory, body: dict[str, Any]) -> dict[str, Any] | None:
        raw = body.get("reason")
        if raw is None:
            return None
        rec = d.lookup(REASON, raw, "name")
        if rec is not None:
            return {"id": rec["id"], "descriptor": rec.get("name", "")}
        if isinstance(raw, str) and len(raw) <= 255:
            return {"descriptor": raw}
        raise ConfigError("reason must be a job change reason id or a text")

    def _worker(self, d: Directory, body: dict[str, Any]) -> dict[str, Any]:
        rec = d.worker_record(body.get("worker"))
        if rec is None:
            raise HttpError(
                404, "NOT_FOUND", f"no worker {body.get('worker')!r} (give its WID or employee id)"
            )
        return rec

    def _result(
        self, t: Tenant, rec: dict[str, Any], e: dict[str, Any], status: int = 200
    ) -> Response:
        return Response.json(
            {
                "worker": {
                    "id": rec["id"],
                    "descriptor": worker_name(rec),
                    "employeeId": rec.get("employeeId"),
                },
                "event": {
                    "id": e["eventId"],
                    "businessProcessType": e["type"],
                    "effectiveDate": e["effective"],
                    "completedOn": e["completedOn"],
                },
                "tenant": self.auth.wd_tenant(t),
            },
            status,
        )

    def hire(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(body, PERSON_FIELDS | JOB_INPUT | {"hireDate", "reason"}, "hire")
        d = self._dir(t)
        rec = self.bp.new_worker(t, d, body)
        effective = _date(body.get("hireDate") or d.asof, "hireDate")
        e = self.bp.hire(t, rec, effective, normalize_job(d, body), self._reason(d, body))
        return self._result(t, rec, e, 201)

    def terminate(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(body, {"worker", "terminationDate", "reason"}, "terminate")
        d = self._dir(t)
        rec = self._worker(d, body)
        effective = _date(body.get("terminationDate") or d.asof, "terminationDate")
        e = self.bp.terminate(t, rec, effective, self._reason(d, body))
        return self._result(t, rec, e)

    def change(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(
            body, JOB_INPUT | {"worker", "effective", "reason", "businessProcessType"}, "change"
        )
        bp_type = body.get("businessProcessType")
        if bp_type is not None and (bp_type not in BP_TYPES or bp_type in ("Hire", TERMINATION)):
            raise ConfigError(
                "businessProcessType must be 'Job Change' or 'Request Compensation Change'"
            )
        d = self._dir(t)
        rec = self._worker(d, body)
        effective = _date(body.get("effective") or d.asof, "effective")
        e = self.bp.change(
            t, rec, effective, normalize_job(d, body), self._reason(d, body), bp_type
        )
        return self._result(t, rec, e)

    def timeline(self, req: Request) -> Response:
        t = self._tenant(req)
        d = self._dir(t)
        rec = d.worker_record(req.params["id"])
        if rec is None:
            raise HttpError(404, "NOT_FOUND", f"no worker {req.params['id']!r}")
        found = sorted(history.events(t.store, rec["id"]), key=lambda e: e["seq"])
        return Response.json({"worker": rec["id"], "timeline": [history.entry(e) for e in found]})
