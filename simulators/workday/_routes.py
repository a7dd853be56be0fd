"""Workday's routes: the token endpoint, RaaS, the Common API, Staffing, absence and WQL."""

from __future__ import annotations

from simulators.engine import Router

from ._absence import Absence
from ._auth import WorkdayAuth
from ._raas import CustomReports
from ._rest import RestResources
from ._settings import WorkdaySettings
from ._wql_api import WqlResources

#: a resource served alone and with one of its items: ``/x`` and ``/x/{sub}``
SUB = ("", "/{sub}")
ONE = ("",)


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
    x = rest
    c = f"/ccx/api/common/{settings.common_version}/{{tenant}}"
    s = "/ccx/api/staffing/{sver}/{tenant}"
    g = "/ccx/api/{gver}/{tenant}"
    ab = "/ccx/api/absenceManagement/v1/{tenant}/workers/{id}"
    w = "/ccx/api/wql/v1/{tenant}"
    r.add("POST", "/ccx/oauth2/{tenant}/token", auth.token, auth=False, name="oauth2.token")
    # method, path, handler, name in the journal and fault rules, optional suffixes
    # fmt: off
    table = (
        ("GET", "/ccx/service/customreport2/{tenant}/{owner}/{report}", raas.report, "raas", ONE),
        ("GET", f"{c}/workers", x.workers, "common.workers", ONE),
        ("GET", f"{c}/workers/{{id}}", x.worker, "common.worker", ONE),
        ("GET", f"{c}/workers/{{id}}/directReports", x.direct_reports, "common.directReports", SUB),
        ("GET", f"{c}/workers/{{id}}/supervisoryOrganizationsManaged", x.orgs_managed, "common.supervisoryOrganizationsManaged", SUB),
        ("GET", f"{c}/workers/{{id}}/organizations", x.worker_orgs, "common.workerOrganizations", SUB),
        ("GET", f"{c}/workers/{{id}}/history", x.history, "common.history", ONE),
        ("POST", f"{c}/workers/{{id}}/jobChanges", x.job_change, "common.jobChanges", ONE),
        ("GET", f"{c}/supervisoryOrganizations", x.sup_orgs, "common.supervisoryOrganizations", ONE),
        ("GET", f"{c}/supervisoryOrganizations/{{id}}", x.sup_org, "common.supervisoryOrganization", ONE),
        ("GET", f"{c}/supervisoryOrganizations/{{id}}/workers", x.sup_org_workers, "common.supervisoryOrganizationWorkers", SUB),
        ("GET", f"{c}/organizations", x.organizations, "common.organizations", ONE),
        ("GET", f"{c}/organizations/{{id}}", x.organization, "common.organization", ONE),
        ("GET", f"{c}/organizationTypes", x.org_types, "common.organizationTypes", ONE),
        ("GET", f"{c}/organizationTypes/{{id}}", x.org_type, "common.organizationType", ONE),
        ("GET", f"{c}/jobChangeReasons", x.reasons, "common.jobChangeReasons", ONE),
        ("GET", f"{c}/jobChangeReasons/{{id}}", x.reason, "common.jobChangeReason", ONE),
        ("GET", f"{s}/jobProfiles", x.job_profiles, "staffing.jobProfiles", ONE),
        ("GET", f"{s}/jobProfiles/{{id}}", x.job_profile, "staffing.jobProfile", ONE),
        ("GET", f"{s}/workers", x.workers, "staffing.workers", ONE),
        ("GET", f"{s}/workers/{{id}}", x.worker, "staffing.worker", ONE),
        ("GET", f"{s}/supervisoryOrganizations", x.staffing_orgs, "staffing.supervisoryOrganizations", ONE),
        ("GET", f"{s}/supervisoryOrganizations/{{id}}", x.staffing_org, "staffing.supervisoryOrganization", ONE),
        ("GET", f"{s}/jobs", x.jobs, "staffing.jobs", ONE),
        ("GET", f"{s}/jobs/{{id}}", x.job, "staffing.job", ONE),
        ("GET", f"{s}/jobFamilies", x.job_families, "staffing.jobFamilies", ONE),
        ("GET", f"{s}/jobFamilies/{{id}}", x.job_family, "staffing.jobFamily", ONE),
        ("GET", f"{c}/workers/{{id}}/timeOffEntries", absence.common_entries, "common.timeOffEntries", SUB),
        ("GET", f"{ab}/timeOffDetails", absence.time_off_details, "absence.timeOffDetails", ONE),
        ("POST", f"{ab}/requestTimeOff", absence.request_time_off, "absence.requestTimeOff", ONE),
        ("GET", f"{w}/data", wql.data, "wql.data", ONE),
        ("POST", f"{w}/data", wql.data, "wql.data", ONE),
        ("GET", f"{w}/dataSources", wql.data_sources, "wql.dataSources", ONE),
        ("GET", f"{w}/dataSources/{{id}}", wql.data_source, "wql.dataSource", ONE),
        ("GET", f"{w}/dataSources/{{id}}/fields", wql.fields, "wql.fields", ONE),
        ("GET", f"{g}/workers", x.g_workers, "api.workers", ONE),
        ("GET", f"{g}/workers/{{id}}", x.g_worker, "api.worker", ONE),
        ("GET", f"{g}/supervisoryOrganizations", x.g_orgs, "api.supervisoryOrganizations", ONE),
        ("GET", f"{g}/supervisoryOrganizations/{{id}}", x.g_org, "api.supervisoryOrganization", ONE),
        ("GET", f"{g}/supervisoryOrganizations/{{id}}/orgChart", x.g_org_chart, "api.orgChart", ONE),
        ("GET", f"{g}/supervisoryOrganizations/{{id}}/workers", x.g_org_workers, "api.supervisoryOrganizationWorkers", ONE),
    )
    # fmt: on
    for method, path, handler, name, suffixes in table:
        r.add(method, path, handler, name=name, suffixes=suffixes)
