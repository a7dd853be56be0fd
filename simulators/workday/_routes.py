"""Workday's routes: the token endpoint, RaaS, the Common API, absence and WQL."""

from __future__ import annotations

from simulators.engine import Router

from ._absence import Absence
from ._auth import WorkdayAuth
from ._raas import CustomReports
from ._rest import RestResources
from ._settings import WorkdaySettings
from ._wql_api import WqlResources


def add_routes(
    r: Router,
    auth: WorkdayAuth,
    rest: RestResources,
    raas: CustomReports,
    absence: Absence,
    wql: WqlResources,
    settings: WorkdaySettings,
) -> None:
    """Register every REST route on ``r`` under the configured API versions."""
    a, x = auth, rest
    r.add("POST", "/ccx/oauth2/{tenant}/token", a.token, auth=False, name="oauth2.token")
    r.add(
        "GET",
        "/ccx/service/customreport2/{tenant}/{owner}/{report}",
        raas.report,
        name="raas",
    )
    c = f"/ccx/api/common/{settings.common_version}/{{tenant}}"
    r.add("GET", f"{c}/workers", x.workers, name="common.workers")
    r.add("GET", f"{c}/workers/{{id}}", x.worker, name="common.worker")
    r.add(
        "GET",
        f"{c}/workers/{{id}}/directReports",
        x.direct_reports,
        name="common.directReports",
    )
    r.add(
        "GET",
        f"{c}/workers/{{id}}/directReports/{{sub}}",
        x.direct_reports,
        name="common.directReports",
    )
    r.add(
        "GET",
        f"{c}/workers/{{id}}/supervisoryOrganizationsManaged",
        x.orgs_managed,
        name="common.supervisoryOrganizationsManaged",
    )
    r.add(
        "GET",
        f"{c}/workers/{{id}}/supervisoryOrganizationsManaged/{{sub}}",
        x.orgs_managed,
        name="common.supervisoryOrganizationsManaged",
    )
    r.add(
        "GET",
        f"{c}/workers/{{id}}/organizations",
        x.worker_orgs,
        name="common.workerOrganizations",
    )
    r.add(
        "GET",
        f"{c}/workers/{{id}}/organizations/{{sub}}",
        x.worker_orgs,
        name="common.workerOrganizations",
    )
    r.add("GET", f"{c}/workers/{{id}}/history", x.history, name="common.history")
    r.add("POST", f"{c}/workers/{{id}}/jobChanges", x.job_change, name="common.jobChanges")
    r.add(
        "GET",
        f"{c}/supervisoryOrganizations",
        x.sup_orgs,
        name="common.supervisoryOrganizations",
    )
    r.add(
        "GET",
        f"{c}/supervisoryOrganizations/{{id}}",
        x.sup_org,
        name="common.supervisoryOrganization",
    )
    r.add(
        "GET",
        f"{c}/supervisoryOrganizations/{{id}}/workers",
        x.sup_org_workers,
        name="common.supervisoryOrganizationWorkers",
    )
    r.add(
        "GET",
        f"{c}/supervisoryOrganizations/{{id}}/workers/{{sub}}",
        x.sup_org_workers,
        name="common.supervisoryOrganizationWorkers",
    )
    r.add("GET", f"{c}/organizations", x.organizations, name="common.organizations")
    r.add("GET", f"{c}/organizations/{{id}}", x.organization, name="common.organization")
    r.add("GET", f"{c}/organizationTypes", x.org_types, name="common.organizationTypes")
    r.add("GET", f"{c}/organizationTypes/{{id}}", x.org_type, name="common.organizationType")
    r.add("GET", f"{c}/jobChangeReasons", x.reasons, name="common.jobChangeReasons")
    r.add("GET", f"{c}/jobChangeReasons/{{id}}", x.reason, name="common.jobChangeReason")
    s = "/ccx/api/staffing/{sver}/{tenant}"
    r.add("GET", f"{s}/jobProfiles", x.job_profiles, name="staffing.jobProfiles")
    r.add("GET", f"{s}/jobProfiles/{{id}}", x.job_profile, name="staffing.jobProfile")
    r.add("GET", f"{s}/workers", x.workers, name="staffing.workers")
    r.add("GET", f"{s}/workers/{{id}}", x.worker, name="staffing.worker")
    r.add(
        "GET",
        f"{s}/supervisoryOrganizations",
        x.staffing_orgs,
        name="staffing.supervisoryOrganizations",
    )
    r.add(
        "GET",
        f"{s}/supervisoryOrganizations/{{id}}",
        x.staffing_org,
        name="staffing.supervisoryOrganization",
    )
    r.add("GET", f"{s}/jobs", x.jobs, name="staffing.jobs")
    r.add("GET", f"{s}/jobs/{{id}}", x.job, name="staffing.job")
    r.add("GET", f"{s}/jobFamilies", x.job_families, name="staffing.jobFamilies")
    r.add("GET", f"{s}/jobFamilies/{{id}}", x.job_family, name="staffing.jobFamily")
    te = f"{c}/workers/{{id}}/timeOffEntries"
    r.add("GET", te, absence.common_entries, name="common.timeOffEntries")
    r.add("GET", f"{te}/{{sub}}", absence.common_entries, name="common.timeOffEntries")
    ab = "/ccx/api/absenceManagement/v1/{tenant}/workers/{id}"
    r.add(
        "GET",
        f"{ab}/timeOffDetails",
        absence.time_off_details,
        name="absence.timeOffDetails",
    )
    r.add(
        "POST",
        f"{ab}/requestTimeOff",
        absence.request_time_off,
        name="absence.requestTimeOff",
    )
    w = "/ccx/api/wql/v1/{tenant}"
    r.add("GET", f"{w}/data", wql.data, name="wql.data")
    r.add("POST", f"{w}/data", wql.data, name="wql.data")
    r.add("GET", f"{w}/dataSources", wql.data_sources, name="wql.dataSources")
    r.add("GET", f"{w}/dataSources/{{id}}", wql.data_source, name="wql.dataSource")
    r.add("GET", f"{w}/dataSources/{{id}}/fields", wql.fields, name="wql.fields")
    g = "/ccx/api/{gver}/{tenant}"
    r.add("GET", f"{g}/workers", x.g_workers, name="api.workers")
    r.add("GET", f"{g}/workers/{{id}}", x.g_worker, name="api.worker")
    r.add("GET", f"{g}/supervisoryOrganizations", x.g_orgs, name="api.supervisoryOrganizations")
    r.add(
        "GET",
        f"{g}/supervisoryOrganizations/{{id}}",
        x.g_org,
        name="api.supervisoryOrganization",
    )
    r.add(
        "GET",
        f"{g}/supervisoryOrganizations/{{id}}/orgChart",
        x.g_org_chart,
        name="api.orgChart",
    )
    r.add(
        "GET",
        f"{g}/supervisoryOrganizations/{{id}}/workers",
        x.g_org_workers,
        name="api.supervisoryOrganizationWorkers",
    )
