"""The CRM simulator on the native server vs granian, beside a trivial Starlette app, in one run.

    nice -n 10 python benchmarks/bench_engine_backends.py                 # 2 rounds, ~2 min
    nice -n 10 python benchmarks/bench_engine_backends.py --rounds 3 --duration 5

Per round, each server in turn (the order rotates between rounds), a fresh process pinned to
``--server-core`` and wrk pinned to ``--client-core``:

* ``native``:  ``python -m simulators.salesforce --backend native --daily-limit 1000000000``
* ``granian``: the same with ``--backend granian``
* ``yardstick``: a trivial Starlette app on uvicorn (uvloop, httptools), benchmarks/yardstick_app.py
* ``before`` (with ``--before DIR``): the native server run from another checkout of the
  project, such as an earlier commit (``git archive <commit> | tar -x -C DIR``)

``--servers`` picks which of native, granian and yardstick run (all three by default).

Operations, each ``--warmup`` seconds of wrk then ``--duration`` seconds measured
(``wrk -t1 -c32 --latency``): GET of a realistic 16-field Account by id, and create of the
same Account (POST; the simulator stores it with auth, quota headers, journal and change
events on, as it runs by default). Server CPU µs per request comes from /proc/<pid>/stat.
The figures are best of the rounds; the ratios native/granian and x/yardstick are printed
for req/s and for requests per CPU second (the inverse of CPU µs/request, which moves much
less with other load: on a shared core a server with more threads, like granian, gets a
larger share of it), with the load average at the start and end of every run.

Results: a table and benchmarks/results/engine_backends.json. Only 127.0.0.1 is targeted;
every run is bounded by wrk's -d and a subprocess timeout. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _common import (
    HERE,
    REALISTIC_ACCOUNT,
    add_wrk_options,
    arg_parser,
    code_version,
    load_average,
    log,
    require_tools,
    run_header,
    start_yardstick,
    write_result,
)
from bench_simulators import (
    VENDORS,
    Plan,
    Series,
    Yardstick,
    machine_info,
    measure,
    start,
    yardstick_plan,
)

SERVERS = ("native", "granian", "yardstick")
OPS = ("get", "create")


def realistic_plan(base: str, plan: Plan) -> Plan:
    """The CRM plan with a realistic Account to read and to create."""
    api = "/services/data/v68.0/sobjects/Account/"
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as c:
        r = c.post(api, json=REALISTIC_ACCOUNT, headers=plan.headers)
        if r.status_code != 201:
            raise RuntimeError(f"realistic Account refused: {r.status_code} {r.text[:300]}")
        plan.get_path = api + r.json()["id"]
    plan.create_body = json.dumps(REALISTIC_ACCOUNT, separators=(",", ":"))
    plan.notes["record"] = "realistic 16-field Account"
    return plan


def one_round(
    server: str, args: argparse.Namespace, workdir: Path, series: dict[str, dict[str, Series]]
) -> None:
    if server == "yardstick":
        with start_yardstick(args.server_core, workdir) as (proc, base):
            y = Yardstick(proc, base, yardstick_plan(base))
            measure(y, args, workdir, series[server], OPS)  # type: ignore[arg-type]
        return
    backend = "native" if server == "before" else server
    source = args.before if server == "before" else None
    with start(VENDORS["crm"], args, workdir, backend=backend, source=source) as r:
        if (r.backend == "granian") != (server == "granian"):
            raise RuntimeError(f"asked for {server}, the process runs {r.backend}")
        r.backend = server
        r.plan = realistic_plan(r.base, r.plan)
        measure(r, args, workdir, series[server], OPS)


PAIRS = (
    ("native", "granian"),
    ("native", "yardstick"),
    ("granian", "yardstick"),
    ("before", "yardstick"),
    ("native", "before"),
)


def ratios(summary: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for op in OPS:
        best = {s: x[op]["rps"]["best"] for s, x in summary.items()}
        cpu = {s: x[op]["cpu_us_per_req"]["median"] or 1.0 for s, x in summary.items()}
        out[op] = {}
        for a, b in PAIRS:
            if a in summary and b in summary:
                out[op][f"{a}/{b}"] = round(best[a] / best[b], 2)
                # requests per CPU-second: what one core would serve, less sensitive to load
                out[op][f"cpu {a}/{b}"] = round(cpu[b] / cpu[a], 2)
    return out


def table(summary: dict[str, dict[str, Any]], rat: dict[str, dict[str, float]]) -> str:
    lines = [
        f"{'server':10s} {'op':7s} {'req/s best':>10s} {'min':>8s} {'p50 best':>8s} "
        f"{'p99 best':>8s} {'p99 med':>8s} {'CPU us/req':>10s} {'errors':>6s}"
    ]
    for s in summary:
        for op in OPS:
            x = summary[s][op]
            lines.append(
                f"{s:10s} {op:7s} {x['rps']['best']:10,.0f} {x['rps']['min']:8,.0f} "
                f"{x['p50_ms']['best']:8.2f} {x['p99_ms']['best']:8.2f} "
                f"{x['p99_ms']['median']:8.2f} {x['cpu_us_per_req']['median']:10.1f} "
                f"{x['non_2xx'] + x['socket_errors']:6d}"
            )
    lines.append("")
    for op in OPS:
        r = rat[op]
        pairs = [k for k in r if not k.startswith("cpu ")]
        lines.append(f"{op:7s} ratios (best req/s): " + ", ".join(f"{k} {r[k]:.2f}" for k in pairs))
        lines.append(
            f"{op:7s} ratios (requests per CPU second, median): "
            + ", ".join(f"{k} {r['cpu ' + k]:.2f}" for k in pairs)
        )
    return "\n".join(lines)


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--duration", type=float, default=4.0, help="seconds per wrk measurement")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk before measuring")
    add_wrk_options(p)
    p.add_argument("--output", type=Path, default=HERE / "results/engine_backends.json")
    p.add_argument(
        "--servers", default=",".join(SERVERS), help="comma list of native,granian,yardstick"
    )
    p.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also run the native server from this checkout (an earlier commit) as 'before'",
    )
    args = p.parse_args()
    servers = tuple(x.strip() for x in args.servers.split(",") if x.strip())
    unknown = set(servers) - set(SERVERS)
    if unknown or not servers:
        p.error(f"--servers takes a comma list of {','.join(SERVERS)}; got {args.servers!r}")
    if args.before is not None:
        if not (args.before / "simulators" / "salesforce").is_dir():
            p.error(f"--before {args.before}: no simulators/salesforce there")
        servers = (*servers, "before")
    require_tools("wrk", "taskset")

    started = datetime.now(UTC)
    series = {s: {op: Series() for op in OPS} for s in servers}
    loads: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        workdir = Path(tmp)
        for rnd in range(args.rounds):
            k = rnd % len(servers)
            order = servers[k:] + servers[:k]
            for server in order:
                before = load_average()
                log(f"round {rnd + 1}/{args.rounds}: {server} (load average {before})")
                one_round(server, args, workdir, series)
                loads.append({"round": str(rnd + 1), "server": server, "start": before})
                loads[-1]["end"] = load_average()
    summary = {s: {op: series[s][op].summary() for op in OPS} for s in servers}
    rat = ratios(summary)
    result = {
        **run_header("engine_backends", started, args),
        "warmup_s": args.warmup,
        "rounds": args.rounds,
        "server_core": args.server_core,
        "client_core": args.client_core,
        "load_average": loads,
        "code": code_version(),
        "machine": machine_info(),
        "servers": summary,
        "ratios": rat,
    }
    print()
    print(table(summary, rat))
    print(
        "load average (1/5/15 min) per run: "
        + "; ".join(f"{x['server']} r{x['round']} {x['start']} -> {x['end']}" for x in loads)
    )
    write_result(args.output, result)


if __name__ == "__main__":
    main()
