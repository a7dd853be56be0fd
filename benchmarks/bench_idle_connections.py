"""Many idle keep-alive connections on the CRM simulator's native server.

    nice -n 10 python benchmarks/bench_idle_connections.py                  # 10,000 connections
    nice -n 10 python benchmarks/bench_idle_connections.py --connections 2000 --expire

The simulator (``python -m simulators.salesforce``, native server, core 0) gets
``--connections`` client connections from one asyncio client (core 1), each sending one GET
of an Account and reading the answer, then staying open and idle. With all of them open it
measures: the server's RSS per idle connection, its CPU while they idle (``--idle`` s), the
latency of ``--probes`` GETs on a fresh connection (median, p99, worst), and a second GET on
every idle connection (all must still be answered). ``--expire`` then waits for the server's
keep-alive limit (30 s by default) and counts the connections it closed.

Only 127.0.0.1 is targeted; every phase is bounded (``--timeout`` per phase). The open file
limit must allow the connections on both sides (``ulimit -n``). Results:
benchmarks/results/idle_connections.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from _common import (
    HERE,
    HOST,
    arg_parser,
    cpu_seconds,
    free_port,
    load_average,
    log,
    stop,
    wait_http,
)
from bench_crm_memory import proc_status
from bench_simulators import setup_crm


async def _answer(reader: asyncio.StreamReader) -> int:
    """Read one Content-Length framed response; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-length":
            length = int(v)
    await reader.readexactly(length)
    return int(lines[0].split(" ", 2)[1])


async def _open(
    port: int, request: bytes, gate: asyncio.Semaphore
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | str:
    async with gate:
        try:
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request)
            status = await _answer(reader)
        except (OSError, asyncio.IncompleteReadError) as exc:
            return f"{type(exc).__name__}: {exc}"
        if status != 200:
            writer.close()
            return f"HTTP {status}"
        return reader, writer


async def _again(
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes, gate: asyncio.Semaphore
) -> bool:
    reader, writer = conn
    async with gate:
        try:
            writer.write(request)
            return await _answer(reader) == 200
        except (OSError, asyncio.IncompleteReadError):
            return False


async def _closed_by_server(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> bool:
    try:
        return await asyncio.wait_for(conn[0].read(1), 0.5) == b""
    except (TimeoutError, OSError):
        return False


def _probe(base: str, path: str, headers: dict[str, str], n: int) -> dict[str, float]:
    times = []
    with httpx.Client(base_url=base, headers=headers, timeout=10, trust_env=False) as c:
        for _ in range(n):
            t = time.perf_counter()
            r = c.get(path)
            times.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise RuntimeError(f"probe answered {r.status_code}: {r.text[:200]}")
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 3),
        "max_ms": round(times[-1], 3),
    }


async def run(
    args: argparse.Namespace, port: int, pid: int, path: str, auth: str
) -> dict[str, Any]:
    base = f"http://{HOST}:{port}"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: {auth}\r\n\r\n"
    ).encode()
    gate = asyncio.Semaphore(args.parallel)
    rss0 = proc_status(pid)["VmRSS"]
    log(f"opening {args.connections:,} keep-alive connections (one GET each)")
    t0 = time.perf_counter()
    opened = await asyncio.wait_for(
        asyncio.gather(*(_open(port, request, gate) for _ in range(args.connections))),
        args.timeout,
    )
    open_s = time.perf_counter() - t0
    conns = [c for c in opened if not isinstance(c, str)]
    failures = sorted({c for c in opened if isinstance(c, str)})
    log(f"{len(conns):,} open in {open_s:.1f} s; {len(opened) - len(conns)} failed {failures[:3]}")
    rss1 = proc_status(pid)["VmRSS"]
    cpu0 = cpu_seconds(pid)
    await asyncio.sleep(args.idle)
    idle_cpu = cpu_seconds(pid) - cpu0
    loop = asyncio.get_running_loop()
    probe = await loop.run_in_executor(
        None, _probe, base, path, {"Authorization": auth}, args.probes
    )
    log(f"fresh connection with {len(conns):,} idle: {probe}")
    t0 = time.perf_counter()
    again = await asyncio.wait_for(
        asyncio.gather(*(_again(c, request, gate) for c in conns)), args.timeout
    )
    again_s = time.perf_counter() - t0
    log(f"second GET on every idle connection: {sum(again):,} of {len(conns):,} answered")
    result: dict[str, Any] = {
        "connections_asked": args.connections,
        "connections_open": len(conns),
        "open_failures": len(opened) - len(conns),
        "open_failure_kinds": failures[:10],
        "open_seconds": round(open_s, 2),
        "rss_before_bytes": rss0,
        "rss_with_connections_bytes": rss1,
        "rss_per_connection_bytes": round((rss1 - rss0) / max(1, len(conns))),
        "idle_seconds": args.idle,
        "server_cpu_while_idle_s": round(idle_cpu, 3),
        "probe_fresh_connection": probe,
        "second_get_answered": sum(again),
        "second_get_seconds": round(again_s, 2),
    }
    if args.expire:
        log("waiting for the keep-alive limit to close the idle connections")
        await asyncio.sleep(args.keep_alive + 6)
        closed = await asyncio.gather(*(_closed_by_server(c) for c in conns[:1000]))
        result["closed_by_server_of_first_1000"] = sum(closed)
        log(f"closed by the server after the keep-alive limit: {sum(closed)} of {len(closed)}")
    for _, writer in conns:
        writer.close()
    return result


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument("--connections", type=int, default=10_000)
    p.add_argument("--parallel", type=int, default=200, help="connections opened at once")
    p.add_argument("--idle", type=float, default=5.0, help="seconds of idling measured")
    p.add_argument("--probes", type=int, default=200)
    p.add_argument("--expire", action="store_true", help="wait for the keep-alive limit")
    p.add_argument("--keep-alive", type=float, default=30.0, help="the server's limit (s)")
    p.add_argument("--timeout", type=float, default=120.0, help="bound on each phase (s)")
    p.add_argument("--server-core", type=int, default=0)
    p.add_argument("--client-core", type=int, default=1)
    p.add_argument("--output", type=Path, default=HERE / "results/idle_connections.json")
    args = p.parse_args()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.connections + 100:
        raise SystemExit(
            f"open file limit {soft} is below {args.connections} connections: raise ulimit -n"
        )
    os.sched_setaffinity(0, {args.client_core})  # the client on its own core
    port = free_port()
    cmd = [
        *("taskset", "-c", str(args.server_core), sys.executable, "-m", "simulators.salesforce"),
        *("--port", str(port), "--backend", "native", "--daily-limit", "1000000000"),
    ]
    started = datetime.now(UTC)
    load0 = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as tmp:
        with (Path(tmp) / "server.log").open("ab") as out:
            proc = subprocess.Popen(cmd, cwd=HERE.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://{HOST}:{port}"
            wait_http(f"{base}/__admin/health", proc, 60)
            with httpx.Client(timeout=30, trust_env=False) as c:
                plan = setup_crm(c, base, args)
            result = asyncio.run(
                run(args, port, proc.pid, plan.get_path, plan.headers["Authorization"])
            )
            result["server_alive"] = proc.poll() is None
        finally:
            stop(proc)
    result.update(
        {
            "benchmark": "idle_connections",
            "date": started.isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "server": " ".join(cmd[3:]),
            "load_average": {"start": load0, "end": load_average()},
        }
    )
    print(json.dumps(result, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nJSON: {args.output}")


if __name__ == "__main__":
    main()
