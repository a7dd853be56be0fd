"""CRM simulator at a million Accounts: memory per record, load rate, latency, GC pauses.

    python benchmarks/bench_crm_memory.py                   # 1,000,000 Accounts
    python benchmarks/bench_crm_memory.py --records 50000   # a quick run

Starts ``python -m simulators.salesforce`` (defaults: auth, journal and change events on)
in a subprocess pinned to --server-core, bulk-loads Accounts through the admin API
(POST /__admin/tenants/default/records/Account in batches), and reads the process RSS
(/proc/<pid>/status VmRSS) before and after. Then, at full size, it times 200 calls each
(httpx, one keep-alive connection) of

* GET /services/data/v68.0/sobjects/Account/{id}
* GET /services/data/v68.0/sobjects/Account/External_Id__c/{value}
* GET /services/data/v68.0/query/?q=SELECT Id FROM Account WHERE External_Id__c = '...'
* POST /services/data/v68.0/sobjects/Account (a realistic Account; --creates calls)

and prints p50/p99/max (client side, and server side from the simulator's journal). The
simulator runs under _gcwatch.py, which logs every garbage collection: the figures show
how many collections of each generation ran during the load and during each timed query,
and their longest pause, so a pause that grows with the store shows as it grows.
Results go to benchmarks/results/crm_memory.json. Only 127.0.0.1 is a target. Not part
of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from _common import (
    REALISTIC_ACCOUNT,
    arg_parser,
    code_version,
    crm_command,
    crm_token_form,
    write_result,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"
API = "/services/data/v68.0"
CLIENT_ID = "3MVG9simulatorConsumerKeyDefault"
CLIENT_SECRET = "simulator-consumer-secret"
TARGET_BYTES_PER_RECORD = 1536
INDUSTRIES = [
    "Consulting",
    "Technology",
    "Finance",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Energy",
    "Education",
    "Media",
    "Transportation",
]
CITIES = [
    "Boston",
    "New York",
    "Chicago",
    "San Francisco",
    "Austin",
    "Seattle",
    "Denver",
    "Atlanta",
    "London",
    "Berlin",
    "Paris",
    "Toronto",
]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM in bytes from /proc/<pid>/status."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(rest.split()[0]) * 1024
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def external_id(i: int) -> str:
    return f"EXT-{i:07d}"


def make_batch(start: int, n: int, realistic: bool = False) -> list[dict[str, Any]]:
    base = REALISTIC_ACCOUNT if realistic else {}
    return [
        {
            **base,
            "Name": f"Account {i:07d}",
            "External_Id__c": external_id(i),
            "Industry": INDUSTRIES[i % len(INDUSTRIES)],
            "BillingCity": CITIES[i % len(CITIES)],
        }
        for i in range(start, start + n)
    ]


@contextlib.contextmanager
def simulator(args: argparse.Namespace) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    args.gc_log.parent.mkdir(parents=True, exist_ok=True)
    args.gc_log.write_text("")
    # the simulator under _gcwatch.py, which logs every collection to args.gc_log
    cmd = [sys.executable, str(HERE / "_gcwatch.py"), str(args.gc_log), *crm_command(port)[1:]]
    if args.server_core is not None:
        cmd = ["taskset", "-c", str(args.server_core), *cmd]
    log(f"simulator: {' '.join(cmd)}")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"simulator exited with {proc.returncode}: {err}")
            try:
                if httpx.get(f"{base}/__admin/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("simulator did not answer within 60s")
            time.sleep(0.2)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def timed(calls: int, fn: Callable[[int], None], budget_s: float) -> list[float]:
    """Up to ``calls`` timed calls, stopping early once ``budget_s`` seconds have passed."""
    out: list[float] = []
    start = time.perf_counter()
    for i in range(calls):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000.0)
        if time.perf_counter() - start > budget_s and i + 1 < calls:
            log(f"  time budget of {budget_s:g}s spent after {i + 1} calls; stopping early")
            break
    return out


def summary(ms: list[float]) -> dict[str, float]:
    s = sorted(ms)
    return {
        "median_ms": round(statistics.median(s), 3),
        "p95_ms": round(s[min(len(s) - 1, int(len(s) * 0.95))], 3),
        "p99_ms": round(s[min(len(s) - 1, int(len(s) * 0.99))], 3),
        "mean_ms": round(statistics.fmean(s), 3),
        "max_ms": round(s[-1], 3),
    }


def gc_between(log: Path, start: float, end: float) -> dict[str, Any]:
    """Collections the simulator ran in [start, end) (wall time), from _gcwatch's log."""
    per_gen: dict[int, list[tuple[int, int]]] = {0: [], 1: [], 2: []}
    for line in log.read_text().splitlines():
        at, gen, pause_us, _, cpu_us = line.split()
        if start <= float(at) < end:
            per_gen[int(gen)].append((int(pause_us), int(cpu_us)))
    return {
        f"gen{g}": {
            "collections": len(p),
            "max_pause_ms": round(max((w for w, _ in p), default=0) / 1000, 3),
            "max_pause_cpu_ms": round(max((c for _, c in p), default=0) / 1000, 3),
            "total_pause_ms": round(sum(w for w, _ in p) / 1000, 3),
        }
        for g, p in per_gen.items()
    }


