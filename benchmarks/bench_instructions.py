"""Instructions per request of each simulator, counted by callgrind: a figure that other load
on the machine does not move, for comparing two versions of the code on a busy box.

    python benchmarks/bench_instructions.py                       # every simulator, both ops
    python benchmarks/bench_instructions.py --only crm,psa --requests 400
    python benchmarks/bench_instructions.py --only crm --ops get --source /tmp/before

Per simulator: its own command line (the one ``bench_simulators.py`` starts, limits raised the
same way) runs under ``valgrind --tool=callgrind``; it is set up over its admin and vendor APIs
as for the wrk benchmark; then per operation, in the wrk benchmark's order (reads before
creates), it is warmed up with ``--warmup`` requests, callgrind's counters are zeroed (``callgrind_control --zero``), exactly
``--requests`` requests are sent by ``--connections`` keep-alive connections at once, and the
counters are dumped: instructions of the server process (all its threads) divided by the
requests. The client is another process and is not counted. Every answer must be 2xx.

CPU time per request moves with what else runs on the machine (caches, the other core);
instruction counts do not, and two versions measured this way differ only by what they
execute. They do not see system-call and cache costs: confirm a change with
``bench_simulators.py`` (CPU µs per request beside the yardstick) on a quiet machine.

``--source DIR`` runs the simulators from another checkout (an earlier commit, e.g. from
``git archive``). ``--keep DIR`` keeps the callgrind dumps for ``callgrind_annotate``.
Results: a table and benchmarks/results/instructions.json. Only 127.0.0.1 is targeted.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _common import (
    HERE,
    HOST,
    ROOT,
    code_version,
    free_port,
    log,
    require_tools,
    stop,
    write_result,
)
from bench_simulators import OPS, SYSTEMS, VENDORS, Plan, Vendor

_SUMMARY = re.compile(rb"^summary:\s+(\d+)", re.M)


def _callgrind(out_file: Path) -> list[str]:
    return [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        "--dump-instr=no",
        "--compress-strings=no",
    ]


@contextlib.contextmanager
def started(
    vendor: Vendor, workdir: Path, source: Path | None, timeout: float
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """The simulator's command line under callgrind, until it answers its health check."""
    port = free_port()
    out_file = workdir / f"callgrind.{vendor.system}.out"
    env = {**os.environ}
    if source is not None:
        env["PYTHONPATH"] = f"{source}{os.pathsep}{source / 'examples'}"
    # the interpreter itself, not a launcher script, so that callgrind instruments it
    python = os.path.realpath(sys.executable)
    cmd = [
        *_callgrind(out_file),
        *(python, "-m", f"simulators.{vendor.module}", "--port", str(port)),
        *("--backend", "native", *vendor.cli_args),
    ]
    log(f"{vendor.system}: {' '.join(cmd[5:])} (under callgrind)")
    with (workdir / f"{vendor.module}.log").open("ab") as log_out:
        proc = subprocess.Popen(
            cmd, cwd=source or ROOT, env=env, stdout=log_out, stderr=subprocess.STDOUT
        )
    base = f"http://{HOST}:{port}"
    try:
        with httpx.Client(timeout=30, trust_env=False) as c:
            for _ in range(int(timeout * 2)):
                if proc.poll() is not None:
                    raise RuntimeError(f"{vendor.system} exited: see {workdir}")
                try:
                    if c.get(f"{base}/__admin/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(0.5)
            else:
                raise RuntimeError(f"{vendor.system} did not start within {timeout:g}s")
        yield proc, base, out_file
    finally:
        stop(proc)


def _control(pid: int, what: str) -> None:
    done = subprocess.run(
        ["callgrind_control", f"--{what}", str(pid)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or "OK" not in done.stdout:
        raise RuntimeError(f"callgrind_control --{what} {pid}: {done.stdout} {done.stderr}")


def _dumps(out_file: Path) -> list[Path]:
    return sorted(
        out_file.parent.glob(out_file.name + ".*"), key=lambda p: int(p.suffix.lstrip("."))
    )


async def _send(base: str, plan: Plan, op: str, requests: int, connections: int) -> int:
    """Exactly ``requests`` requests over ``connections`` connections; returns the non-2xx."""
    paths = plan.create_path if isinstance(plan.create_path, list) else [plan.create_path]
    post_headers = {**plan.headers, "Content-Type": plan.create_content_type}
    bad = 0
    counter = iter(range(requests))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(timeout=120, trust_env=False, limits=limits) as c:

        async def worker() -> None:
            nonlocal bad
            for n in counter:
                if op == "get":
                    r = await c.get(base + plan.get_path, headers=plan.headers)
                elif op == "query":
                    r = await c.get(base + plan.query_path, headers=plan.headers)
                else:
                    path = paths[n % len(paths)]
                    r = await c.post(base + path, content=plan.create_body, headers=post_headers)
                if not 200 <= r.status_code < 300:
                    bad += 1
                    if bad == 1:
                        log(f"  first non-2xx: {r.status_code} {r.text[:300]}")

        await asyncio.gather(*(worker() for _ in range(connections)))
    return bad


def measure(vendor: Vendor, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with started(vendor, workdir, args.source, args.start_timeout) as (proc, base, out_file):
        with httpx.Client(timeout=120, trust_env=False) as c:
            plan = vendor.setup(c, base, args)
        for op in args.ops:  # in bench_simulators' order: creates grow what the others read
            asyncio.run(_send(base, plan, op, args.warmup, args.connections))
            _control(proc.pid, "zero")
            bad = asyncio.run(_send(base, plan, op, args.requests, args.connections))
            before = len(_dumps(out_file))
            _control(proc.pid, "dump")
            dumps = _dumps(out_file)
            if len(dumps) <= before:
                raise RuntimeError(f"{vendor.system}: callgrind wrote no dump")
            m = _SUMMARY.search(dumps[-1].read_bytes())
            if m is None:
                raise RuntimeError(f"{vendor.system}: no summary line in {dumps[-1]}")
            per = int(m.group(1)) / args.requests
            result[op] = {"instructions_per_request": round(per), "non_2xx": bad}
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(dumps[-1], args.keep / f"callgrind.{vendor.system}.{op}.out")
            flag = f"  ({bad} non-2xx)" if bad else ""
            log(f"{vendor.system}: {op:6s} {per / 1000:8.1f}k instructions/request{flag}")
    return result


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--only", default=",".join(SYSTEMS), help="systems, comma-separated")
    p.add_argument("--ops", default=",".join(OPS), help="comma list of get,query,create")
    p.add_argument("--requests", type=int, default=300, help="requests counted per operation")
    p.add_argument("--warmup", type=int, default=100, help="requests per operation before")
    p.add_argument("--connections", type=int, default=8, help="keep-alive connections at once")
    p.add_argument("--hcm-workers", type=int, default=200, help="workers the HCM create cycles")
    p.add_argument("--source", type=Path, help="run the simulators from this checkout")
    p.add_argument("--keep", type=Path, help="keep the callgrind dumps in this directory")
    p.add_argument("--start-timeout", type=float, default=600.0, help="seconds to start")
    p.add_argument("--output", type=Path, default=HERE / "results" / "instructions.json")
    args = p.parse_args()
    asked = [o for o in args.ops.split(",") if o]
    args.ops = [o for o in OPS if o in asked]  # always in OPS order
    systems = [s for s in args.only.split(",") if s]
    unknown = [s for s in systems if s not in VENDORS] + [o for o in asked if o not in OPS]
    if unknown:
        p.error(f"unknown system or operation: {', '.join(unknown)}")
    require_tools("valgrind", "callgrind_control")
    started_at = datetime.now(UTC)
    out: dict[str, Any] = {
        "benchmark": "bench_instructions",
        "date": started_at.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "code": code_version(),
        "systems": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-instr-") as tmp:
        for s in systems:
            out["systems"][s] = measure(VENDORS[s], args, Path(tmp))
    print()
    print(f"{'system':8s} " + " ".join(f"{op + ' kinstr/req':>18s}" for op in args.ops))
    for s, r in out["systems"].items():
        cells = " ".join(f"{r[op]['instructions_per_request'] / 1000:18.1f}" for op in args.ops)
        print(f"{s:8s} {cells}")
    write_result(args.output, out)
    if any(r[op]["non_2xx"] for r in out["systems"].values() for op in args.ops):
        sys.exit("some answers were not 2xx: the figures above are not comparable")


if __name__ == "__main__":
    main()
