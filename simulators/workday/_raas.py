"""Reports-as-a-Service: web-service-enabled custom reports over workers.

GET /ccx/service/customreport2/{tenant}/{owner}/{report}?format=json|csv|simplexml
answers {"Report_Entry": [...]}, CSV with a header row, or Workday's simple XML.
Prompts are query parameters (Effective_as_of_Date, Include_Terminated_Workers,
Supervisory_Organization!WID, Employee_ID). Values are rendered as text the way RaaS
does: dates YYYY-MM-DD, booleans "1"/"0", multi-instance fields joined; empty fields
are left out of JSON and XML entries and blank in CSV.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from simulators.engine import Request, Response

from ._errors import invalid, not_found
from ._model import COST_CENTER, JOB_PROFILE, LOCATION, ORG, Directory, WorkerView
from ._settings import ReportConfig
from ._wire import json_response, parse_date

if TYPE_CHECKING:
    from ._settings import WorkdaySettings


def _num(x: Any) -> str:
    if x is None:
        return ""
    f = float(x)
    return str(int(f)) if f.is_integer() else f"{f:.10g}"


def row(d: Directory, v: WorkerView, sep: str) -> dict[str, str]:
    """Every report field of one worker as of the directory's date."""
    job = v.job
    profile = d.get(JOB_PROFILE, job.get("jobProfileId")) or {}
    org = d.get(ORG, job.get("supervisoryOrganizationId")) or {}
    cc = d.get(COST_CENTER, job.get("costCenterId")) or {}
    loc = d.get(LOCATION, job.get("locationId")) or {}
    mgr = d.manager_of(v)
    rate = job.get("costRate")
    return {
        "Employee_ID": str(v.rec.get("employeeId") or ""),
        "Worker": v.name,
        "Worker_WID": v.id,
        "First_Name": str(v.rec.get("firstName") or ""),
        "Last_Name": str(v.rec.get("lastName") or ""),
        "Email": str(v.rec.get("email") or ""),
        "Phone": str(v.rec.get("phone") or ""),
        "Worker_Type": str(v.rec.get("workerType") or "Employee"),
        "Business_Title": str(job.get("businessTitle") or profile.get("name") or ""),
        "Job_Profile": str(profile.get("name") or ""),
        "Job_Profile_ID": str(profile.get("code") or profile.get("id") or ""),
        "Supervisory_Organization": str(org.get("name") or ""),
        "Supervisory_Organization_ID": str(org.get("code") or org.get("id") or ""),
        "Cost_Center": str(cc.get("name") or ""),
        "Cost_Center_ID": str(cc.get("code") or cc.get("id") or ""),
        "Location": str(loc.get("name") or ""),
        "Country": str(loc.get("countryName") or loc.get("country") or ""),
        "Skills": sep.join(job.get("skills") or ()),
        "Cost_Rate": f"{float(rate):.2f}" if rate is not None else "",
        "Cost_Rate_Currency": str(job.get("currency") or ""),
        "FTE": _num(job.get("fte")),
        "Scheduled_Weekly_Hours": _num(job.get("scheduledWeeklyHours")),
        "Hire_Date": v.hire_date or "",
        "Termination_Date": v.termination_date or "",
        "Manager_ID": str(mgr.rec.get("employeeId") or "") if mgr else "",
        "Manager_Name": mgr.name if mgr else "",
        "Active": "1" if v.active else "0",
    }


class CustomReports:
    def __init__(self, settings: WorkdaySettings) -> None:
        self.settings = settings
        self.reports = {(r.owner, r.name): r for r in settings.reports}

    def report(self, req: Request) -> Response:
        t = req.tenant
        assert t is not None
        cfg = self.reports.get((req.params["owner"], req.params["report"]))
        if cfg is None:
            raise not_found(
                f"No web service enabled report {req.params['owner'][:64]}/{req.params['report'][:64]}",
            )
        fmt = (req.arg("format") or "simplexml").lower()
        if fmt not in ("json", "csv", "simplexml"):
            raise invalid(
                f"Unsupported format '{fmt[:16]}'; use json, csv or simplexml",
                "format",
            )
        rows = self._rows(req, cfg)
        if fmt == "json":
            return json_response(
                {"Report_Entry": [{k: v for k, v in r.items() if v != ""} for r in rows]}
            )
        if fmt == "csv":
            return _csv(cfg, rows)
        return _xml(cfg, rows)

    def _rows(self, req: Request, cfg: ReportConfig) -> list[dict[str, str]]:
        t = req.tenant
        assert t is not None
        asof = t.clock.now().date().isoformat()
        if "Effective_as_of_Date" in cfg.prompts and req.arg("Effective_as_of_Date"):
            asof = parse_date(req.arg("Effective_as_of_Date"), "Effective_as_of_Date")
        include_term = cfg.include_terminated
        raw = req.arg("Include_Terminated_Workers")
        if "Include_Terminated_Workers" in cfg.prompts and raw:
            include_term = raw.lower() in ("1", "true", "y", "yes")
        d = Directory(t, asof, self.settings.terminated_after_termination_date)
        views = [v for v in d.views().values() if v.hire_date and (v.active or include_term)]
        org_filter = req.arg("Supervisory_Organization!WID")
        if org_filter and "Supervisory_Organization!WID" in cfg.prompts:
            views = [v for v in views if v.job.get("supervisoryOrganizationId") == org_filter]
        emp = req.arg("Employee_ID")
        if emp and "Employee_ID" in cfg.prompts:
            views = [v for v in views if v.rec.get("employeeId") == emp]
        sep = self.settings.raas_multi_value_separator
        out = []
        for v in views:
            full = row(d, v, sep)
            out.append({c.alias: full[c.source] for c in cfg.columns})
        return out


def _csv(cfg: ReportConfig, rows: list[dict[str, str]]) -> Response:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.alias for c in cfg.columns])
    for r in rows:
        w.writerow([r.get(c.alias, "") for c in cfg.columns])
    return Response(
        200, buf.getvalue().encode("utf-8"), [("content-type", "text/csv;charset=UTF-8")]
    )


def _xml(cfg: ReportConfig, rows: list[dict[str, str]]) -> Response:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<wd:Report_Data xmlns:wd="urn:com.workday.report/{escape(cfg.name)}">',
    ]
    for r in rows:
        parts.append("<wd:Report_Entry>")
        for c in cfg.columns:
            val = r.get(c.alias, "")
            if val != "":
                parts.append(f"<wd:{c.alias}>{escape(val)}</wd:{c.alias}>")
        parts.append("</wd:Report_Entry>")
    parts.append("</wd:Report_Data>")
    return Response(
        200, "".join(parts).encode("utf-8"), [("content-type", "text/xml;charset=UTF-8")]
    )
