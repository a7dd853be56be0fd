"""Workday admin routes under /__admin/tenants/{tenant}/workday/: hire, terminate, change, limits.

They run the same business processes as the REST API (so subscribers get the same
notifications) for tests and data loading, in the simulator's loading vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import ConfigError, HttpError, Request, Response, Router, Tenant

from ._bp import BP_TYPES, JOB_INPUT, PERSON_FIELDS, TERMINATION, check_fields, normalize_job
from ._load import _date
from ._model import REASON, Directory

if TYPE_CHECKING:
    from ._dialect import WorkdayDialect


def _body(req: Request) -> dict[str, Any]:
    try:
        data = req.json()
    except HttpError as exc:
        raise ConfigError(f"admin request body is not JSON: {exc.message}") from None
    if not isinstance(data, dict):
        raise ConfigError("admin request body must be a JSON object")
    return data


class WorkdayAdmin:
    def __init__(self, dialect: WorkdayDialect) -> None:
        self.d = dialect

    def register(self, r: Router) -> None:
        p = "/__admin/tenants/{tenant}/workday"
        r.add("POST", f"{p}/hire", self.hire, auth=False)
        r.add("POST", f"{p}/terminate", self.terminate, auth=False)
        r.add("POST", f"{p}/change", self.change, auth=False)
        r.add("GET", f"{p}/workers/{{id}}/timeline", self.timeline, auth=False)
        r.add("GET", f"{p}/limits", self.get_limits, auth=False)
        r.add("PUT", f"{p}/limits", self.set_limits, auth=False)

    def _tenant(self, req: Request) -> Tenant:
        assert self.d.sim is not None
        return self.d.sim.tenants.get(req.params["tenant"])

    def _dir(self, t: Tenant) -> Directory:
        return Directory(
            t, t.clock.now().date().isoformat(), self.d.settings.terminated_after_termination_date
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
                    "descriptor": f"{rec.get('firstName', '')} {rec.get('lastName', '')}".strip(),
                    "employeeId": rec.get("employeeId"),
                },
                "event": {
                    "id": e["eventId"],
                    "businessProcessType": e["type"],
                    "effectiveDate": e["effective"],
                    "completedOn": e["completedOn"],
                },
                "tenant": self.d.auth.wd_tenant(t),
            },
            status,
        )

    def hire(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(body, PERSON_FIELDS | JOB_INPUT | {"hireDate", "reason"}, "hire")
        d = self._dir(t)
        rec = self.d.bp.new_worker(t, d, body)
        effective = _date(body.get("hireDate") or d.asof, "hireDate")
        e = self.d.bp.hire(t, rec, effective, normalize_job(d, body), self._reason(d, body))
        return self._result(t, rec, e, 201)

    def terminate(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(body, {"worker", "terminationDate", "reason"}, "terminate")
        d = self._dir(t)
        rec = self._worker(d, body)
        effective = _date(body.get("terminationDate") or d.asof, "terminationDate")
        e = self.d.bp.terminate(t, rec, effective, self._reason(d, body))
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
        e = self.d.bp.change(
            t, rec, effective, normalize_job(d, body), self._reason(d, body), bp_type
        )
        return self._result(t, rec, e)

    def timeline(self, req: Request) -> Response:
        t = self._tenant(req)
        d = self._dir(t)
        rec = d.worker_record(req.params["id"])
        if rec is None:
            raise HttpError(404, "NOT_FOUND", f"no worker {req.params['id']!r}")
        return Response.json({"worker": rec["id"], "timeline": rec.get("timeline", [])})

    def get_limits(self, req: Request) -> Response:
        return Response.json(self.d.limits(self._tenant(req)).to_dict())

    def set_limits(self, req: Request) -> Response:
        t = self._tenant(req)
        body = _body(req)
        check_fields(body, {"rate_per_second", "burst", "enabled"}, "limits")
        lim = self.d.limits(t)
        try:
            if "rate_per_second" in body:
                lim.rate = float(body["rate_per_second"])
            if "burst" in body:
                lim.burst = float(body["burst"])
            if "enabled" in body:
                lim.enabled = bool(body["enabled"])
        except (TypeError, ValueError):
            raise ConfigError("rate_per_second and burst must be numbers") from None
        if lim.rate <= 0 or lim.burst < 1:
            raise ConfigError("rate_per_second must be positive and burst at least 1")
        lim.reset()
        return Response.json(lim.to_dict())
