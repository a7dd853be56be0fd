"""NetSuite's routes: the token endpoint, metadata, governance, records, SuiteQL, async jobs."""

from __future__ import annotations

from simulators.engine import Router

from ._auth import TOKEN_PATH, NetSuiteAuth
from ._governance import GOVERNANCE_PATH, GovernanceLimits
from ._metadata import CATALOG_PATH, MetadataCatalog
from ._rest import RestResources


def add_routes(
    r: Router,
    auth: NetSuiteAuth,
    rest: RestResources,
    metadata: MetadataCatalog,
    governance: GovernanceLimits,
) -> None:
    """Register every NetSuite route on ``r``; the first registered pattern wins."""
    w = rest.wrap
    r.add("POST", TOKEN_PATH, auth.token, auth=False, name="oauth2.token")
    # before {type} routes: the first registered pattern wins
    r.add("GET", CATALOG_PATH, w(metadata.catalog, asyncable=False), name="metadata")
    r.add(
        "GET",
        f"{CATALOG_PATH}/{{type}}",
        w(metadata.record, asyncable=False),
        name="metadata.record",
    )
    r.add("GET", GOVERNANCE_PATH, w(governance.get, asyncable=False), name="governance")
    rec = "/services/rest/record/v1/{type}"
    r.add("GET", rec, w(rest.list), name="record.list")
    r.add("POST", rec, w(rest.create), name="record.create")
    r.add("GET", f"{rec}/{{id}}", w(rest.get), name="record.get")
    r.add("PATCH", f"{rec}/{{id}}", w(rest.patch), name="record.update")
    r.add("PUT", f"{rec}/{{id}}", w(rest.upsert), name="record.upsert")
    r.add("DELETE", f"{rec}/{{id}}", w(rest.delete), name="record.delete")
    r.add(
        "POST",
        f"{rec}/{{id}}/!transform/{{target}}",
        w(rest.transform),
        name="record.transform",
    )
    r.add("GET", f"{rec}/{{id}}/{{sublist}}", w(rest.sublist), name="record.sublist")
    r.add("POST", "/services/rest/query/v1/suiteql", w(rest.suiteql), name="suiteql")
    job = "/services/rest/async/v1/job/{job}"
    r.add("GET", job, w(rest.job, asyncable=False), name="async.job")
    r.add("GET", f"{job}/task", w(rest.job_tasks, asyncable=False), name="async.tasks")
    r.add("GET", f"{job}/task/{{task}}", w(rest.job_task, asyncable=False), name="async.task")
    r.add(
        "GET",
        f"{job}/task/{{task}}/result",
        w(rest.job_result, asyncable=False),
        name="async.result",
    )
