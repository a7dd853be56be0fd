"""The admin API under /__admin/ (WireMock's convention), one small handler per task.

Tenants, bulk load, snapshots, journal, faults, clock, tokens, subscriptions,
deliveries, change events and wait-for. Errors are JSON: {"error": {"code", "message", "hint"}}.
"""

from __future__ import annotations

import math
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._errors import ConfigError, HttpError
from ._http import Request, Response, Router
from ._journal import JournalFilter
from ._names import check_snapshot_name
from ._parse import admin_json as _body
from ._tenants import DEFAULT_TENANT, Tenant

if TYPE_CHECKING:
    from ._app import Simulator
    from ._services import Limiter


def _dt(value: Any, what: str) -> datetime:
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"{what} must be an ISO 8601 datetime such as 2026-01-31T09:00:00Z"
        ) from None
    if dt.tzinfo is None:
        raise ConfigError(f"{what} needs a UTC offset, e.g. 2026-01-31T09:00:00Z")
    return dt


_MAX_INT_ARG = 2**53


def _int_arg(req: Request, name: str, default: int) -> int:
    v = req.arg(name)
    if v in (None, ""):
        return default
    try:
        n = int(v)
    except ValueError:
        raise ConfigError(f"query parameter {name} must be an integer, got {v!r}") from None
    if not 0 <= n <= _MAX_INT_ARG:
        raise ConfigError(f"query parameter {name} must be between 0 and {_MAX_INT_ARG}")
    return n


def _int_value(body: dict[str, Any], name: str, default: int) -> int:
    v = body.get(name, default)
    try:
        n = int(v)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{name} must be an integer, got {v!r}") from None
    if not 0 <= n <= _MAX_INT_ARG:
        raise ConfigError(f"{name} must be between 0 and {_MAX_INT_ARG}")
    return n


def _float_value(body: dict[str, Any], name: str) -> float | None:
    v = body.get(name)
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {v!r}") from None
    if not math.isfinite(f):
        raise ConfigError(f"{name} must be a finite number, got {v!r}")
    return f


#: "failed" is what an event that ran out of retries was called before dead letters
_DELIVERY_STATUSES = frozenset({"pending", "retrying", "delivered", "dead", "failed", "dropped"})


