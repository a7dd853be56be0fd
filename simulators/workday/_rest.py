"""REST resources: Common v1, the older global form, and Staffing job profiles.

Lists answer {"total", "data"} paged by limit (default 20, at most 100) and zero-based
offset. Everything is read as of the tenant clock's today, so future-dated changes stay
invisible until their effective date. Terminated workers leave the lists but stay
readable by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulators.engine import Request, Response

from . import _render as V
from . import _staffing_views as SV
from ._errors import invalid, not_found
from ._job_change import JobChanges
from ._model import (
    COST_CENTER,
    JOB_PROFILE,
    ORG,
    ORG_TYPES,
    REASON,
    Directory,
    WorkerView,
    org_type_wid,
    resolve,
)
from ._wire import JSON_CT, bool_arg, item_or_page, json_response, paged

if TYPE_CHECKING:
    from ._records import BusinessProcesses
    from ._settings import WorkdaySettings


class RestResources:
    def __init__(self, bp: BusinessProcesses, settings: WorkdaySettings) -> None:
        self.bp = bp
        self.s = settings
        self.job_changes = JobChanges(bp, settings)

    # -- helpers ---------------------------------------------------------------------

    def ctx(self, req: Request) -> V.Ctx:
        t = req.tenant
        assert t is not None
        # today's date from the second's text the processes stamp with (``UtcStamps``, as
        # ``datetime.fromtimestamp``): no datetime built per request
        today = self.bp.stamps.parts(t.clock.time())[0][:10]
        d = Directory(t, today, self.s.terminated_after_termination_date)
        return V.Ctx(req.base_url, req.params["tenant"], d, self.s.common_version)

    def _page(self, req: Request, items: list[Any]) -> Response:
        return paged(req, items, self.s)

    def _worker(self, c: V.Ctx, raw: str) -> WorkerView:
        rec = c.d.worker_record(raw)
        if rec is None:
            raise not_found(f"No worker with id {raw[:64]}")
        v = c.d.view(rec)
        if v.hire_date is None:  # pre-hire: not a worker yet
            raise not_found(f"No worker with id {raw[:64]}")
        return v

    def _employed(self, c: V.Ctx, raw: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The worker and its hires and terminations, without resolving its job (a process
        checks employment only); 404 like ``_worker``."""
        rec, employment = c.d.employed_worker(raw)
        if rec is None or resolve(rec, employment, c.d.asof).hire_date is None:
            raise not_found(f"No worker with id {raw[:64]}")
        return rec, employment

    def _org(self, c: V.Ctx, raw: str) -> dict[str, Any]:
        org = c.d.lookup(ORG, raw, "code")
        if org is None:
            raise not_found(f"No supervisory organization with id {raw[:64]}")
        return org

    def _active_matching(self, req: Request, c: V.Ctx) -> list[WorkerView]:
        """The active workers, narrowed by ``search`` before they are resolved."""
        q = (req.arg("search") or "").strip().lower()
        return c.d.active_named(q.split()) if q else c.d.active()

    # -- Common v1: workers ----------------------------------------------------------

    def workers(self, req: Request) -> Response:
        c = self.ctx(req)
        views = self._active_matching(req, c)
        return paged(req, views, self.s, lambda v: V.worker_summary(c, v))

    def worker(self, req: Request) -> Response:
        c = self.ctx(req)
        # the profile reads the worker, its job, orgs and location: the store's read cache
        # keeps the body for as long as no row of the tenant changed (``total_changes``)
        store = req.tenant.store  # type: ignore[union-attr]
        raw = req.params["id"]
        key = (c.base_url, c.tenant, c.d.asof, store.conn.total_changes)
        cached = store.read_cache.get("workday:worker", raw, key)
        if cached is not None:
            return Response(200, cached, [("content-type", JSON_CT)])
        resp = json_response(V.worker_profile(c, self._worker(c, raw)))
        store.read_cache.put("workday:worker", raw, key, resp.body)
        return resp

    def direct_reports(self, req: Request) -> Response:
        c = self.ctx(req)
        v = self._worker(c, req.params["id"])
        return item_or_page(
            req,
            c.d.direct_reports(v.id),
            self.s,
            "No direct report with id {}",
            lambda r: V.worker_summary(c, r),
            lambda r, sub: sub in (r.id, f"Employee_ID={r.rec.get('employeeId')}"),
        )

    def orgs_managed(self, req: Request) -> Response:
        c = self.ctx(req)
        v = self._worker(c, req.params["id"])
        orgs = sorted(c.d.managed_orgs(v.id), key=lambda o: o.get("name", ""))
        return item_or_page(
            req, orgs, self.s, "No managed organization with id {}", lambda o: V.org_summary(c, o)
        )

    def worker_orgs(self, req: Request) -> Response:
        c = self.ctx(req)
        orgs = V.worker_organizations(c, self._worker(c, req.params["id"]))
        return item_or_page(req, orgs, self.s, "No organization with id {}")

    def history(self, req: Request) -> Response:
        c = self.ctx(req)
        v = self._worker(c, req.params["id"])
        items = [
            {
                "id": e["eventId"],
                "descriptor": f"{e['type']}: {v.name}",
                "businessProcessType": {"descriptor": e["type"]},
                "effective": e["effective"],
                "completedOn": e["completedOn"],
            }
            for e in reversed(v.events)
        ]
        return self._page(req, items)

    def job_change(self, req: Request) -> Response:
        """POST /workers/{id}/jobChanges (ChangeJobInput)."""
        return self.job_changes.post(req)

    # -- Common v1: organizations ----------------------------------------------------

    def sup_orgs(self, req: Request) -> Response:
        c = self.ctx(req)
        orgs = sorted(c.d.all(ORG).values(), key=lambda o: (o.get("name", ""), o["id"]))
        return self._page(req, [V.org_summary(c, o) for o in orgs])

    def sup_org(self, req: Request) -> Response:
        c = self.ctx(req)
        return json_response(V.org_summary(c, self._org(c, req.params["id"])))

    def sup_org_workers(self, req: Request) -> Response:
        c = self.ctx(req)
        org = self._org(c, req.params["id"])
        return item_or_page(
            req,
            c.d.org_members(org["id"]),
            self.s,
            "No worker with id {} in this organization",
            lambda m: V.worker_summary(c, m),
            lambda m, sub: bool(m.id == sub),
        )

    def _org_types(self, req: Request) -> list[str]:
        raw = req.arg("type")
        if raw is None or raw == "":
            return [ORG, COST_CENTER]
        key = "".join(ch for ch in raw.lower() if ch.isalnum())
        for k, desc in ORG_TYPES:
            if raw == org_type_wid(k) or key in (
                k,
                "".join(ch for ch in desc.lower() if ch.isalnum()),
            ):
                return [ORG if k == "supervisory" else COST_CENTER]
        raise invalid(f"Invalid ID value. '{raw[:64]}' is not a valid organization type.", "type")

    def organizations(self, req: Request) -> Response:
        c = self.ctx(req)
        items: list[dict[str, Any]] = []
        for t in self._org_types(req):
            recs = sorted(c.d.all(t).values(), key=lambda o: (o.get("name", ""), o["id"]))
            items.extend(V.organization(c, r, t) for r in recs)
        return self._page(req, items)

    def organization(self, req: Request) -> Response:
        c = self.ctx(req)
        for t in (ORG, COST_CENTER):
            rec = c.d.lookup(t, req.params["id"], "code")
            if rec is not None:
                return json_response(V.organization(c, rec, t))
        raise not_found(f"No organization with id {req.params['id'][:64]}")

    def org_types(self, req: Request) -> Response:
        c = self.ctx(req)
        return self._page(req, [V.org_type_ref(c, k) for k, _ in ORG_TYPES])

    def org_type(self, req: Request) -> Response:
        c = self.ctx(req)
        for k, _ in ORG_TYPES:
            if org_type_wid(k) == req.params["id"]:
                return json_response(V.org_type_ref(c, k))
        raise not_found(f"No organization type with id {req.params['id'][:64]}")

    def reasons(self, req: Request) -> Response:
        c = self.ctx(req)
        recs = sorted(c.d.all(REASON).values(), key=lambda r: r.get("name", ""))
        return self._page(req, [V.reason(c, r) for r in recs])

    def reason(self, req: Request) -> Response:
        c = self.ctx(req)
        rec = c.d.get(REASON, req.params["id"])
        if rec is None:
            raise not_found(f"No job change reason with id {req.params['id'][:64]}")
        return json_response(V.reason(c, rec))

    # -- Staffing --------------------------------------------------------------------

    def job_profiles(self, req: Request) -> Response:
        c = self.ctx(req)
        inactive = bool_arg(req, "includeInactive")
        recs = sorted(c.d.all(JOB_PROFILE).values(), key=lambda p: (p.get("name", ""), p["id"]))
        return self._page(
            req,
            [
                V.job_profile(c, p, req.params["sver"])
                for p in recs
                if inactive or not p.get("inactive")
            ],
        )

    def staffing_orgs(self, req: Request) -> Response:
        c = self.ctx(req)
        orgs = sorted(c.d.all(ORG).values(), key=lambda o: (o.get("name", ""), o["id"]))
        return self._page(req, [SV.supervisory_org(c, o, req.params["sver"]) for o in orgs])

    def staffing_org(self, req: Request) -> Response:
        c = self.ctx(req)
        org = self._org(c, req.params["id"])
        return json_response(SV.supervisory_org(c, org, req.params["sver"]))

    def jobs(self, req: Request) -> Response:
        c = self.ctx(req)
        return self._page(req, [SV.job(c, v, req.params["sver"]) for v in c.d.active()])

    def job(self, req: Request) -> Response:
        c = self.ctx(req)
        raw = req.params["id"]
        hit = next((v for v in c.d.active() if SV.job_id(v) == raw), None)
        if hit is None:
            raise not_found(f"No job with id {raw[:64]}")
        return json_response(SV.job(c, hit, req.params["sver"]))

    def job_families(self, req: Request) -> Response:
        c = self.ctx(req)
        return self._page(req, SV.job_families(c, req.params["sver"]))

    def job_family(self, req: Request) -> Response:
        c = self.ctx(req)
        raw = req.params["id"]
        hit = next((f for f in SV.job_families(c, req.params["sver"]) if f["id"] == raw), None)
        if hit is None:
            raise not_found(f"No job family with id {raw[:64]}")
        return json_response(hit)

    def job_profile(self, req: Request) -> Response:
        c = self.ctx(req)
        rec = c.d.lookup(JOB_PROFILE, req.params["id"], "code")
        if rec is None:
            raise not_found(f"No job profile with id {req.params['id'][:64]}")
        return json_response(V.job_profile(c, rec, req.params["sver"]))

    # -- the older global form (/ccx/api/v4/{tenant}/...) -----------------------------

    def g_workers(self, req: Request) -> Response:
        c = self.ctx(req)
        views = self._active_matching(req, c)
        ver = req.params["gver"]
        return paged(req, views, self.s, lambda v: V.global_worker(c, v, ver))

    def g_worker(self, req: Request) -> Response:
        c = self.ctx(req)
        return json_response(
            V.global_worker(c, self._worker(c, req.params["id"]), req.params["gver"])
        )

    def g_orgs(self, req: Request) -> Response:
        c = self.ctx(req)
        orgs = sorted(c.d.all(ORG).values(), key=lambda o: (o.get("name", ""), o["id"]))
        return self._page(req, [V.global_org(c, o, req.params["gver"]) for o in orgs])

    def g_org(self, req: Request) -> Response:
        c = self.ctx(req)
        return json_response(V.global_org(c, self._org(c, req.params["id"]), req.params["gver"]))

    def g_org_chart(self, req: Request) -> Response:
        c = self.ctx(req)
        chart = V.org_chart(c, self._org(c, req.params["id"]), req.params["gver"])
        return self._page(req, [chart])

    def g_org_workers(self, req: Request) -> Response:
        c = self.ctx(req)
        org = self._org(c, req.params["id"])
        members = c.d.org_members(org["id"])
        ver = req.params["gver"]
        return self._page(req, [V.global_worker(c, m, ver) for m in members])


def version_check(req: Request, allowed: tuple[str, ...], key: str) -> None:
    """404 for a service version the simulator does not serve."""
    v = req.params.get(key)
    if v is not None and v not in allowed:
        raise not_found(f"No API version {v[:16]}")
