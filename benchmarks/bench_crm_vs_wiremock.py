"""CRM simulator vs WireMock 3.13.2: requests/s, p50 and p99 with wrk, one core each.

    bash benchmarks/setup.sh                      # wrk, Java, WireMock jar
    python benchmarks/bench_crm_vs_wiremock.py    # from the repository root

Each round starts one server at a time pinned to --server-core (taskset), warms it up,
then drives it with ``wrk -t1 -c32 -d10s --latency`` pinned to --client-core:

* GET  /services/data/v68.0/sobjects/Account/{id}   one Account
* POST /services/data/v68.0/sobjects/Account/       create one Account

The simulator runs with its defaults (auth, journal and change events on) and a Bearer
token from its OAuth client-credentials flow; WireMock runs with its defaults plus the
stub mappings in benchmarks/wiremock/mappings. Rounds alternate the two servers so that
noise from other work on the machine hits both. The best and the spread over the rounds
are printed as a table and written to benchmarks/results/crm_vs_wiremock.json.

Only 127.0.0.1 is ever a target and every wrk run is bounded by -d. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _common import (
    HERE,
    HOST,
    ROOT,
    SHARED_MACHINE,
    Series,
    add_wrk_options,
    arg_parser,
    code_version,
    crm_command,
    crm_token_form,
    free_port,
    log,
    machine_basics,
    pinned,
    require_tools,
    rss_kb,
    run_header,
    run_wrk,
    stop,
    wait_http,
    write_result,
    write_wrk_scripts,
    wrk_trouble,
)
from bench_simulators import SF_ACCOUNT

API = "/services/data/v68.0"
DEFAULT_JAR = HERE / ".work/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar"
CLIENT_ID = "3MVG9simulatorConsumerKeyDefault"
CLIENT_SECRET = "simulator-consumer-secret"
WIREMOCK_ACCOUNT_ID = "001RO0000000001YAA"  # any 15/18-char Account id matches the stub
TARGETS = {"get": {"rps": 20_000.0, "p99_ms": 5.0}, "create": {"rps": 10_000.0, "p99_ms": 5.0}}
OPS = ("get", "create")
SERVERS = ("simulator", "wiremock")


# -- wrk ------------------------------------------------------------------------------


def write_lua(dirpath: Path, token: str) -> dict[str, Path]:
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    body = json.dumps(SF_ACCOUNT, separators=(",", ":"))
    return write_wrk_scripts(dirpath, "crm", headers, "application/json", body)


# -- servers --------------------------------------------------------------------------


@dataclass(slots=True)
class Target:
    name: str
    proc: subprocess.Popen[bytes]
    base: str
    token: str
    account_id: str
    rss_kb_start: int = 0


def _launch(name: str, cmd: list[str], logdir: Path) -> subprocess.Popen[bytes]:
    """``cmd`` started with its output appended to ``<name>.log``."""
    log(f"{name}: {' '.join(cmd)}")
    with (logdir / f"{name}.log").open("ab") as out:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def start_simulator(args: argparse.Namespace, logdir: Path) -> Iterator[Target]:
    port = free_port()
    cmd = pinned(args.server_core, crm_command(port))
    proc = _launch("simulator", cmd, logdir)
    try:
        base = f"http://{HOST}:{port}"
        wait_http(f"{base}/__admin/health", proc, 60)
        tok = httpx.post(
            f"{base}/services/oauth2/token",
            timeout=10,
            data=crm_token_form(CLIENT_ID, CLIENT_SECRET),
        )
        tok.raise_for_status()
        token = str(tok.json()["access_token"])
        hdrs = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{base}{API}/sobjects/Account/", json=SF_ACCOUNT, headers=hdrs, timeout=10
        )
        if created.status_code != 201:
            raise RuntimeError(f"simulator create answered {created.status_code}: {created.text}")
        acc_id = str(created.json()["id"])
        got = httpx.get(f"{base}{API}/sobjects/Account/{acc_id}", headers=hdrs, timeout=10)
        if got.status_code != 200 or got.json().get("Id") != acc_id:
            raise RuntimeError(f"simulator get answered {got.status_code}: {got.text}")
        yield Target("simulator", proc, base, token, acc_id, rss_kb(proc.pid))
    finally:
        stop(proc)


@contextlib.contextmanager
def start_wiremock(args: argparse.Namespace, logdir: Path) -> Iterator[Target]:
    port = free_port()
    cmd = pinned(
        args.server_core,
        [
            args.java,
            "-jar",
            str(args.jar),
            "--port",
            str(port),
            "--root-dir",
            str(HERE / "wiremock"),
        ],
    )
    proc = _launch("wiremock", cmd, logdir)
    try:
        base = f"http://{HOST}:{port}"
        wait_http(f"{base}/__admin/health", proc, 120)
        token = "wiremock-benchmark-token"
        hdrs = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{base}{API}/sobjects/Account/", json=SF_ACCOUNT, headers=hdrs, timeout=10
        )
        got = httpx.get(
            f"{base}{API}/sobjects/Account/{WIREMOCK_ACCOUNT_ID}", headers=hdrs, timeout=10
        )
        if created.status_code != 201 or got.status_code != 200:
            raise RuntimeError(
                f"wiremock stubs not matched: POST {created.status_code}, GET {got.status_code}; "
                f"mappings are read from {HERE / 'wiremock/mappings'}"
            )
        yield Target("wiremock", proc, base, token, WIREMOCK_ACCOUNT_ID, rss_kb(proc.pid))
    finally:
        stop(proc)


# -- measurement ----------------------------------------------------------------------


def urls(t: Target) -> dict[str, str]:
    return {
        "get": f"{t.base}{API}/sobjects/Account/{t.account_id}",
        "create": f"{t.base}{API}/sobjects/Account/",
    }


def measure(t: Target, args: argparse.Namespace, workdir: Path, series: dict[str, Series]) -> None:
    scripts = write_lua(workdir, t.token)
    u = urls(t)
    for op in OPS:
        log(f"{t.name}: warm-up {op} {args.warmup:g}s")
        run_wrk(u[op], scripts[op], args, args.warmup, t.proc.pid)
    for op in OPS:
        run, out = run_wrk(u[op], scripts[op], args, args.duration, t.proc.pid)
        (workdir / f"wrk-{t.name}-{op}-{len(series[op].runs) + 1}.txt").write_text(out)
        series[op].runs.append(run)
        bad = wrk_trouble(run)
        log(
            f"{t.name}: {op:6s} {run.rps:10,.0f} req/s  p50 {run.p50_ms:7.2f} ms  p99 {run.p99_ms:7.2f} ms  "
            f"server CPU {run.cpu_us_per_req:6.1f} us/req{bad}"
        )
    log(
        f"{t.name}: RSS {rss_kb(t.proc.pid) / 1024:.0f} MiB (started at {t.rss_kb_start / 1024:.0f} MiB)"
    )


# -- profiling (optional) -------------------------------------------------------------


def profile_simulator(args: argparse.Namespace, workdir: Path, outdir: Path) -> dict[str, Any]:
    """py-spy record of the simulator under the same wrk load: collapsed stacks + top frames.

    The collapsed stacks (one ``frame;frame;... count`` per line) open in speedscope or
    flamegraph.pl; self time is reported per line, inclusive time per function.
    """
    pyspy = shutil.which("py-spy")
    if pyspy is None:
        raise SystemExit("--profile needs py-spy (pip install py-spy)")
    outdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {}
    with start_simulator(args, workdir) as t:
        scripts = write_lua(workdir, t.token)
        u = urls(t)
        for op in OPS:
            run_wrk(u[op], scripts[op], args, args.warmup, t.proc.pid)
        for op in OPS:
            raw = outdir / f"simulator-{op}.collapsed.txt"
            dur = max(int(args.duration), 2)
            cmd = [
                "taskset",
                "-c",
                str(args.client_core),
                pyspy,
                "record",
                "--pid",
                str(t.proc.pid),
                "--rate",
                "250",
                "--duration",
                str(dur),
                "--format",
                "raw",
                "--nonblocking",
                "-o",
                str(raw),
            ]
            log(f"profile: {' '.join(cmd[3:])}")
            spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(0.5)
            run, _ = run_wrk(u[op], scripts[op], args, dur, t.proc.pid)
            _, err = spy.communicate(timeout=dur + 30)
            log(f"profile: {op} under py-spy {run.rps:,.0f} req/s")
            if not raw.exists():
                raise RuntimeError(f"py-spy wrote nothing: {err.decode(errors='replace')}")
            report[op] = top_frames(raw, args.profile_top)
            print_top(op, report[op])
    (outdir / "hotspots.json").write_text(json.dumps(report, indent=2))
    return report


_LINE = re.compile(r":\d+\)$")


def top_frames(raw: Path, n: int) -> dict[str, Any]:
    self_t: collections.Counter[str] = collections.Counter()
    incl: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        c = int(count)
        total += c
        frames = [f.strip() for f in stack.split(";") if f.strip()]
        if not frames:
            continue
        self_t[frames[-1]] += c  # by line
        for f in {_LINE.sub(")", f) for f in frames}:  # by function
            incl[f] += c
    own = ("simulators/",)

    def pct(v: int) -> float:
        return round(100.0 * v / total, 1) if total else 0.0

    return {
        "samples": total,
        "self": [{"frame": f, "pct": pct(c)} for f, c in self_t.most_common(n)],
        "inclusive_project": [
            {"frame": f, "pct": pct(c)} for f, c in incl.most_common() if any(o in f for o in own)
        ][:n],
    }


def print_top(op: str, rep: dict[str, Any]) -> None:
    print(f"\nhot spots, simulator {op} ({rep['samples']} samples)")
    print("  self time:")
    for row in rep["self"]:
        print(f"    {row['pct']:5.1f}%  {row['frame']}")
    print("  inclusive (project code):")
    for row in rep["inclusive_project"]:
        print(f"    {row['pct']:5.1f}%  {row['frame']}")


# -- report ---------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{'op':7s} {'server':10s} {'req/s best':>11s} {'(min-max)':>17s} {'p50 ms':>7s} {'(spread)':>13s} "
        f"{'p99 ms':>7s} {'(spread)':>13s} {'CPU us/req':>10s}",
    ]
    for op in OPS:
        for srv in SERVERS:
            s = result["servers"].get(srv, {}).get(op)
            if s is None:
                continue
            lines.append(
                f"{op:7s} {srv:10s} {s['rps']['best']:11,.0f} {s['rps']['min']:8,.0f}-{s['rps']['best']:<8,.0f} "
                f"{s['p50_ms']['best']:7.2f} {s['p50_ms']['best']:6.2f}-{s['p50_ms']['max']:<6.2f} "
                f"{s['p99_ms']['best']:7.2f} {s['p99_ms']['best']:6.2f}-{s['p99_ms']['max']:<6.2f} "
                f"{s['cpu_us_per_req']['best']:10.1f}"
            )
        r = result["ratios"].get(op)
        if r:
            lines.append(
                f"{op:7s} {'sim/wm':10s} {r['rps']:11.2f} {'':17s} {r['p50_ms']:7.2f} {'':13s} "
                f"{r['p99_ms']:7.2f} {'':13s} {r['cpu_us_per_req']:10.2f}"
            )
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    java = subprocess.run(
        ["java", "-version"], capture_output=True, text=True, check=False
    ).stderr.splitlines()
    wrk = subprocess.run(
        ["wrk", "-v"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return {
        **machine_basics(),
        "java": java[0] if java else "",
        "wrk": wrk[0] if wrk else "",
        "note": SHARED_MACHINE,
    }


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument(
        "--rounds", type=int, default=2, help="measurements per server and operation (alternating)"
    )
    p.add_argument("--duration", type=float, default=10.0, help="seconds per wrk measurement (-d)")
    p.add_argument(
        "--warmup",
        type=float,
        default=15.0,
        help="seconds of wrk warm-up per operation before measuring (the JVM's JIT needs them)",
    )
    add_wrk_options(p)
    p.add_argument(
        "--jar",
        type=Path,
        default=DEFAULT_JAR,
        help="WireMock standalone jar (benchmarks/setup.sh)",
    )
    p.add_argument("--java", default="java")
    p.add_argument("--only", choices=SERVERS, default=None, help="measure one server only")
    p.add_argument("--output", type=Path, default=HERE / "results/crm_vs_wiremock.json")
    p.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="afterwards, py-spy record the simulator under load and print its hot spots",
    )
    p.add_argument("--profile-top", type=int, default=15)
    args = p.parse_args()

    require_tools("wrk", "taskset")
    servers = [args.only] if args.only else list(SERVERS)
    if "wiremock" in servers and not args.jar.exists():
        raise SystemExit(f"WireMock jar not found at {args.jar}: run benchmarks/setup.sh")

    started = datetime.now(UTC)
    series: dict[str, dict[str, Series]] = {s: {op: Series() for op in OPS} for s in servers}
    starters = {"simulator": start_simulator, "wiremock": start_wiremock}
    with tempfile.TemporaryDirectory(prefix="bench-crm-") as tmp:
        workdir = Path(tmp)
        log(
            f"{args.rounds} round(s) x {servers}; wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration:g}s --latency on core {args.client_core}, server on core {args.server_core}; "
            f"load average {os.getloadavg()}"
        )
        for rnd in range(1, args.rounds + 1):
            for srv in servers:
                log(f"round {rnd}/{args.rounds}: {srv}")
                with starters[srv](args, workdir) as t:
                    measure(t, args, workdir, series[srv])
        result: dict[str, Any] = {
            **run_header("crm_vs_wiremock", started, args),
            "rounds": args.rounds,
            "code": code_version(),
            "machine": machine_info(),
            "targets": TARGETS,
            "servers": {s: {op: series[s][op].summary() for op in OPS} for s in servers},
            "ratios": {},
        }
        if len(servers) == 2:
            for op in OPS:
                a, b = result["servers"]["simulator"][op], result["servers"]["wiremock"][op]
                result["ratios"][op] = {
                    "rps": round(a["rps"]["best"] / b["rps"]["best"], 3),
                    "p50_ms": round(a["p50_ms"]["best"] / b["p50_ms"]["best"], 3),
                    "p99_ms": round(a["p99_ms"]["best"] / b["p99_ms"]["best"], 3),
                    "cpu_us_per_req": round(
                        a["cpu_us_per_req"]["best"] / b["cpu_us_per_req"]["best"], 3
                    )
                    if b["cpu_us_per_req"]["best"]
                    else 0.0,
                }
        if "simulator" in servers:
            result["simulator_meets_targets"] = {
                op: {
                    "rps": result["servers"]["simulator"][op]["rps"]["best"] >= TARGETS[op]["rps"],
                    "p99": result["servers"]["simulator"][op]["p99_ms"]["best"]
                    < TARGETS[op]["p99_ms"],
                }
                for op in OPS
            }
        if args.profile is not None:
            result["profile"] = profile_simulator(args, workdir, args.profile)

    print()
    print(table(result))
    print("(best of the rounds; spread = worst..best; ratio = simulator / WireMock, best vs best)")
    if "simulator_meets_targets" in result:
        for op, ok in result["simulator_meets_targets"].items():
            tgt = TARGETS[op]
            print(
                f"target {op}: >= {tgt['rps']:,.0f} req/s {'met' if ok['rps'] else 'MISSED'}, "
                f"p99 < {tgt['p99_ms']:g} ms {'met' if ok['p99'] else 'MISSED'}"
            )
    write_result(args.output, result)


if __name__ == "__main__":
    main()