class AdminApi:
    """Handlers bound to one simulator."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def tenant(self, req: Request) -> Tenant:
        return self.sim.tenants.get(req.params["tenant"])

    # -- health and tenants ----------------------------------------------------------

    def index(self, req: Request) -> Response:
        return Response.json(
            {
                "endpoints": sorted(
                    {f"{' '.join(r.methods)} {r.pattern}" for r in self.sim.admin_router.routes}
                )
            }
        )

    def health(self, req: Request) -> Response:
        sim = self.sim
        return Response.json(
            {
                "status": "UP",
                "vendor": sim.dialect.vendor,
                "system": sim.dialect.system,
                "base_url": sim.base_url,
                "uptime_seconds": round(time.time() - sim.started_at, 3),
                "tenants": sim.tenants.names(),
                "journal": {
                    "entries": len(sim.journal),
                    "max_entries": sim.journal.max_entries,
                    "total_recorded": sim.journal.total_recorded,
                },
                "faults": len(sim.faults.rules),
                "subscriptions": len(sim.events.subscriptions),
                "pending_deliveries": sim.events.pending(),
                "persistent": sim.settings.data_dir is not None,
                **sim.dialect.describe(),
            }
        )

    def list_tenants(self, req: Request) -> Response:
        return Response.json(
            {"tenants": [self._tenant_info(t, brief=True) for t in self.sim.tenants.all()]}
        )

    def _tenant_info(self, t: Tenant, brief: bool = False) -> dict[str, Any]:
        info: dict[str, Any] = {"name": t.name, "clock": t.clock.state()}
        if not brief:
            info["records"] = t.store.counts_by_type()
            info["snapshots"] = self._snapshot_names(t)
        info["credentials"] = self.sim.dialect.credentials(t, self.sim.base_url)
        return info

    def create_tenant(self, req: Request) -> Response:
        body = _body(req)
        name = body.get("name") or f"t-{time.time_ns():x}"
        existed = self.sim.tenants.find(str(name)) is not None
        t = self.sim.tenants.get_or_create(str(name))
        return Response.json(self._tenant_info(t), 200 if existed else 201)

    def get_tenant(self, req: Request) -> Response:
        return Response.json(self._tenant_info(self.tenant(req)))

    def delete_tenant(self, req: Request) -> Response:
        name = req.params["tenant"]
        if name == DEFAULT_TENANT:
            raise ConfigError("the default tenant cannot be deleted", hint="reset it instead")
        self.sim.drop_tenant(name)
        return Response.empty()

    def reset_tenant(self, req: Request) -> Response:
        t = self.tenant(req)
        self.sim.reset_tenant(t)
        return Response.json(self._tenant_info(t))

    def reset_all(self, req: Request) -> Response:
        """Reset every tenant, delete the non-default ones, clear journal, faults and subscriptions."""
        for name in self.sim.tenants.names():
            if name != DEFAULT_TENANT:
                self.sim.drop_tenant(name)
        self.sim.reset_tenant(self.sim.tenants.get(DEFAULT_TENANT))
        self.sim.journal.clear()
        self.sim.faults.clear()
        for sub_id in list(self.sim.events.subscriptions):
            self.sim.events.unsubscribe(sub_id)
        self.sim.events.deliveries.clear()
        self.sim.events.dead.clear()
        return Response.json({"reset": True})

    # -- limits ----------------------------------------------------------------------

    def _limiter(self, req: Request) -> Limiter:
        limiter = self.sim.dialect.limiter(self.tenant(req))
        if limiter is None:
            raise HttpError(404, "NOT_FOUND", f"{self.sim.dialect.vendor} has no limits to set")
        return limiter

    def get_limits(self, req: Request) -> Response:
        return Response.json(self._limiter(req).to_dict())

    def set_limits(self, req: Request) -> Response:
        limiter = self._limiter(req)
        limiter.configure(_body(req))
        return Response.json(limiter.to_dict())

    # -- records ---------------------------------------------------------------------

    def bulk_load(self, req: Request) -> Response:
        t = self.tenant(req)
        body = _body(req)
        records = body.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ConfigError('bulk load needs {"records": [{...}, ...]}')
        ids = self.sim.dialect.bulk_load(t, req.params["type"], records)
        t.notify_change()
        return Response.json({"type": req.params["type"], "count": len(ids), "ids": ids}, 201)

    def list_records(self, req: Request) -> Response:
        t = self.tenant(req)
        match = {k: v for k, v in req.query_pairs() if k not in ("limit", "include_deleted")}
        limit = _int_arg(req, "limit", 100)
        recs = t.store.find(
            req.params["type"],
            match,
            include_deleted=req.arg("include_deleted") == "true",
            limit=limit,
        )
        return Response.json({"type": req.params["type"], "count": len(recs), "records": recs})

    # -- snapshots -------------------------------------------------------------------

    def _snapshot_names(self, t: Tenant) -> list[str]:
        names = set(t.snapshots)
        d = self.sim.tenants.snapshot_path(t.name, "x")
        if d is not None and d.parent.exists():
            names |= {p.stem for p in d.parent.glob("*.sqlite3")}
        return sorted(names)

    def snapshot(self, req: Request) -> Response:
        t = self.tenant(req)
        name = check_snapshot_name(str(_body(req).get("name") or f"snap-{time.time_ns():x}"))
        path = self.sim.tenants.snapshot_path(t.name, name)
        conn = t.store.snapshot_to(path)
        if conn is not None:
            old = t.snapshots.pop(name, None)
            if old is not None:
                old.close()
            t.snapshots[name] = conn
        return Response.json({"tenant": t.name, "name": name, "records": t.store.count()}, 201)

    def list_snapshots(self, req: Request) -> Response:
        return Response.json({"snapshots": self._snapshot_names(self.tenant(req))})

    def restore(self, req: Request) -> Response:
        t = self.tenant(req)
        name = req.params["name"]
        path = self.sim.tenants.snapshot_path(t.name, name)
        if name in t.snapshots:
            t.store.restore_from(t.snapshots[name])
        elif path is not None and path.exists():
            t.store.restore_from(path)
        else:
            raise HttpError(404, "NOT_FOUND", f"no snapshot {name!r} of tenant {t.name!r}")
        self.sim.dialect.setup_tenant(t)
        self.sim.events.resync(t.name)
        t.notify_change()
        return Response.json({"tenant": t.name, "restored": name, "records": t.store.count()})

    def delete_snapshot(self, req: Request) -> Response:
        t = self.tenant(req)
        name = req.params["name"]
        conn = t.snapshots.pop(name, None)
        if conn is not None:
            conn.close()
        path = self.sim.tenants.snapshot_path(t.name, name)
        if path is not None:
            path.unlink(missing_ok=True)
        return Response.empty()

    # -- clock -----------------------------------------------------------------------

    def get_clock(self, req: Request) -> Response:
        return Response.json(self.tenant(req).clock.state())

    def set_clock(self, req: Request) -> Response:
        t = self.tenant(req)
        body = _body(req)
        clock = t.clock
        known = {"freeze", "at", "advance_seconds", "unfreeze", "reset"}
        unknown = set(body) - known
        if unknown:
            raise ConfigError(
                f"unknown clock settings {sorted(unknown)}", hint=f"allowed: {sorted(known)}"
            )
        if body.get("reset"):
            clock.reset()
        if body.get("freeze"):
            clock.freeze(_dt(body["at"], "at") if body.get("at") else None)
        elif body.get("at"):
            clock.set(_dt(body["at"], "at"))
        if body.get("advance_seconds") is not None:
            try:
                clock.advance(float(body["advance_seconds"]))
            except (TypeError, ValueError):
                raise ConfigError("advance_seconds must be a number") from None
        if body.get("unfreeze"):
            clock.unfreeze()
        return Response.json(clock.state())

    # -- tokens ----------------------------------------------------------------------

    def mint_token(self, req: Request) -> Response:
        t = self.tenant(req)
        body = _body(req)
        tok = self.sim.tokens.issue(
            t.name,
            str(body.get("subject") or "admin"),
            t.clock,
            ttl=_float_value(body, "ttl_seconds"),
            prefix=str(body.get("prefix") or ""),
        )
        return Response.json(tok.public(), 201)

    def list_tokens(self, req: Request) -> Response:
        return Response.json(
            {"tokens": [t.public() for t in self.sim.tokens.list(req.arg("tenant"))]}
        )

    def expire_tokens(self, req: Request) -> Response:
        body = _body(req)
        clocks = {t.name: t.clock for t in self.sim.tenants.all()}
        n = self.sim.tokens.expire(
            tenant=body.get("tenant"),
            token=body.get("token"),
            kind=body.get("kind", "access"),
            clocks=clocks,
        )
        return Response.json({"expired": n})

    def revoke_tokens(self, req: Request) -> Response:
        body = _body(req)
        n = self.sim.tokens.revoke(
            tenant=body.get("tenant"), token=body.get("token"), kind=body.get("kind")
        )
        return Response.json({"revoked": n})

    # -- journal ---------------------------------------------------------------------

    def journal(self, req: Request) -> Response:
        flt = JournalFilter.from_mapping(dict(req.query_pairs()))
        entries = self.sim.journal.query(flt, _int_arg(req, "limit", 1000))
        return Response.json(
            {
                "count": len(entries),
                "last_seq": self.sim.journal.last_seq,
                "entries": [e.to_dict() for e in entries],
            }
        )

    def journal_export(self, req: Request) -> Response:
        flt = JournalFilter.from_mapping(dict(req.query_pairs()))
        return Response(
            200, self.sim.journal.export_jsonl(flt), [("content-type", "application/x-ndjson")]
        )

    def journal_clear(self, req: Request) -> Response:
        self.sim.journal.clear(req.arg("tenant"))
        return Response.empty()

    def journal_settings(self, req: Request) -> Response:
        body = _body(req)
        j = self.sim.journal
        if "max_entries" in body:
            n = _int_value(body, "max_entries", 1)
            if n < 1:
                raise ConfigError("max_entries must be at least 1")
            j.resize(n)
        if "max_body_bytes" in body:
            j.max_body_bytes = _int_value(body, "max_body_bytes", 0)
        if "enabled" in body:
            j.enabled = bool(body["enabled"])
        return Response.json(
            {"max_entries": j.max_entries, "max_body_bytes": j.max_body_bytes, "enabled": j.enabled}
        )

    # -- faults ----------------------------------------------------------------------

    def list_faults(self, req: Request) -> Response:
        return Response.json({"faults": [r.to_dict() for r in self.sim.faults.rules]})

    def add_fault(self, req: Request) -> Response:
        rule = self.sim.faults.add(_body(req))
        return Response.json(rule.to_dict(), 201)

    def delete_fault(self, req: Request) -> Response:
        if not self.sim.faults.remove(req.params["id"]):
            raise HttpError(404, "NOT_FOUND", f"no fault rule {req.params['id']!r}")
        return Response.empty()

    def clear_faults(self, req: Request) -> Response:
        self.sim.faults.clear(req.arg("tenant"))
        return Response.empty()

    # -- events and subscriptions ----------------------------------------------------

    def list_events(self, req: Request) -> Response:
        t = self.tenant(req)
        evs = self.sim.events.events(
            t.name,
            after_seq=_int_arg(req, "after_seq", 0),
            record_type=req.arg("type"),
            limit=_int_arg(req, "limit", 1000),
        )
        return Response.json({"count": len(evs), "events": [e.to_dict() for e in evs]})

    def list_subscriptions(self, req: Request) -> Response:
        return Response.json(
            {"subscriptions": [s.to_dict() for s in self.sim.events.subscriptions.values()]}
        )

    def subscribe(self, req: Request) -> Response:
        sub = self.sim.events.subscribe(_body(req))
        return Response.json(sub.to_dict(), 201)

    def unsubscribe(self, req: Request) -> Response:
        if not self.sim.events.unsubscribe(req.params["id"]):
            raise HttpError(404, "NOT_FOUND", f"no subscription {req.params['id']!r}")
        return Response.empty()

    def subscription_faults(self, req: Request) -> Response:
        sub = self.sim.events.set_faults(req.params["id"], _body(req))
        return Response.json(sub.to_dict())

    def deliveries(self, req: Request) -> Response:
        sub, status = req.arg("subscription"), req.arg("status")
        if status is not None and status not in _DELIVERY_STATUSES:
            raise ConfigError(
                f"unknown delivery status {status!r}", hint=f"one of {sorted(_DELIVERY_STATUSES)}"
            )
        if status in ("dead", "failed"):  # the dead letters: complete, kept across restarts
            recs = [d.to_dict() for d in self.sim.events.dead_letters(sub, req.arg("tenant"))]
        else:
            recs = [
                d.to_dict()
                for d in self.sim.events.deliveries
                if (sub is None or d.subscription == sub) and (status is None or d.status == status)
            ]
        return Response.json({"count": len(recs), "deliveries": recs})

    def redeliver(self, req: Request) -> Response:
        """Queue dead letters again: all, one subscription's, one tenant's or the listed ids."""
        body = _body(req)
        ids = body.get("ids")
        if ids is not None and (
            not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)
        ):
            raise ConfigError(
                '"ids" must be a list of dead-letter ids from GET /deliveries?status=dead'
            )
        letters = self.sim.events.dead_letters(body.get("subscription"), body.get("tenant"))
        if ids is not None:
            wanted = set(ids)
            letters = [dl for dl in letters if dl.record.id in wanted]
        return Response.json({"redelivered": self.sim.events.redeliver(letters)})

    def redeliver_one(self, req: Request) -> Response:
        letters = [d for d in self.sim.events.dead_letters() if d.record.id == req.params["id"]]
        if not letters:
            raise HttpError(404, "NOT_FOUND", f"no dead letter {req.params['id']!r}")
        return Response.json({"redelivered": self.sim.events.redeliver(letters)})

    # -- wait-for --------------------------------------------------------------------

    async def wait_for(self, req: Request) -> Response:
        """Long-poll until a record, a journal entry or an event matches, or time out (408)."""
        body = _body(req)
        try:
            timeout = min(float(body.get("timeout", 10.0)), 300.0)
        except (TypeError, ValueError):
            raise ConfigError("timeout must be a number of seconds") from None
        if math.isnan(timeout):
            raise ConfigError("timeout must be a number of seconds")
        deadline = time.monotonic() + timeout
        if "journal" in body:
            jf = body["journal"]
            if not isinstance(jf, dict):
                raise ConfigError(
                    '"journal" must be a filter object, e.g. {"method": "POST", "path": "/sobjects"}'
                )
            entry = await self.sim.journal.wait_for(JournalFilter.from_mapping(jf), timeout)
            if entry is None:
                return Response.json({"matched": False, "timeout": timeout}, 408)
            return Response.json({"matched": True, "entry": entry.to_dict()})
        spec = body.get("record") or body.get("event")
        if (
            not isinstance(spec, dict)
            or not spec.get("type")
            or not isinstance(spec.get("match") or {}, dict)
        ):
            raise ConfigError(
                'wait-for needs "record": {"type": ..., "match": {...}}, "event": {...} or "journal": {...}'
            )
        t = self.sim.tenants.get(str(body.get("tenant", DEFAULT_TENANT)))
        count = _int_value(spec, "count", 1)
        after_seq = _int_value(spec, "after_seq", 0)
        while True:
            if "record" in body:
                found: list[Any] = t.store.find(
                    str(spec["type"]),
                    spec.get("match") or {},
                    include_deleted=bool(spec.get("include_deleted")),
                )
            else:
                ops = spec.get("op")
                found = [
                    e.to_dict()
                    for e in self.sim.events.events(
                        t.name,
                        after_seq=after_seq,
                        record_type=str(spec["type"]),
                    )
                    if ops is None or e.op == ops
                ]
            if len(found) >= count:
                key = "records" if "record" in body else "events"
                return Response.json({"matched": True, key: found})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Response.json(
                    {"matched": False, "timeout": timeout, "found": len(found)}, 408
                )
            await t.wait_change(remaining)


def register_admin_routes(sim: Simulator, r: Router) -> None:
    a = AdminApi(sim)
    p = "/__admin"
    vendor = sim.dialect.vendor
    r.add("GET", f"{p}/", a.index, auth=False)
    r.add("GET", f"{p}/health", a.health, auth=False)
    r.add("POST", f"{p}/reset", a.reset_all, auth=False)
    r.add("GET", f"{p}/tenants", a.list_tenants, auth=False)
    r.add("POST", f"{p}/tenants", a.create_tenant, auth=False)
    r.add("GET", f"{p}/tenants/{{tenant}}", a.get_tenant, auth=False)
    r.add("DELETE", f"{p}/tenants/{{tenant}}", a.delete_tenant, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/reset", a.reset_tenant, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/records/{{type}}", a.bulk_load, auth=False)
    r.add("GET", f"{p}/tenants/{{tenant}}/records/{{type}}", a.list_records, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/snapshots", a.snapshot, auth=False)
    r.add("GET", f"{p}/tenants/{{tenant}}/snapshots", a.list_snapshots, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/snapshots/{{name}}/restore", a.restore, auth=False)
    r.add("DELETE", f"{p}/tenants/{{tenant}}/snapshots/{{name}}", a.delete_snapshot, auth=False)
    r.add("GET", f"{p}/tenants/{{tenant}}/clock", a.get_clock, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/clock", a.set_clock, auth=False)
    r.add("POST", f"{p}/tenants/{{tenant}}/tokens", a.mint_token, auth=False)
    r.add("GET", f"{p}/tenants/{{tenant}}/events", a.list_events, auth=False)
    r.add("GET", f"{p}/tokens", a.list_tokens, auth=False)
    r.add("POST", f"{p}/tokens/expire", a.expire_tokens, auth=False)
    r.add("POST", f"{p}/tokens/revoke", a.revoke_tokens, auth=False)
    r.add("GET", f"{p}/journal", a.journal, auth=False)
    r.add("DELETE", f"{p}/journal", a.journal_clear, auth=False)
    r.add("GET", f"{p}/journal/export", a.journal_export, auth=False)
    r.add("PUT", f"{p}/journal/settings", a.journal_settings, auth=False)
    r.add("GET", f"{p}/faults", a.list_faults, auth=False)
    r.add("POST", f"{p}/faults", a.add_fault, auth=False)
    r.add("DELETE", f"{p}/faults", a.clear_faults, auth=False)
    r.add("DELETE", f"{p}/faults/{{id}}", a.delete_fault, auth=False)
    r.add("GET", f"{p}/subscriptions", a.list_subscriptions, auth=False)
    r.add("POST", f"{p}/subscriptions", a.subscribe, auth=False)
    r.add("DELETE", f"{p}/subscriptions/{{id}}", a.unsubscribe, auth=False)
    r.add("PUT", f"{p}/subscriptions/{{id}}/faults", a.subscription_faults, auth=False)
    r.add("GET", f"{p}/deliveries", a.deliveries, auth=False)
    r.add("POST", f"{p}/deliveries/redeliver", a.redeliver, auth=False)
    r.add("POST", f"{p}/deliveries/{{id}}/redeliver", a.redeliver_one, auth=False)
    r.add("POST", f"{p}/wait-for", a.wait_for, auth=False)
    sim.dialect.admin_routes(r)
    # one limiter interface for every vendor; the vendor-named path is the older spelling
    for path in (f"{p}/tenants/{{tenant}}/limits", f"{p}/tenants/{{tenant}}/{vendor}/limits"):
        r.add("GET", path, a.get_limits, auth=False)
        r.add("PUT", path, a.set_limits, auth=False)
