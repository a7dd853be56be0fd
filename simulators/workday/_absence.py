"""Absence Management v1: the time off that decides when a consultant is available.

``/ccx/api/absenceManagement/v1/{tenant}/workers/{id}/timeOffDetails`` (filters
``fromDate``, ``toDate``, ``status``, ``timeOffType``) and ``POST .../requestTimeOff``
(``{"days": [{"date", "dailyQuantity", "timeOffType": {"id"}, "comment"}]}``), shapes from
Workday's Absence Management OpenAPI (TimeOffDetailsView, TimeOffRequestEventView). Entries
are stored as record type ``TimeOffEntry``; a request is approved at once (the simulator has
no approval inbox), and bulk loads may carry any status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import ConfigError, HttpError, Request, Response, Tenant

from ._errors import invalid
from ._ids import fixed_wid, new_wid
from ._wire import item_or_page, json_response, paged, parse_date, wd_datetime

if TYPE_CHECKING:
    from ._rest import RestResources
    from ._settings import WorkdaySettings

TIME_OFF = "TimeOffEntry"
TIME_OFF_TYPES = ("Vacation", "Sick", "Personal", "Bereavement", "Jury Duty", "Floating Holiday")
STATUSES = ("Approved", "Submitted", "Canceled")
UNITS = ("Hours", "Days")


def type_ref(name: str) -> dict[str, str]:
    return {"id": fixed_wid("timeOffType", name), "descriptor": name}


def _type_name(value: Any) -> str | None:
    raw = value.get("id") if isinstance(value, dict) else value
    for name in TIME_OFF_TYPES:
        if raw in (name, fixed_wid("timeOffType", name)):
            return name
    return None


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"id": fixed_wid(kind, name), "descriptor": name}


class Absence:
    def __init__(self, rest: RestResources, settings: WorkdaySettings) -> None:
        self.rest = rest
        self.settings = settings

    def entries(self, tenant: Tenant, worker_wid: str | None = None) -> list[dict[str, Any]]:
        recs = list(tenant.store.iter_type(TIME_OFF))
        if worker_wid is not None:
            recs = [r for r in recs if r.get("worker") == worker_wid]
        return sorted(recs, key=lambda r: (r["date"], r["id"]))

    def detail(self, c: Any, rec: dict[str, Any]) -> dict[str, Any]:
        """TimeOffDetailsView."""
        v = c.d.worker_view(rec.get("worker"))
        out: dict[str, Any] = {
            "date": rec["date"],
            "quantity": rec["quantity"],
            "unit": _ref("unit", rec.get("unit") or "Hours"),
            "timeOffType": type_ref(rec["timeOffType"]),
            "status": _ref("timeOffStatus", rec.get("status") or "Approved"),
            "comment": rec.get("comment") or "",
        }
        if v is not None:
            out["worker"] = {"id": v.id, "descriptor": v.name, "href": c.common(f"workers/{v.id}")}
        return out

    # -- REST ------------------------------------------------------------------------

    def time_off_details(self, req: Request) -> Response:
        c = self.rest.ctx(req)
        v = self.rest._worker(c, req.params["id"])
        t = req.tenant
        assert t is not None
        frm = parse_date(req.arg("fromDate"), "fromDate") if req.arg("fromDate") else None
        to = parse_date(req.arg("toDate"), "toDate") if req.arg("toDate") else None
        status = req.arg("status")
        wanted_type = _type_name(req.arg("timeOffType")) if req.arg("timeOffType") else None
        if req.arg("timeOffType") and wanted_type is None:
            raise invalid(f"Unknown time off type {req.arg('timeOffType')!r}", "timeOffType")
        rows = [
            r
            for r in self.entries(t, v.id)
            if (frm is None or r["date"] >= frm)
            and (to is None or r["date"] <= to)
            and (
                not status
                or status in (r.get("status"), fixed_wid("timeOffStatus", r.get("status") or ""))
            )
            and (wanted_type is None or r["timeOffType"] == wanted_type)
        ]
        items = [self.detail(c, r) for r in rows]
        return paged(req, items, self.settings)

    def common_entry(self, c: Any, rec: dict[str, Any]) -> dict[str, Any]:
        """Common v1 TimeOffEntries (``/workers/{id}/timeOffEntries``)."""
        v = c.d.worker_view(rec.get("worker"))
        name = rec["timeOffType"]
        out: dict[str, Any] = {
            "id": rec["id"],
            "descriptor": f"{name}: {rec['date']}",
            "href": c.common(f"workers/{rec.get('worker')}/timeOffEntries/{rec['id']}"),
            "date": rec["date"],
            "units": rec["quantity"],
            "unitOfTime": _ref("unit", rec.get("unit") or "Hours"),
            "timeOff": {
                **type_ref(name),
                "plan": {"id": fixed_wid("timeOffPlan", name), "descriptor": f"{name} Plan"},
            },
            "timeOffRequest": {
                "id": fixed_wid("timeOffRequest", rec["id"]),
                "descriptor": f"Time Off Request: {name}",
                "status": rec.get("status") or "Approved",
            },
        }
        if v is not None:
            out["employee"] = {
                "id": v.id,
                "descriptor": v.name,
                "href": c.common(f"workers/{v.id}"),
            }
        return out

    def common_entries(self, req: Request) -> Response:
        """GET /ccx/api/common/v1/{tenant}/workers/{id}/timeOffEntries[/{sub}]"""
        c = self.rest.ctx(req)
        v = self.rest._worker(c, req.params["id"])
        t = req.tenant
        assert t is not None
        rows = [self.common_entry(c, r) for r in self.entries(t, v.id)]
        return item_or_page(req, rows, self.settings, "No time off entry with id {}")

    def request_time_off(self, req: Request) -> Response:
        c = self.rest.ctx(req)
        v = self.rest._worker(c, req.params["id"])
        t = req.tenant
        assert t is not None
        body = req.json()
        days = body.get("days") if isinstance(body, dict) else None
        if not isinstance(days, list) or not days:
            raise invalid("days must be a non-empty list of time off entries", "days")
        rows: list[dict[str, Any]] = []
        echo: list[dict[str, Any]] = []
        for i, day in enumerate(days):
            if not isinstance(day, dict):
                raise invalid(f"days[{i}] must be an object", "days")
            when = parse_date(day.get("date"), "date")
            name = _type_name(day.get("timeOffType"))
            if name is None:
                raise invalid(f"days[{i}].timeOffType is not a time off type", "timeOffType")
            qty = day.get("dailyQuantity", 8)
            if isinstance(qty, bool) or not isinstance(qty, (int, float)) or not 0 < qty <= 24:
                raise invalid(f"days[{i}].dailyQuantity must be a number of hours", "dailyQuantity")
            rec: dict[str, Any] = {
                "id": new_wid(t, TIME_OFF),
                "worker": v.id,
                "date": when,
                "quantity": qty,
                "unit": "Hours",
                "timeOffType": name,
                "status": "Approved",
                "comment": str(day.get("comment") or ""),
            }
            rows.append(rec)
            echo.append(
                {
                    "id": rec["id"],
                    "descriptor": f"{name}: {when}",
                    "date": when,
                    "dailyQuantity": qty,
                    "timeOffType": type_ref(name),
                    "comment": rec["comment"],
                }
            )
        stamp = wd_datetime(t.clock.time())
        with t.store.transaction():
            for rec in rows:
                t.store.bulk_insert(TIME_OFF, [(rec["id"], stamp, rec)])
        return json_response({"days": echo}, 201)

    # -- bulk load -------------------------------------------------------------------

    def load(self, tenant: Tenant, records: list[dict[str, Any]]) -> list[str]:
        from ._model import Directory

        d = Directory(tenant, tenant.clock.now().date().isoformat())
        rows = []
        for r in records:
            if not isinstance(r, dict):
                raise ConfigError("every time off entry must be a JSON object")
            worker = d.worker_record(r.get("worker"))
            if worker is None:
                raise ConfigError(f"time off entry names unknown worker {r.get('worker')!r}")
            name = _type_name(r.get("timeOffType") or "Vacation")
            if name is None:
                raise ConfigError(
                    f"unknown time off type {r.get('timeOffType')!r}",
                    hint=f"one of {', '.join(TIME_OFF_TYPES)}",
                )
            try:
                when = parse_date(r.get("date"), "date")
            except HttpError:
                raise ConfigError(
                    f"time off date must be YYYY-MM-DD, got {r.get('date')!r}"
                ) from None
            status = r.get("status") or "Approved"
            if status not in STATUSES:
                raise ConfigError(f"time off status must be one of {', '.join(STATUSES)}")
            rows.append(
                {
                    "id": r.get("id") or new_wid(tenant, TIME_OFF),
                    "worker": worker["id"],
                    "date": when,
                    "quantity": float(r.get("quantity", 8)),
                    "unit": r.get("unit") or "Hours",
                    "timeOffType": name,
                    "status": status,
                    "comment": str(r.get("comment") or ""),
                }
            )
        stamp = wd_datetime(tenant.clock.time())
        tenant.store.bulk_insert(TIME_OFF, [(r["id"], stamp, r) for r in rows])
        return [r["id"] for r in rows]
