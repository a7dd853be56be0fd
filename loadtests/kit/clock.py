"""Journey latency and the stack's governance figures, read from the simulators' journals
and change events through their admin API by one background greenlet per run.

Journey latencies are measured between two requests the simulators journaled, so both
ends carry the same clock:

* ``closed won -> project set up``: the CRM PATCH setting ``StageName`` to Closed Won, to
  the stack's PATCH writing ``PSA_Project_Id__c`` back on that opportunity;
* ``approval -> timeBill in the ERP``: the PSA ``timesheet_approvals`` call approving a
  time entry, to the stack's ``PUT timeBill/eid:kantata-te-<entry>`` in the ERP;
* ``billing run -> invoice status in the CRM``: the billing run's start (carried in its
  correlation id, which the stack propagates) to the stack's PATCH of
  ``Invoice_Status__c`` under that correlation id.

Each is fired as a Locust request event of type ``JOURNEY``, so it appears in Locust's
percentiles, CSV and HTML beside the requests.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from typing import Any

import gevent
import requests

from harness.load._attribution import classify_event

from .context import LoadContext

JOURNEY = "JOURNEY"
CLOSED_WON = "closed won -> project set up"
APPROVAL = "approval -> timeBill in the ERP"
BILLING = "billing run -> invoice status in the CRM"
METRICS = {"closed_won": CLOSED_WON, "month_end": APPROVAL, "billing_run": BILLING}

_OPP = re.compile(r"/sobjects/Opportunity/([A-Za-z0-9]{15,18})$")
_TIMEBILL = re.compile(r"/record/v1/timeBill/eid:kantata-te-(\w+)$")
_IN_FLIGHT = 200  # requests numbered on arrival may still be running when the journal is read
_WINDOW = 2000  # journal entries are numbered on arrival and kept on completion: re-read a window


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None  # clipped by the journal


class JourneyClock:
    """Tails the four journals (and change events) while the run lasts."""

    def __init__(self, environment: Any, ctx: LoadContext, interval: float = 0.5) -> None:
        self.env = environment
        self.ctx = ctx
        self.interval = interval
        self.http = requests.Session()
        self.http.verify = ctx.verify
        self.http.trust_env = False
        self.admin = {
            s: (e["admin_url"], e.get("sim_tenant") or "default")
            for s, e in ctx.endpoints.items()
            if isinstance(e, dict) and s in ("crm", "erp", "psa", "hcm")
        }
        #: admin URL -> the header its admin API wants
        self.auth = {url: ctx.admin_headers(s) for s, (url, _) in self.admin.items()}
        self.since = dict.fromkeys(self.admin, 0)
        self.floor = dict.fromkeys(self.admin, 0)  # journaled before the run started
        self.seen: dict[str, set[int]] = {s: set() for s in self.admin}
        self.event_after = dict.fromkeys(self.admin, 0)
        self.events: dict[int, list[tuple[float, str]]] = defaultdict(list)  # seq -> (at, journey)
        self.unresolved: list[tuple[str, dict[str, Any], int]] = []
        # journey marks
        self.won_at: dict[str, float] = {}
        self.setup_at: dict[str, float] = {}
        self.subs: dict[str, list[str]] = {}
        self.approved_at: dict[str, float] = {}
        self.timebill_at: dict[str, float] = {}
        self.invoice_status: dict[tuple[str, str], float] = {}
        self.fired: set[tuple[str, str]] = set()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        # governance
        self.calls: Counter[tuple[str, str]] = Counter()  # (system, journey) -> journaled calls
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.per_second: dict[str, Counter[int]] = defaultdict(Counter)
        self.erp_spans: list[tuple[float, float]] = []
        self.backlog: list[dict[str, Any]] = []
        self.errors: Counter[str] = Counter()
        self._greenlet: gevent.Greenlet | None = None
        self._started = 0.0

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """From now on: what was journaled before (preparing the pools) does not count."""
        for system, (url, tenant) in self.admin.items():
            body = self._get(f"{url}/journal", {"limit": 1})
            self.since[system] = int(body.get("last_seq", 0)) if body else 0
            self.floor[system] = self.since[system]
            self.event_after[system] = self._last_event_seq(url, tenant)
        self._started = time.time()
        self._greenlet = gevent.spawn(self._loop)

    def _last_event_seq(self, url: str, tenant: str) -> int:
        last = 0
        while True:
            body = self._get(f"{url}/tenants/{tenant}/events", {"after_seq": last, "limit": 1000})
            evs = (body or {}).get("events") or []
            if not evs:
                return last
            last = int(evs[-1]["seq"])

    def stop(self) -> None:
        if self._greenlet is not None:
            self._greenlet.kill(block=True)
            self._greenlet = None
        self.poll()
        for system, _, _ in self.unresolved:  # their event is older than the run
            self.calls[(system, "other")] += 1
        self.unresolved = []

    def _loop(self) -> None:
        samples = 0
        while True:
            self.poll()
            samples += 1
            if samples % 4 == 1:
                self.sample_backlog()
            gevent.sleep(self.interval)

    def _get(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        try:
            headers = next((h for u, h in self.auth.items() if url.startswith(u)), None)
            r = self.http.get(url, params=params, headers=headers, timeout=10)
            if r.status_code == 200:
                return dict(r.json())
            self.errors[f"{url.split('/__admin')[0]} answered {r.status_code}"] += 1
        except (requests.RequestException, ValueError) as exc:
            self.errors[f"{url.split('/__admin')[0]}: {type(exc).__name__}"] += 1
        return None

    # -- polling ---------------------------------------------------------------------

    def poll(self) -> None:
        for system, (url, tenant) in self.admin.items():
            self._poll_events(system, url, tenant)
        for system, (url, _) in self.admin.items():
            self._poll_journal(system, url)
        self._resolve()

    def _poll_events(self, system: str, url: str, tenant: str) -> None:
        while True:
            body = self._get(
                f"{url}/tenants/{tenant}/events",
                {"after_seq": self.event_after[system], "limit": 1000},
            )
            evs = (body or {}).get("events") or []
            for ev in evs:
                journey = classify_event(system, ev["record_type"], ev.get("payload") or {})
                self.events[int(ev["seq"])].append((float(ev["at"]), journey))
                self.event_after[system] = int(ev["seq"])
            if len(evs) < 1000:
                return

    def _poll_journal(self, system: str, url: str) -> None:
        since = max(0, self.since[system] - _WINDOW)
        body = self._get(f"{url}/journal", {"since_seq": since, "limit": 10000})
        if body is None:
            return
        seen = self.seen[system]
        entries = sorted(body.get("entries") or [], key=lambda e: e["seq"])
        expected = max(self.since[system], self.floor[system]) + 1
        if entries and int(entries[0]["seq"]) > expected + _IN_FLIGHT:
            missed = int(entries[0]["seq"]) - expected
            self.errors[
                f"{system} journal overflowed between two reads ({missed} requests unseen): "
                "raise its size (PUT /__admin/journal/settings max_entries)"
            ] += 1
        for e in entries:
            seq = int(e["seq"])
            if seq in seen or seq <= self.floor[system]:
                continue
            seen.add(seq)
            self._entry(system, e)
            self.since[system] = max(self.since[system], seq)
        floor = self.since[system] - _WINDOW
        if len(seen) > 4 * _WINDOW:
            self.seen[system] = {s for s in seen if s > floor}

    def _entry(self, system: str, e: dict[str, Any]) -> None:
        at = float(e["at"])
        status = int(e["status"])
        self.per_second[system][int(at)] += 1
        if status in (429, 503):
            self.statuses[(system, status)] += 1
        if system == "erp":
            self.erp_spans.append((at, at + float(e.get("duration_ms") or 0) / 1000))
        corr = str(e.get("correlation_id") or "")
        if corr.startswith("load-"):
            self.calls[(system, corr.split("-")[1])] += 1
        elif corr.startswith("evt-"):
            self.unresolved.append((system, e, 0))
        else:
            self.calls[(system, "other")] += 1
        if status < 300:
            self._marks(system, e, at, corr)

    def _resolve(self) -> None:
        """The stack's calls carry the change event's id: attribute them to its journey."""
        keep = []
        for system, e, tries in self.unresolved:
            seq = int(str(e["correlation_id"]).rsplit("-", 1)[-1] or 0)
            at = float(e["at"])
            candidates = [c for c in self.events.get(seq, []) if c[0] <= at + 0.001]
            if candidates:
                self.calls[(system, max(candidates)[1])] += 1
            elif tries < 10:
                keep.append((system, e, tries + 1))
            else:
                self.calls[(system, "other")] += 1
        self.unresolved = keep

    # -- journey marks ---------------------------------------------------------------

    def _marks(self, system: str, e: dict[str, Any], at: float, corr: str) -> None:
        method, path = e["method"], e["path"]
        if system == "crm" and method == "PATCH":
            m = _OPP.search(path)
            body = _json(e.get("request_body") or "")
            if not m or not isinstance(body, dict):
                return
            opp = m.group(1)
            if body.get("StageName") == "Closed Won":
                self.won_at.setdefault(opp, at)
                self._pair(CLOSED_WON, opp, self.won_at.get(opp), self.setup_at.get(opp))
            if body.get("PSA_Project_Id__c"):
                self.setup_at.setdefault(opp, at)
                self._pair(CLOSED_WON, opp, self.won_at.get(opp), self.setup_at.get(opp))
            if body.get("Invoice_Status__c") and corr.startswith("load-billing_run-"):
                started = corr.rsplit("-", 1)[-1]
                if started.isdigit():
                    self._pair(BILLING, f"{corr}:{opp}", int(started) / 1000, at)
        elif system == "psa" and method == "POST" and path.endswith("timesheet_submissions.json"):
            req, resp = _json(e.get("request_body") or ""), _json(e.get("response_body") or "")
            try:
                entries = [str(x) for x in req["timesheet_submission"]["line_item_ids"]]
                sub = str(resp["results"][0]["id"])
            except (KeyError, IndexError, TypeError):
                return
            self.subs[sub] = entries
        elif system == "psa" and method == "POST" and path.endswith("timesheet_approvals.json"):
            req = _json(e.get("request_body") or "")
            try:
                subs = [str(x) for x in req["resolution"]["submission_ids"]]
            except (KeyError, TypeError):
                return
            for sub in subs:
                for entry in self.subs.get(sub, []):
                    self.approved_at.setdefault(entry, at)
                    self._pair(APPROVAL, entry, at, self.timebill_at.get(entry))
        elif system == "erp" and method == "PUT":
            m = _TIMEBILL.search(path)
            if m:
                entry = m.group(1)
                self.timebill_at.setdefault(entry, at)
                self._pair(APPROVAL, entry, self.approved_at.get(entry), at)

    def _pair(self, metric: str, key: str, start: float | None, end: float | None) -> None:
        if start is None or end is None or (metric, key) in self.fired:
            return
        self.fired.add((metric, key))
        ms = max(0.0, (end - start) * 1000)
        self.latencies[metric].append(ms)
        self.env.events.request.fire(
            request_type=JOURNEY,
            name=metric,
            response_time=ms,
            response_length=0,
            exception=None,
            context={"journey": metric},
        )

    # -- backlog ---------------------------------------------------------------------

    def sample_backlog(self) -> dict[str, Any]:
        pending = 0
        for url, _ in self.admin.values():
            body = self._get(f"{url}/health")
            pending += int((body or {}).get("pending_deliveries") or 0)
        stack: int | None = None
        health = self.ctx.target.get("health_url")
        if health:
            body = self._get(health)
            inbox = (body or {}).get("inbox")
            if isinstance(inbox, dict):
                stack = sum(int(n) for s, n in inbox.items() if s not in ("done", "dead"))
        sample = {"t": round(time.time() - self._started, 2), "deliveries": pending, "stack": stack}
        self.backlog.append(sample)
        return sample

    # -- figures ---------------------------------------------------------------------

    def erp_concurrency_peak(self) -> int:
        """Most ERP requests in flight at once (from their arrival and duration)."""
        edges = sorted([(a, 1) for a, _ in self.erp_spans] + [(b, -1) for _, b in self.erp_spans])
        peak = cur = 0
        for _, d in edges:
            cur += d
            peak = max(peak, cur)
        return peak

    def peak_rate(self, system: str) -> int:
        counts = self.per_second.get(system)
        return max(counts.values()) if counts else 0
