"""Crash and outage soak: what survives a kill -9, and what reaches a subscriber after an outage.

Bounded (one to three minutes with the defaults; every phase has a time cap) and loopback only.

1. Durability. A CRM simulator process with ``--data-dir`` and two webhook subscriptions
   (one on the CRM's default 72-hour policy, one that gives up after 2 attempts) to a
   subscriber that is down. ``--clients`` threads create Accounts for ``--load`` seconds,
   then the process gets SIGKILL mid-load. It is restarted on the same directory and the
   subscriber comes back. Counted: acknowledged creates vs creates present, their change
   events vs events retained, subscriptions, events delivered on their own afterwards,
   dead letters kept and delivered after ``POST /__admin/deliveries/redeliver``.
2. Outage. The subscriber is down for ``--outage`` seconds, longer than the retry window
   of a subscription with ``max_attempts`` 4 (about 3 s); ``--events`` Accounts are
   created during it. Counted: events dead-lettered, delivered after redelivery, lost.

    python benchmarks/bench_reliability.py                 # ~1 min
    python benchmarks/bench_reliability.py --load 30 --outage 60
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.testing import SimProcess, WebhookRecorder  # noqa: E402

V = "/services/data/v68.0"


def _api(p: SimProcess) -> httpx.Client:
    with p.admin() as a:
        creds = a.get("/tenants/default").json()["credentials"]
    c = p.client()
    r = c.post(
        "/services/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
        },
    )
    r.raise_for_status()
    c.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return c


def _creator(p: SimProcess, prefix: str, stop: threading.Event, acked: list[str]) -> None:
    with contextlib.closing(_api(p)) as c:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = c.post(f"{V}/sobjects/Account/", json={"Name": f"{prefix}-{i}"})
            except httpx.HTTPError:
                return  # the process is gone: this write was never acknowledged
            if r.status_code == 201:
                acked.append(r.json()["id"])  # list.append is atomic


def _ids_present(p: SimProcess, ids: list[str]) -> int:
    found = 0
    with contextlib.closing(_api(p)) as c:
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            q = "SELECT Id FROM Account WHERE Id IN ('" + "','".join(chunk) + "')"
            r = c.get(f"{V}/query/", params={"q": q})
            r.raise_for_status()
            found += r.json()["totalSize"]
    return found


def _record_ids(bodies: list[Any]) -> set[str]:
    return {b["data"]["payload"]["ChangeEventHeader"]["recordIds"][0] for b in bodies}


def _wait_dead(p: SimProcess, sub: str, count: int, limit: float) -> int:
    deadline = time.monotonic() + limit
    n = 0
    with p.admin() as a:
        while time.monotonic() < deadline:
            n = a.get("/deliveries", params={"status": "dead", "subscription": sub}).json()["count"]
            if n >= count:
                break
            time.sleep(0.2)
    return n


def durability(args: argparse.Namespace, data: Path) -> dict[str, Any]:
    hook = WebhookRecorder()
    hook.status = 503
    p = SimProcess("salesforce", data, "--daily-limit", "100000000").start()
    try:
        with p.admin() as a:
            for sub in (
                {"id": "live", "url": hook.url, "types": ["Account"]},
                {"id": "short", "url": hook.url, "types": ["Account"], "max_attempts": 2},
            ):
                a.post("/subscriptions", json=sub).raise_for_status()
        acked: list[str] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_creator, args=(p, f"Soak{t}", stop, acked), daemon=True)
            for t in range(args.clients)
        ]
        for t in threads:
            t.start()
        time.sleep(args.load)
        p.kill()  # mid-load: requests in flight get no answer
        stop.set()
        for t in threads:
            t.join(10)
        acknowledged = list(acked)
        hook.status = 200
        t0 = time.perf_counter()
        p.start()
        restart_s = time.perf_counter() - t0
        present = _ids_present(p, acknowledged)
        with p.admin() as a:
            subs = a.get("/subscriptions").json()["subscriptions"]
            evs = a.get(
                "/tenants/default/events", params={"type": "Account", "limit": 1_000_000}
            ).json()["events"]
        retained = {e["record_id"] for e in evs} & set(acknowledged)
        deadline = time.monotonic() + args.drain
        live: set[str] = set()
        while time.monotonic() < deadline:
            bodies = hook.wait_for(len(acknowledged), timeout=1.0)
            live = _record_ids(bodies) & set(acknowledged)
            if len(live) >= len(acknowledged):
                break
        dead = _wait_dead(p, "short", 1, 1.0)
        with p.admin() as a:
            redelivered = a.post("/deliveries/redeliver", json={"subscription": "short"}).json()
        hook.wait_for(2 * len(acknowledged), timeout=args.drain)
        with p.admin() as a:
            still_dead = a.get("/deliveries", params={"status": "dead"}).json()["count"]
        return {
            "acknowledged_writes": len(acknowledged),
            "writes_present_after_restart": present,
            "events_of_acknowledged_writes_retained": len(retained),
            "subscriptions_before": 2,
            "subscriptions_after": len(subs),
            "owed_events_delivered_after_restart": len(live),
            "dead_letters_kept": dead,
            "dead_letters_redelivered": redelivered["redelivered"],
            "dead_letters_left": still_dead,
            "restart_seconds": round(restart_s, 2),
        }
    finally:
        p.stop()
        hook.close()


def outage(args: argparse.Namespace, data: Path) -> dict[str, Any]:
    hook = WebhookRecorder()
    p = SimProcess("salesforce", data).start()
    try:
        sub = {
            "id": "window",
            "url": hook.url,
            "types": ["Account"],
            "max_attempts": 4,
            "backoff_base": 0.5,
        }
        with p.admin() as a:
            a.post("/subscriptions", json=sub).raise_for_status()
        hook.status = 503
        started = time.monotonic()
        ids = []
        with contextlib.closing(_api(p)) as c:
            for i in range(args.events):
                r = c.post(f"{V}/sobjects/Account/", json={"Name": f"Outage-{i}"})
                r.raise_for_status()
                ids.append(r.json()["id"])
        dead = _wait_dead(p, "window", args.events, args.outage)
        time.sleep(max(0.0, args.outage - (time.monotonic() - started)))
        hook.status = 200
        outage_s = time.monotonic() - started
        before = len(_record_ids(hook.wait_for(1, timeout=1.0)))
        with p.admin() as a:
            redelivered = a.post("/deliveries/redeliver", json={}).json()["redelivered"]
        got = _record_ids(hook.wait_for(args.events, timeout=args.drain)) & set(ids)
        return {
            "events": len(ids),
            "outage_seconds": round(outage_s, 1),
            "retry_window": "4 attempts, backoff from 0.5 s (about 3.5 s)",
            "dead_lettered": dead,
            "delivered_before_redelivery": before,
            "redelivered": redelivered,
            "delivered": len(got),
            "lost": len(ids) - len(got),
        }
    finally:
        p.stop()
        hook.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8, help="concurrent creating clients")
    ap.add_argument("--load", type=float, default=5.0, help="seconds of load before the kill")
    ap.add_argument("--outage", type=float, default=15.0, help="subscriber outage, seconds")
    ap.add_argument("--events", type=int, default=50, help="events made during the outage")
    ap.add_argument("--drain", type=float, default=90.0, help="cap on each delivery wait")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/reliability.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        t0 = time.perf_counter()
        d = durability(args, Path(tmp) / "crash")
        o = outage(args, Path(tmp) / "outage")
        total = time.perf_counter() - t0
    print("kill -9 mid-load, restart on the same --data-dir (CRM):")
    for k, v in d.items():
        print(f"  {k:42} {v}")
    print(f"subscriber outage longer than the retry window ({o['outage_seconds']} s):")
    for k, v in o.items():
        print(f"  {k:42} {v}")
    print(f"total {total:.1f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"args": {k: str(v) for k, v in vars(args).items()}, "durability": d, "outage": o},
            indent=2,
        )
        + "\n"
    )
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
