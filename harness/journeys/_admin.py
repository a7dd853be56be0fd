"""The judge's view of a simulator: its admin API (wait-for, records, journal, faults).

Journeys never act through it; they use it to wait for the stack's effects (long-poll,
never sleep loops) and to read the state invariants are checked against.
"""

from __future__ import annotations

from typing import Any

from ._errors import WaitTimeout
from ._wire import Wire


class Admin:
    """``/__admin`` of one simulator, for one simulator tenant."""

    def __init__(self, wire: Wire, tenant: str, step_timeout: float) -> None:
        self.wire = wire
        self.system = wire.system
        self.tenant = tenant
        self.step_timeout = step_timeout

    def _wait(self, body: dict[str, Any], what: str, timeout: float | None) -> dict[str, Any]:
        limit = self.wire.deadline.cap(timeout or self.step_timeout)
        r = self.wire.call(
            "POST",
            "/wait-for",
            json={"tenant": self.tenant, **body, "timeout": limit},
            timeout=limit + 10,
            expect=(200, 408),
        )
        if r.status_code == 408:
            found = r.json().get("found")
            seen = f" (found {found})" if found is not None else ""
            instead = self._instead(body.get("record"))
            raise WaitTimeout(f"no {what} in the {self.system} after {limit:.0f}s{seen}{instead}")
        return dict(r.json())

    def _instead(self, spec: dict[str, Any] | None) -> str:
        """What is there instead: the records matching all but the last keys of the wait,
        with the values of the keys that did not match."""
        if not spec or not spec.get("match") or len(spec["match"]) < 2:
            return ""
        match = dict(spec["match"])
        keys = list(match)
        for cut in range(len(keys) - 1, 0, -1):
            loose = {k: match[k] for k in keys[:cut]}
            r = self.wire.call(
                "POST",
                "/wait-for",
                json={
                    "tenant": self.tenant,
                    "record": {"type": spec["type"], "match": loose, "count": 0},
                    "timeout": 1,
                },
                expect=(200, 408),
            )
            recs = (r.json().get("records") or []) if r.status_code == 200 else []
            if recs:
                rest = keys[cut:]
                seen = [{k: rec.get(k) for k in rest} for rec in recs[:3]]
                return f"; found instead {spec['type']} matching {loose} with {seen}"
        return ""

    def wait_records(
        self,
        type_: str,
        match: dict[str, Any] | None = None,
        count: int = 1,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Until at least ``count`` records of ``type_`` equal ``match``; returns them all."""
        spec = {"type": type_, "match": match or {}, "count": count}
        what = f"{count} {type_} record(s) matching {match or {}}"
        return list(self._wait({"record": spec}, what, timeout)["records"])

    def records(self, type_: str, match: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The records equal to ``match`` now (typed values, unlike query strings)."""
        return self.wait_records(type_, match, count=0, timeout=5)

    def wait_journal(self, spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Until the simulator answered a request matching ``spec``; returns that entry."""
        entry = self._wait({"journal": spec}, f"request matching {spec}", timeout)["entry"]
        return dict(entry)

    def journal_count(self, status: int) -> int:
        r = self.wire.call("GET", "/journal", params={"status": status, "limit": 100000})
        body = r.json()
        entries = body.get("entries") if isinstance(body, dict) else body
        return len(entries or [])

    def add_fault(self, rule: dict[str, Any]) -> None:
        """A fault rule on this tenant only (other tenants may share the simulator)."""
        rule = {"tenant": self.tenant, **rule}
        self.wire.call("POST", "/faults", json=rule, expect=(200, 201))

    # -- settling, faults and the clock (resilience journeys) -------------------------

    def last_seq(self) -> int:
        r = self.wire.call("GET", "/journal", params={"limit": 0}, expect=(200,))
        return int(r.json().get("last_seq") or 0)

    def pending_deliveries(self) -> int:
        """Change events owed to this tenant's subscriptions (queued, in flight or parked
        for a retry); other tenants of the simulator may be busy with their own."""
        return sum(int(sub.get("pending") or 0) for sub in self.subscriptions())

    def quiet(self, since: int, window: float) -> bool:
        """True when no vendor request arrives for ``window`` seconds after ``since``."""
        r = self.wire.call(
            "POST",
            "/wait-for",
            json={"journal": {"since_seq": since, "tenant": self.tenant}, "timeout": window},
            timeout=window + 10,
            expect=(200, 408),
        )
        return r.status_code == 408

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        params = {"tenant": self.tenant, "limit": 10000, **filters}
        r = self.wire.call("GET", "/journal", params=params, expect=(200,))
        return list(r.json().get("entries") or [])

    def export_journal(self) -> str:
        r = self.wire.call("GET", "/journal/export", params={"tenant": self.tenant}, expect=(200,))
        return r.text

    def clear_faults(self) -> None:
        """Lift this tenant's fault rules."""
        self.wire.call("DELETE", "/faults", params={"tenant": self.tenant}, expect=(200, 204))

    def subscriptions(self) -> list[dict[str, Any]]:
        r = self.wire.call("GET", "/subscriptions", expect=(200,))
        subs = r.json().get("subscriptions") or []
        return [s for s in subs if (s.get("tenant") or "default") == self.tenant]

    def delivery_faults(self, faults: dict[str, Any]) -> int:
        """Delivery faults on every subscription of the tenant; returns how many."""
        subs = self.subscriptions()
        for sub in subs:
            self.wire.call(
                "PUT", f"/subscriptions/{sub['id']}/faults", json=faults, expect=(200, 204)
            )
        return len(subs)

    def deliveries(self, status: str) -> list[dict[str, Any]]:
        r = self.wire.call("GET", "/deliveries", params={"status": status}, expect=(200,))
        return list(r.json().get("deliveries") or [])

    def events(self, after_seq: int = 0) -> list[dict[str, Any]]:
        r = self.wire.call(
            "GET", f"/tenants/{self.tenant}/events", params={"after_seq": after_seq}, expect=(200,)
        )
        body = r.json()
        return list(body.get("events") or []) if isinstance(body, dict) else list(body)

    def expire_tokens(self) -> None:
        self.wire.call("POST", "/tokens/expire", json={"tenant": self.tenant}, expect=(200, 204))

    def clock(self) -> str:
        r = self.wire.call("GET", f"/tenants/{self.tenant}/clock", expect=(200,))
        return str(r.json().get("now"))

    def advance_clock(self, seconds: float) -> None:
        self.wire.call(
            "POST",
            f"/tenants/{self.tenant}/clock",
            json={"advance_seconds": seconds},
            expect=(200, 204),
        )

    def resubscribe(self, sub: dict[str, Any], url: str) -> None:
        """Point an existing subscription (same id, types, tenant) at another URL."""
        keep = ("id", "types", "tenant", "ops", "headers", "max_attempts", "backoff_base")
        body = {k: sub[k] for k in keep if sub.get(k) is not None}
        self.wire.call("POST", "/subscriptions", json={**body, "url": url}, expect=(200, 201))
