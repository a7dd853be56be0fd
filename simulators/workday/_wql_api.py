"""The WQL service (``/ccx/api/wql/v1/{tenant}``): ``data`` (GET ``?query=`` and POST
``{"query"}``), ``dataSources`` and their fields, over the data sources a staffing
integration reads.

Known (Workday's WQL v1 OpenAPI, 2026-04-18): the paths, ``{total, data}`` pages with
``limit`` (default 20, maximum 100) and ``offset``, and the example ``SELECT worker from
allWorkers``. Guessed: every other field alias, the ``allTimeOffEntries`` data source,
and POST answering 200 with the page (the contract lists 201 with the query echoed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Request, Response

from . import _render as V
from ._absence import TIME_OFF, type_ref
from ._errors import invalid, not_found
from ._ids import fixed_wid
from ._model import COST_CENTER, JOB_PROFILE, LOCATION, ORG
from ._wire import json_response, paged
from ._wql import WqlError, parse, run

if TYPE_CHECKING:
    from ._absence import Absence
    from ._rest import RestResources
    from ._settings import WorkdaySettings

#: data source alias -> (descriptor, field alias -> type)
SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "allWorkers": (
        "All Workers",
        {
            "worker": "Single Instance",
            "workdayID": "Text",
            "employeeID": "Text",
            "fullName": "Text",
            "firstName": "Text",
            "lastName": "Text",
            "email_PrimaryWork": "Text",
            "businessTitle": "Text",
            "jobProfile": "Single Instance",
            "supervisoryOrganization": "Single Instance",
            "location": "Single Instance",
            "costCenter": "Single Instance",
            "manager": "Single Instance",
            "hireDate": "Date",
            "terminationDate": "Date",
            "active": "Boolean",
            "scheduledWeeklyHours": "Numeric",
            "fte": "Numeric",
        },
    ),
    "allTimeOffEntries": (
        "All Time Off Entries",
        {
            "timeOffEntry": "Single Instance",
            "worker": "Single Instance",
            "employeeID": "Text",
            "date": "Date",
            "quantity": "Numeric",
            "unit": "Text",
            "timeOffType": "Single Instance",
            "status": "Text",
        },
    ),
}


def _ref(rec: dict[str, Any] | None) -> dict[str, str] | None:
    return {"id": rec["id"], "descriptor": V._name(rec)} if rec else None


class WqlResources:
    def __init__(self, rest: RestResources, absence: Absence, settings: WorkdaySettings) -> None:
        self.rest = rest
        self.absence = absence
        self.settings = settings

    def _rows(self, req: Request, source: str) -> list[dict[str, Any]]:
        c = self.rest.ctx(req)
        d = c.d
        if source == "allWorkers":
            out = []
            active = {a.id for a in d.active()}
            for v in d.views().values():
                if v.hire_date is None:
                    continue
                job = v.job
                mgr = d.manager_of(v)
                out.append(
                    {
                        "worker": {"id": v.id, "descriptor": v.name},
                        "workdayID": v.id,
                        "employeeID": v.rec.get("employeeId"),
                        "fullName": v.name,
                        "firstName": v.rec.get("firstName"),
                        "lastName": v.rec.get("lastName"),
                        "email_PrimaryWork": v.rec.get("email"),
                        "businessTitle": job.get("businessTitle")
                        or V._name(d.get(JOB_PROFILE, job.get("jobProfileId"))),
                        "jobProfile": _ref(d.get(JOB_PROFILE, job.get("jobProfileId"))),
                        "supervisoryOrganization": _ref(
                            d.get(ORG, job.get("supervisoryOrganizationId"))
                        ),
                        "location": _ref(d.get(LOCATION, job.get("locationId"))),
                        "costCenter": _ref(d.get(COST_CENTER, job.get("costCenterId"))),
                        "manager": {"id": mgr.id, "descriptor": mgr.name} if mgr else None,
                        "hireDate": v.hire_date,
                        "terminationDate": v.termination_date,
                        "active": v.id in active,
                        "scheduledWeeklyHours": job.get("scheduledWeeklyHours"),
                        "fte": job.get("fte"),
                    }
                )
            return sorted(out, key=lambda r: (r["fullName"], r["workdayID"]))
        t = req.tenant
        assert t is not None
        out = []
        for r in self.absence.entries(t):
            who = d.worker_view(r.get("worker"))
            out.append(
                {
                    "timeOffEntry": {
                        "id": r["id"],
                        "descriptor": f"{r['timeOffType']}: {r['date']}",
                    },
                    "worker": {"id": who.id, "descriptor": who.name} if who else None,
                    "employeeID": who.rec.get("employeeId") if who else None,
                    "date": r["date"],
                    "quantity": r["quantity"],
                    "unit": r.get("unit"),
                    "timeOffType": type_ref(r["timeOffType"]),
                    "status": r.get("status"),
                }
            )
        return out

    def data(self, req: Request) -> Response:
        """GET /data?query=...&limit&offset, POST /data {"query": ...}"""
        if req.method == "POST":
            body = req.json()
            text = body.get("query") if isinstance(body, dict) else None
        else:
            text = req.arg("query")
        if not isinstance(text, str) or not text.strip():
            raise invalid("A WQL query is required", "query")
        try:
            q = parse(text)
            if q.source not in SOURCES:
                raise WqlError(f"{q.source} is not a data source you can query")
            fields = set(SOURCES[q.source][1])
            rows = run(q, self._rows(req, q.source), fields)
        except WqlError as exc:
            raise invalid(str(exc), "query") from None
        return paged(req, rows, self.settings)

    def _source(self, req: Request, alias: str) -> dict[str, Any]:
        desc, fields = SOURCES[alias]
        wid = fixed_wid("wqlDataSource", alias)
        base = f"{req.base_url}/ccx/api/wql/v1/{req.params['tenant']}"
        return {
            "id": wid,
            "descriptor": desc,
            "href": f"{base}/dataSources/{wid}",
            "alias": alias,
            "description": f"{desc} ({len(fields)} fields)",
            "dataSourceIndexType": "Indexed",
            "primaryBusinessObject": {
                "id": fixed_wid("wqlBusinessObject", alias),
                "descriptor": "Worker" if alias == "allWorkers" else TIME_OFF,
            },
        }

    def data_sources(self, req: Request) -> Response:
        alias = req.arg("alias")
        items = [self._source(req, a) for a in SOURCES if alias in (None, "", a)]
        return paged(req, items, self.settings)

    def _alias(self, raw: str) -> str:
        for a in SOURCES:
            if raw in (a, fixed_wid("wqlDataSource", a)):
                return a
        raise not_found(f"No data source with id {raw[:64]}")

    def data_source(self, req: Request) -> Response:
        out = self._source(req, self._alias(req.params["id"]))
        out.update(
            {"supportsEffectiveDate": False, "supportsEntryDate": False, "filterIsRequired": False}
        )
        return json_response(out)

    def fields(self, req: Request) -> Response:
        alias = self._alias(req.params["id"])
        items = [
            {
                "id": fixed_wid("wqlField", alias, name),
                "descriptor": name,
                "alias": name,
                "type": kind,
            }
            for name, kind in SOURCES[alias][1].items()
        ]
        return paged(req, items, self.settings)
