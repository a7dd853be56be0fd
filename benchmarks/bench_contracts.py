"""Request validation on the hot path: the create throughput of each simulator with its
contract check off and strict, side by side in the same run.

    python benchmarks/bench_contracts.py                       # crm, erp, psa; 2 rounds
    python benchmarks/bench_contracts.py --only erp --rounds 3 --duration 5
    python benchmarks/bench_contracts.py --validators       # in process: compiled vs jsonschema

Per round and per simulator, the two modes alternate (off first in odd rounds, strict first
in even ones), each a fresh ``taskset -c <server-core> python -m simulators.<vendor>
--contracts off|strict`` process set up as in bench_simulators.py, warmed up, then driven
by ``wrk -t1 -c32`` on <client-core> with the vendor's create (Salesforce Account,
NetSuite customer, Kantata workspace). Every create body is valid, so the strict run pays
exactly what a stack pays: one compiled-validator call per write. The server's CPU time
per request moves less with other load than req/s and is printed too.

Only 127.0.0.1 is targeted; every wrk run is bounded by -d and a subprocess timeout.
Results: a table and benchmarks/results/contracts.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import log
from bench_simulators import VENDORS, Series, run_wrk, start, write_lua

HERE = Path(__file__).resolve().parent
MODES = ("off", "strict")


def validators(n: int = 5000) -> None:
    """One valid create body per vendor: the compiled fast path against jsonschema's
    Draft 2020-12 validator with format checking (what the loader falls back to for errors)."""
    from bench_simulators import NS_CUSTOMER, SF_ACCOUNT, _kt_workspace

    from contracts import load_contract

    cases = (
        ("salesforce", "68.0", "objects/Account.json#/$defs/create", SF_ACCOUNT),
        ("netsuite", "2026.2", "objects/customer.json#/$defs/create", NS_CUSTOMER),
        (
            "kantata",
            "v1-2026.12",
            "objects/workspaces.json#/$defs/createRequest",
            _kt_workspace("1"),
        ),
    )
    for vendor, release, ref, body in cases:
        v = load_contract(vendor, release).validator(ref)
        assert v.is_valid(body), v.violations(body)
        t0 = time.perf_counter()
        for _ in range(n):
            v.is_valid(body)
        fast = (time.perf_counter() - t0) / n * 1e6
        t0 = time.perf_counter()
        for _ in range(n):
            v._precise.is_valid(body)
        slow = (time.perf_counter() - t0) / n * 1e6
        print(f"{vendor:<11} compiled {fast:6.2f} us/body   jsonschema {slow:7.2f} us/body")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="crm,erp,psa", help="comma-separated systems")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=4.0)
    ap.add_argument("--server-core", type=int, default=0)
    ap.add_argument("--client-core", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--validators", action="store_true", help="only the in-process comparison")
    args = ap.parse_args()
    if args.validators:
        validators()
        return
    systems = [s.strip() for s in args.only.split(",") if s.strip()]
    series = {s: {m: Series() for m in MODES} for s in systems}
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        work = Path(tmp)
        for rnd in range(1, args.rounds + 1):
            order = MODES if rnd % 2 else tuple(reversed(MODES))
            for s in systems:
                for mode in order:
                    v = VENDORS[s]
                    vendor = dataclasses.replace(v, cli_args=(*v.cli_args, "--contracts", mode))
                    with start(vendor, args, work, args.backend) as r:
                        script = write_lua(work, f"{s}-{mode}", r.plan)["create"]
                        url = r.base + (
                            r.plan.create_path if isinstance(r.plan.create_path, str) else "/"
                        )
                        run_wrk(url, script, args, args.warmup, r.proc.pid)
                        run, _ = run_wrk(url, script, args, args.duration, r.proc.pid)
                        series[s][mode].runs.append(run)
                        log(
                            f"round {rnd} {s} contracts={mode}: {run.rps:8,.0f} req/s "
                            f"p99 {run.p99_ms:6.2f} ms  CPU {run.cpu_us_per_req:6.1f} us/req"
                            + (f"  !! {run.non_2xx} non-2xx" if run.non_2xx else "")
                        )
    out: dict[str, Any] = {}
    print(
        f"\n{'create':<8}{'off req/s':>12}{'strict req/s':>14}{'cost':>8}{'CPU us/req off':>16}{'strict':>8}"
    )
    for s in systems:
        off, strict = (series[s][m] for m in MODES)
        rps = {m: statistics.median(r.rps for r in series[s][m].runs) for m in MODES}
        cpu = {m: statistics.median(r.cpu_us_per_req for r in series[s][m].runs) for m in MODES}
        cost = 100.0 * (rps["off"] - rps["strict"]) / rps["off"]
        out[s] = {
            "create": VENDORS[s].create,
            "median_rps": rps,
            "median_cpu_us_per_req": cpu,
            "throughput_cost_percent": round(cost, 1),
            "non_2xx": off.summary()["non_2xx"] + strict.summary()["non_2xx"],
        }
        print(
            f"{s:<8}{rps['off']:>12,.0f}{rps['strict']:>14,.0f}{cost:>7.1f}%"
            f"{cpu['off']:>16.1f}{cpu['strict']:>8.1f}"
        )
    print("limit: request validation costs at most 15% of create throughput")
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "contracts.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
