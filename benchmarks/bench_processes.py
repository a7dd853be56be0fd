"""Throughput of the CRM simulator behind HAProxy with 1, 2, ... processes (``--processes``).

Per round and per process count N: ``ShardedStack`` (the layout of ``harness up
--processes N``, CRM only, daily API limit raised), four tenants created through the
proxy's admin API (spread evenly: with N=2, two live on each process), one realistic Account per tenant,
a client-credentials token per tenant; then ``wrk -t1 -c64 --latency`` creates Accounts
(``--op create``, the default) or GETs the four (``--op get``), the tenants in turn, each
with its tenant's token, through HAProxy. The same run measures
the yardstick (the trivial Starlette app of ``yardstick_app.py`` on uvicorn, no proxy)
with the same wrk settings. Only 127.0.0.1 is targeted; every wrk run is bounded.

    nice -n 10 python benchmarks/bench_processes.py                    # N = 1, 2; 2 rounds
    nice -n 10 python benchmarks/bench_processes.py --processes 1,2,3 --duration 8
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _common import REALISTIC_ACCOUNT, load_average, start_yardstick  # noqa: E402

from harness.stack import StackSettings  # noqa: E402
from harness.stack._proxy import home_process  # noqa: E402
from harness.stack._sharded import ShardedStack  # noqa: E402

API = "/services/data/v68.0"
TENANTS_PER_RUN = 4
#: a SOQL query no index serves: the simulator scans the tenant's Accounts (``--records``)
QUERY = "SELECT+Id,+Name+FROM+Account+WHERE+BillingCity+=+'Nowhere'"


def tenants_for(processes: int) -> list[str]:
    """Four tenant names spread evenly over the processes (tenant k on process k % N)."""
    names: list[str] = []
    candidates = (f"bench-{i}" for i in range(10_000))
    for k in range(TENANTS_PER_RUN):
        names.append(next(c for c in candidates if home_process(c, processes) == k % processes))
    return names


def _wrk(
    base: str, requests: list[tuple[str, str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    """wrk sends ``requests`` ((method, path, bearer token) triples) in turn; a POST
    carries the realistic Account. Returns req/s, p50, p99, non-2xx answers."""
    body = json.dumps(REALISTIC_ACCOUNT)
    lines = ["local reqs = {}", "local i = 0", "init = function(args)"]
    for n, (method, path, token) in enumerate(requests, 1):
        headers = '["Content-Type"] = "application/json"'
        if token:
            headers += f', ["Authorization"] = "Bearer {token}"'
        data = f"[[{body}]]" if method == "POST" else "nil"
        lines.append(f'  reqs[{n}] = wrk.format("{method}", "{path}", {{{headers}}}, {data})')
    lines += ["end", "request = function()", "  i = i + 1", "  return reqs[(i % #reqs) + 1]", "end"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        script = f.name
    result: dict[str, Any] = {}
    for phase, seconds in (("warmup", args.warmup), ("measure", args.duration)):
        cmd = ["wrk", "-t1", f"-c{args.connections}", f"-d{seconds}s", "--latency", "-s", script]
        out = subprocess.run(
            [*cmd, base], capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
        if phase == "measure":
            result = {
                "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
                "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out)),
                "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out)),
                "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx.*?(\d+)", out)) else 0,
                "errors": bool(re.search(r"Socket errors", out)),
            }
    Path(script).unlink()
    return result


def _ms(m: re.Match[str] | None) -> float:
    if m is None:
        return float("nan")
    value = m.group(1)
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(unit):
            return round(float(value[: -len(unit)]) * factor, 2)
    return float(value)


def run_sharded(processes: int, args: argparse.Namespace) -> dict[str, Any]:
    settings = StackSettings(port_base=None, systems=["crm"])
    sims = {"crm": {"daily_api_requests": 1_000_000_000}}
    with ShardedStack(settings, processes, sims) as stack:
        doc = stack.endpoints()
        base = stack.base_url("crm")
        admin = {"Authorization": f"Bearer {stack.admin_token}"}
        requests = []
        with httpx.Client(trust_env=False, timeout=30) as client:
            for name in tenants_for(processes):
                r = client.post(
                    f"{doc['crm']['admin_url']}/tenants", json={"name": name}, headers=admin
                )
                r.raise_for_status()
                c = r.json()["credentials"]
                deadline = time.monotonic() + 20
                while f"@sfc:{c['client_id']}" not in stack.keys:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"the proxy never learnt tenant {name}: {stack.notes}")
                    time.sleep(0.1)
                tok = client.post(
                    f"{base}/services/oauth2/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": c["client_id"],
                        "client_secret": c["client_secret"],
                    },
                ).json()["access_token"]
                made = client.post(
                    f"{base}{API}/sobjects/Account/",
                    json=REALISTIC_ACCOUNT,
                    headers={"Authorization": f"Bearer {tok}"},
                )
                if made.status_code != 201:
                    raise SystemExit(f"create refused: {made.status_code} {made.text[:300]}")
                path = f"{API}/sobjects/Account/{made.json()['id']}"
                check = client.get(f"{base}{path}", headers={"Authorization": f"Bearer {tok}"})
                if check.status_code != 200:
                    raise SystemExit(f"GET through the proxy failed for {name}")
                if args.op == "create":
                    requests.append(("POST", f"{API}/sobjects/Account/", tok))
                elif args.op == "query":
                    bulk = [{**REALISTIC_ACCOUNT, "Name": f"Bulk {k}"} for k in range(args.records)]
                    client.post(
                        f"{doc['crm']['admin_url']}/tenants/{name}/records/Account",
                        json={"records": bulk},
                        headers=admin,
                    ).raise_for_status()
                    requests.append(("GET", f"{API}/query/?q={QUERY}", tok))
                else:
                    requests.append(("GET", path, tok))
        homes = sorted({home_process(n, processes) for n in tenants_for(processes)})
        assert stack.proxy is not None and stack.proxy.proc is not None
        pids = {"haproxy": stack.proxy.proc.pid}
        pids.update({f"process {i}": c.pid for i, c in enumerate(stack.children)})
        before, t0 = {k: _cpu_s(p) for k, p in pids.items()}, time.monotonic()
        result = _wrk(base, requests, args)
        wall = time.monotonic() - t0
        # cores each process used over warm-up and measurement (1.0 = one core all along)
        cores = {k: round((_cpu_s(p) - before[k]) / wall, 2) for k, p in pids.items()}
        return {**result, "processes_used": homes, "cores": cores}


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_yardstick(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with start_yardstick(0, workdir) as (_proc, base):
        with httpx.Client(trust_env=False) as client:
            rid = client.post(f"{base}/records", json=REALISTIC_ACCOUNT).json()["id"]
        # taskset pins the yardstick to core 0; wrk shares the machine as it does above
        if args.op == "create":
            return _wrk(base, [("POST", "/records", "")], args)
        return _wrk(base, [("GET", f"/records/{rid}", "")], args)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", default="1,2", help="comma-separated process counts")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--duration", type=int, default=5, help="seconds measured per run")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument(
        "--op",
        choices=("create", "get", "query"),
        default="create",
        help="create: POST a realistic Account (the simulator's work dominates the "
        "proxy's); get: GET one by id; query: a SOQL query scanning --records Accounts",
    )
    ap.add_argument("--records", type=int, default=2000, help="Accounts per tenant (query)")
    args = ap.parse_args()
    counts = [int(x) for x in args.processes.split(",")]
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rnd in range(args.rounds):
            for what in [*(f"N={n}" for n in counts), "yardstick"]:
                la = load_average()
                if what == "yardstick":
                    r = run_yardstick(args, Path(tmp))
                else:
                    r = run_sharded(int(what[2:]), args)
                r.update(round=rnd + 1, server=what, load_before=la, load_after=load_average())
                print(json.dumps(r), flush=True)
                runs.append(r)
    print()
    print(
        "| server | req/s best (worst) | p50 ms best | p99 ms best | non-2xx | cores used (best run) |"
    )
    print("|---|---|---|---|---|---|")
    best: dict[str, float] = {}
    for what in [*(f"N={n}" for n in counts), "yardstick"]:
        rs = [r for r in runs if r["server"] == what]
        best[what] = max(r["rps"] for r in rs)
        label = (
            f"Starlette yardstick, direct, {args.op}"
            if what == "yardstick"
            else f"CRM {args.op} Account, {what} behind HAProxy"
        )
        print(
            f"| {label} | {best[what]:,.0f} ({min(r['rps'] for r in rs):,.0f}) | "
            f"{min(r['p50_ms'] for r in rs)} | {min(r['p99_ms'] for r in rs)} | "
            f"{sum(r['non_2xx'] for r in rs)} | "
            + ", ".join(
                f"{k} {v}" for k, v in max(rs, key=lambda r: r["rps"]).get("cores", {}).items()
            )
            + " |"
        )
    base = best[f"N={counts[0]}"]
    for n in counts[1:]:
        print(f"N={n} / N={counts[0]}: {best[f'N={n}'] / base:.2f}x")
    for n in counts:
        print(f"N={n} / yardstick: {best[f'N={n}'] / best['yardstick']:.2f}x")
    out = HERE / "results" / "processes.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "runs": runs}, indent=2) + "\n")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