def gc_line(gcs: dict[str, Any]) -> str:
    return ", ".join(
        f"{g} {v['collections']}x max {v['max_pause_ms']:.2f} ms ({v['max_pause_cpu_ms']:.2f} CPU)"
        for g, v in gcs.items()
    )


def server_side(client: httpx.Client, base: str, route: str, since: int) -> dict[str, float]:
    r = client.get(
        f"{base}/__admin/journal", params={"route": route, "since_seq": since, "limit": 1000}
    )
    r.raise_for_status()
    durations = [float(e["duration_ms"]) for e in r.json()["entries"]]
    return summary(durations) if durations else {}


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument(
        "--records", type=int, default=1_000_000, help="Accounts to load (default 1,000,000)"
    )
    p.add_argument("--batch", type=int, default=20_000, help="records per admin bulk-load request")
    p.add_argument("--calls", type=int, default=200, help="timed calls per point query")
    p.add_argument("--creates", type=int, default=2000, help="timed creates at full size")
    p.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds allowed per point query; a slow query stops after fewer calls",
    )
    p.add_argument(
        "--server-core", type=int, default=0, help="taskset core for the simulator (-1: none)"
    )
    p.add_argument("--client-core", type=int, default=1, help="core for this script (-1: none)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--realistic",
        action="store_true",
        help="load realistic 16-field Accounts (about 2 KB as answered) instead of 4 fields",
    )
    p.add_argument("--output", type=Path, default=HERE / "results/crm_memory.json")
    p.add_argument(
        "--gc-log", type=Path, default=HERE / "results/crm_memory_gc.log", help="_gcwatch log"
    )
    args = p.parse_args()
    if args.server_core is not None and args.server_core < 0:
        args.server_core = None
    if args.client_core is not None and args.client_core >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.client_core})
    rng = random.Random(args.seed)
    started = datetime.now(UTC)

    with simulator(args) as (proc, base), httpx.Client(timeout=300.0) as client:
        client.get(f"{base}/__admin/health").raise_for_status()
        before = proc_status(proc.pid)
        log(f"RSS before load: {before['VmRSS'] / 2**20:,.1f} MiB")

        # -- bulk load ---------------------------------------------------------------
        sample_ids: list[str] = []
        loaded = 0
        post_s = 0.0
        load_started = time.time()
        tenths: list[float] = []  # wall time at each tenth of the load
        wall0 = time.perf_counter()
        last_report = wall0
        while loaded < args.records:
            n = min(args.batch, args.records - loaded)
            body = orjson.dumps({"records": make_batch(loaded, n, args.realistic)})
            t0 = time.perf_counter()
            r = client.post(
                f"{base}/__admin/tenants/default/records/Account",
                content=body,
                headers={"Content-Type": "application/json"},
            )
            post_s += time.perf_counter() - t0
            if r.status_code != 201:
                raise RuntimeError(f"bulk load answered {r.status_code}: {r.text[:500]}")
            ids = r.json()["ids"]
            if len(ids) != n:
                raise RuntimeError(f"bulk load returned {len(ids)} ids for {n} records")
            sample_ids.extend(ids[j] for j in sorted(rng.sample(range(n), min(n, 50))))
            loaded += n
            while len(tenths) < loaded * 10 // args.records:
                tenths.append(time.time())
            now = time.perf_counter()
            if now - last_report > 5 or loaded == args.records:
                rss = proc_status(proc.pid)["VmRSS"]
                log(
                    f"loaded {loaded:,}/{args.records:,} ({loaded / (now - wall0):,.0f} records/s), "
                    f"RSS {rss / 2**20:,.1f} MiB"
                )
                last_report = now
        wall_s = time.perf_counter() - wall0
        load_gc = gc_between(args.gc_log, load_started, time.time())
        marks = [load_started, *tenths]
        gen2_by_tenth = [
            gc_between(args.gc_log, a, b)["gen2"]["max_pause_ms"]
            for a, b in zip(marks, tenths, strict=False)
        ]
        log(f"GC during load: {gc_line(load_gc)}")
        log(f"longest full (gen2) pause per tenth of the load, ms: {gen2_by_tenth}")
        after = proc_status(proc.pid)
        growth = after["VmRSS"] - before["VmRSS"]
        per_record = growth / args.records
        log(
            f"RSS after load: {after['VmRSS'] / 2**20:,.1f} MiB (peak {after['VmHWM'] / 2**20:,.1f} MiB); "
            f"{per_record:,.0f} bytes/record"
        )

        # -- point queries -----------------------------------------------------------
        tok = client.post(
            f"{base}/services/oauth2/token", data=crm_token_form(CLIENT_ID, CLIENT_SECRET)
        )
        tok.raise_for_status()
        client.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
        picks = [rng.randrange(args.records) for _ in range(args.calls)]
        id_picks = [rng.choice(sample_ids) for _ in range(args.calls)]

        def by_id(i: int) -> None:
            r = client.get(f"{base}{API}/sobjects/Account/{id_picks[i]}")
            if r.status_code != 200 or r.json()["Id"] != id_picks[i]:
                raise RuntimeError(f"GET by id answered {r.status_code}: {r.text[:300]}")

        def by_external(i: int) -> None:
            ext = external_id(picks[i])
            r = client.get(f"{base}{API}/sobjects/Account/External_Id__c/{ext}")
            if r.status_code != 200 or r.json()["External_Id__c"] != ext:
                raise RuntimeError(f"GET by external id answered {r.status_code}: {r.text[:300]}")

        def soql(i: int) -> None:
            ext = external_id(picks[i])
            q = f"SELECT Id FROM Account WHERE External_Id__c = '{ext}'"
            r = client.get(f"{base}{API}/query/", params={"q": q})
            if r.status_code != 200 or r.json()["totalSize"] != 1:
                raise RuntimeError(f"SOQL answered {r.status_code}: {r.text[:300]}")

        created = itertools.count()

        def create(i: int) -> None:
            n = next(created)  # warm-up and timed calls alike take new external ids
            body = {**REALISTIC_ACCOUNT, "Name": f"Timed {n}", "External_Id__c": f"NEW-{n:07d}"}
            r = client.post(f"{base}{API}/sobjects/Account/", json=body)
            if r.status_code != 201:
                raise RuntimeError(f"create answered {r.status_code}: {r.text[:300]}")

        latencies: dict[str, Any] = {}
        for name, route, fn, calls in (
            ("get_by_id", "sobject.get", by_id, args.calls),
            ("get_by_external_id", "sobject.getByExternalId", by_external, args.calls),
            ("soql_point_query", "query", soql, args.calls),
            ("create", "sobject.create", create, args.creates),
        ):
            warm_until = time.perf_counter() + args.budget / 10
            for i in range(min(20, calls)):  # warm-up
                fn(i)
                if time.perf_counter() > warm_until:
                    break
            since = int(
                client.get(f"{base}/__admin/journal", params={"limit": 1}).json()["last_seq"]
            )
            phase_started = time.time()
            times = timed(calls, fn, args.budget)
            client_ms = summary(times)
            latencies[name] = {
                "calls": len(times),
                "client": client_ms,
                "server": server_side(client, base, route, since),
                "gc": gc_between(args.gc_log, phase_started, time.time()),
            }
            log(
                f"{name:20s} p50 {client_ms['median_ms']:.2f} ms, p99 {client_ms['p99_ms']:.2f}, "
                f"max {client_ms['max_ms']:.2f}; server p50 "
                f"{latencies[name]['server'].get('median_ms', float('nan')):.2f} ms; "
                f"GC {gc_line(latencies[name]['gc'])}"
            )
        final = proc_status(proc.pid)

    result: dict[str, Any] = {
        "benchmark": "crm_memory",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "code": code_version(),
        "records": args.records,
        "batch": args.batch,
        "rss_before_bytes": before["VmRSS"],
        "rss_after_load_bytes": after["VmRSS"],
        "rss_peak_bytes": after["VmHWM"],
        "rss_after_queries_bytes": final["VmRSS"],
        "bytes_per_record": round(per_record, 1),
        "target_bytes_per_record": TARGET_BYTES_PER_RECORD,
        "meets_memory_target": per_record < TARGET_BYTES_PER_RECORD,
        "load_seconds_wall": round(wall_s, 2),
        "load_records_per_s": round(args.records / wall_s, 1),
        "load_records_per_s_server": round(args.records / post_s, 1),
        "load_gc": load_gc,
        "load_gen2_max_pause_ms_by_tenth": gen2_by_tenth,
        "calls_per_query": args.calls,
        "latency": latencies,
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_at_end": os.getloadavg(),
            "python": platform.python_version(),
            "note": "shared 2-core machine: other work competes for both cores, figures vary",
        },
    }
    print()
    print(f"records                 {args.records:>14,}")
    print(
        f"RSS before / after      {before['VmRSS'] / 2**20:>10,.1f} MiB / {after['VmRSS'] / 2**20:,.1f} MiB "
        f"(peak {after['VmHWM'] / 2**20:,.1f} MiB)"
    )
    print(
        f"bytes per record        {per_record:>14,.0f}   (target < {TARGET_BYTES_PER_RECORD:,}: "
        f"{'met' if per_record < TARGET_BYTES_PER_RECORD else 'MISSED'})"
    )
    print(
        f"load throughput         {args.records / wall_s:>14,.0f} records/s   ({wall_s:.1f} s, "
        f"batches of {args.batch:,})"
    )
    print(f"GC during load          {gc_line(load_gc)}")
    print(f"gen2 max pause by tenth {gen2_by_tenth} ms")
    for name, lat in latencies.items():
        nan = float("nan")
        srv, c = lat["server"], lat["client"]
        print(
            f"{name:23s} {c['median_ms']:>11.2f} ms p50   (p99 {c['p99_ms']:.2f}, max "
            f"{c['max_ms']:.2f} ms; server p50 {srv.get('median_ms', nan):.2f}, p99 "
            f"{srv.get('p99_ms', nan):.2f}, max {srv.get('max_ms', nan):.2f} ms) over "
            f"{lat['calls']} calls; GC {gc_line(lat['gc'])}"
        )
    write_result(args.output, result)


if __name__ == "__main__":
    main()
