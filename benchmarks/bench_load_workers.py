"""Locust's distributed mode on this machine: request rate against the simulators with
one worker and with two (master + N workers, Locust's own --master/--worker).

    nice -n 10 python benchmarks/bench_load_workers.py                 # 1 and 2 workers, 8 s each
    nice -n 10 python benchmarks/bench_load_workers.py --workers 1,2,3 --seconds 10 --users 16
    nice -n 10 python benchmarks/bench_load_workers.py --pace 0.1 --users-per-worker 40

``--pace S --users-per-worker U``: every user runs one task per S seconds (Locust's
``constant_pacing``, the profile's ``[pace]``) and each worker gets U users, so a worker
offers U/S tasks per second whatever the others do; the run shows whether the rate adds
up with the workers while neither the workers nor the simulator are saturated (their CPU
shares are printed). Without ``--pace`` the users never wait and the machine's cores are
the limit.

Each run is ``harness load loadtests/profiles/direct_crm.toml --workers N`` (fresh CRM
simulator in the harness process, the small firm of seed 1): FastHttpUsers with no wait
reading accounts, creating contacts and querying opportunities. Besides the request
rate, it prints the CPU the Locust processes used per request (getrusage of the
children) and the CPU of the harness process (where the simulators run): on a shared
machine the rate depends on what else runs, CPU per request much less. Loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "examples"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from harness.load import LoadOptions, load_profile, run_load  # noqa: E402


def _cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--users", type=int, default=16)
    ap.add_argument("--pace", type=float, default=None, help="seconds per task per user")
    ap.add_argument("--users-per-worker", type=int, default=None, help="users = this x workers")
    ap.add_argument(
        "--profile", type=Path, default=ROOT / "loadtests" / "profiles" / "direct_crm.toml"
    )
    ap.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "load_workers.json"
    )
    args = ap.parse_args()
    base = load_profile(args.profile)
    rows: list[dict[str, Any]] = []
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()[0]:.2f}")
    print(
        f"{'workers':>7} {'users':>6} {'requests':>9} {'req/s':>8} {'locust CPU us/req':>18} "
        f"{'simulator CPU us/req':>21} {'locust cores':>13} {'simulator cores':>16} {'load avg':>9}"
    )
    for n in [int(w) for w in args.workers.split(",")]:
        users = args.users_per_worker * n if args.users_per_worker else args.users
        pace = {**base.pace, **({"CrmApiUser": args.pace} if args.pace else {})}
        profile = replace(base, users=users, spawn_rate=users, run_time=args.seconds, pace=pace)
        kids, me = _cpu(resource.RUSAGE_CHILDREN), _cpu(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        res = run_load(
            LoadOptions(profile, report_dir=Path(f"/tmp/bench-load-workers/{n}"), workers=n),
            on_phase=lambda _t: None,
        )
        total = next((r for r in res.stats if r.get("Name") == "Aggregated"), {})
        count = int(total.get("Request Count") or 0)
        rps = float(total.get("Requests/s") or 0)
        locust_cpu = _cpu(resource.RUSAGE_CHILDREN) - kids
        sim_cpu = _cpu(resource.RUSAGE_SELF) - me
        row = {
            "workers": n,
            "users": users,
            "pace_s": args.pace,
            "requests": count,
            "requests_per_s": round(rps, 1),
            "failures": int(total.get("Failure Count") or 0),
            "locust_cpu_us_per_request": round(locust_cpu / count * 1e6) if count else None,
            "harness_and_simulator_cpu_us_per_request": round(sim_cpu / count * 1e6)
            if count
            else None,
            # CPU over the load's duration: a share of one core (startup included)
            "locust_cores": round(locust_cpu / args.seconds, 2),
            "harness_and_simulator_cores": round(sim_cpu / args.seconds, 2),
            "load_average": round(os.getloadavg()[0], 2),
            "wall_s": round(time.monotonic() - t0, 1),
            "exit_code": res.exit_code,
        }
        rows.append(row)
        print(
            f"{n:>7} {users:>6} {count:>9} {rps:>8.1f} {row['locust_cpu_us_per_request']!s:>18} "
            f"{row['harness_and_simulator_cpu_us_per_request']!s:>21} "
            f"{row['locust_cores']:>13} {row['harness_and_simulator_cores']:>16} "
            f"{row['load_average']:>9}"
        )
    first, last = float(rows[0]["requests_per_s"]), float(rows[-1]["requests_per_s"])
    if len(rows) > 1 and first:
        print(
            f"rate with {rows[-1]['workers']} workers / with {rows[0]['workers']}: "
            f"{last / first:.2f}x"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"cores": os.cpu_count(), "runs": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
