"""Helpers every benchmark script shares, written once: logging, starting and stopping a
server process, free loopback ports, running and parsing wrk, CPU and RSS of a process, the
commit measured, the yardstick server and a realistic CRM record.

The simulators' setup per vendor lives in ``bench_simulators``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HOST = "127.0.0.1"

#: a realistic Account: 16 fields, about 0.7 KB of JSON as sent; the CRM answers it with every
#: Account field (nulls included), about 2 KB, and stores it without its nulls, about 1.15 KB
REALISTIC_ACCOUNT: dict[str, Any] = {
    "Name": "Benchmark Consulting Group",
    "Type": "Customer - Direct",
    "Industry": "Consulting",
    "AnnualRevenue": 12500000,
    "NumberOfEmployees": 240,
    "Phone": "+1 617 555 0100",
    "Fax": "+1 617 555 0101",
    "Website": "https://benchmark-consulting.example",
    "BillingStreet": "100 Summer Street, Floor 12",
    "BillingCity": "Boston",
    "BillingState": "MA",
    "BillingPostalCode": "02110",
    "BillingCountry": "United States",
    "AccountNumber": "BCG-0001",
    "Rating": "Hot",
    "Description": (
        "Professional services firm used as the realistic record of the engine benchmarks; "
        "the description is long enough that the record is about a kilobyte as answered."
    ),
}


def arg_parser(doc: str | None) -> argparse.ArgumentParser:
    """A benchmark's command line, its module docstring kept as written for ``--help``."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_wrk_options(p: argparse.ArgumentParser) -> None:
    """The load's shape every wrk benchmark takes: connections, threads, the two cores."""
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--server-core", type=int, default=0)
    p.add_argument("--client-core", type=int, default=1)


def require_tools(*tools: str) -> None:
    """Stop with a clear line when a tool the benchmark runs is not installed."""
    for tool in tools:
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: run benchmarks/setup.sh")


def run_header(benchmark: str, started: datetime, args: argparse.Namespace) -> dict[str, Any]:
    """The head of a wrk benchmark's results file: what ran, when, how it was called."""
    return {
        "benchmark": benchmark,
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "wrk": f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency",
    }


#: said in every results file: the figures come from a shared machine
SHARED_MACHINE = (
    "shared 2-core machine: other work competes for both cores, figures vary between runs"
)


def machine_basics() -> dict[str, Any]:
    """CPUs, load average, Python and platform of the machine measured."""
    return {
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def write_result(path: Path, result: dict[str, Any]) -> None:
    """The results file, as indented JSON, and a line naming it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nJSON: {path}")


def crm_command(port: int) -> list[str]:
    """The CRM simulator on ``port`` with a daily API limit no benchmark reaches."""
    return [
        sys.executable,
        "-m",
        "simulators.salesforce",
        "--port",
        str(port),
        "--daily-limit",
        "100000000",
    ]


def crm_token_form(client_id: str, client_secret: str) -> dict[str, str]:
    """The CRM token endpoint's client-credentials form."""
    return {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }


def pinned(core: int, cmd: list[str]) -> list[str]:
    """``cmd`` run on one CPU core (taskset)."""
    return ["taskset", "-c", str(core), *cmd]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


@contextlib.contextmanager
def start_yardstick(core: int, logdir: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """The trivial Starlette app (yardstick_app.py) on uvicorn with uvloop and httptools,
    pinned to ``core``; yields the process and its base URL."""
    port = free_port()
    cmd = [
        *("taskset", "-c", str(core), sys.executable, "-m", "uvicorn"),
        *("--factory", "yardstick_app:create_app", "--app-dir", str(HERE)),
        *("--host", HOST, "--port", str(port), "--loop", "uvloop", "--http", "httptools"),
        *("--no-access-log", "--log-level", "warning"),
    ]
    log(f"yardstick: {' '.join(cmd[3:])}")
    with (logdir / "yardstick.log").open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://{HOST}:{port}"
        wait_http(f"{base}/records/none", proc, 60)
        yield proc, base
    finally:
        stop(proc)


# -- process, wrk and run metadata helpers every script uses ------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


@dataclass(slots=True)
class WrkRun:
    rps: float
    p50_ms: float
    p99_ms: float
    avg_ms: float
    max_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    server_cpu_s: float = 0.0  # CPU time the server process used during the run
    cpu_us_per_req: float = 0.0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk_trouble(run: WrkRun) -> str:
    """The non-2xx answers and socket errors of a run, for its log line ("" when none)."""
    return (
        f"  !! {run.non_2xx} non-2xx, {run.socket_errors} socket errors"
        if run.non_2xx or run.socket_errors
        else ""
    )


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"unparsable wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> WrkRun:
    def grab(pattern: str) -> re.Match[str]:
        m = re.search(pattern, out, re.MULTILINE)
        if m is None:
            raise RuntimeError(f"wrk output lacks {pattern!r}:\n{out}")
        return m

    lat = grab(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkRun(
        rps=float(grab(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=_ms(grab(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=_ms(grab(r"^\s+99%\s+(\S+)").group(1)),
        avg_ms=_ms(lat.group(1)),
        max_ms=_ms(lat.group(3)),
        requests=int(grab(r"^\s+(\d+) requests in").group(1)),
        non_2xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=sum(int(x) for x in sock.groups()) if sock else 0,
    )


def lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_wrk_scripts(
    workdir: Path,
    stem: str,
    headers: dict[str, str],
    content_type: str,
    body: str,
    create_tail: str = "",
) -> dict[str, Path]:
    """The wrk Lua scripts of one target: a GET and a POST of ``body`` with ``headers``
    (``create_tail``: more Lua for the POST script, such as a ``request`` function)."""
    common = "".join(f"wrk.headers[{lua_str(k)}] = {lua_str(v)}\n" for k, v in headers.items())
    get = workdir / f"{stem}-get.lua"
    get.write_text('wrk.method = "GET"\n' + common)
    post = workdir / f"{stem}-create.lua"
    post.write_text(
        'wrk.method = "POST"\n'
        + common
        + f'wrk.headers["Content-Type"] = {lua_str(content_type)}\n'
        + f"wrk.body = {lua_str(body)}\n"
        + create_tail
    )
    return {"get": get, "create": post}


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (all threads) from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(
    url: str,
    script: Path,
    args: argparse.Namespace,
    duration: float,
    pid: int,
) -> tuple[WrkRun, str]:
    cmd = [
        "taskset",
        "-c",
        str(args.client_core),
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        "--latency",
        url,
    ]
    cpu0 = cpu_seconds(pid)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=False)
    cpu1 = cpu_seconds(pid)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr}\n{proc.stdout}")
    run = parse_wrk(proc.stdout)
    run.server_cpu_s = round(cpu1 - cpu0, 3)
    run.cpu_us_per_req = round(run.server_cpu_s * 1e6 / run.requests, 1) if run.requests else 0.0
    return run, proc.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f}s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def code_version() -> dict[str, Any]:
    """The commit measured, and whether simulators/ had uncommitted changes."""

    def git(*a: str) -> str:
        r = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return r.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "simulators_dirty": bool(git("status", "--porcelain", "--", "simulators")),
    }


@dataclass(slots=True)
class Series:
    """The wrk runs of one server and operation, and their summary for the results file."""

    runs: list[WrkRun] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        rps = [r.rps for r in self.runs]
        p50 = [r.p50_ms for r in self.runs]
        p99 = [r.p99_ms for r in self.runs]
        cpu = [r.cpu_us_per_req for r in self.runs if r.cpu_us_per_req]
        best = max(self.runs, key=lambda r: r.rps)
        return {
            "rps": {"best": max(rps), "median": statistics.median(rps), "min": min(rps)},
            "p50_ms": {"best": min(p50), "median": statistics.median(p50), "max": max(p50)},
            "p99_ms": {"best": min(p99), "median": statistics.median(p99), "max": max(p99)},
            "cpu_us_per_req": {
                "best": min(cpu) if cpu else 0.0,
                "median": statistics.median(cpu) if cpu else 0.0,
                "max": max(cpu) if cpu else 0.0,
            },
            "best_run": asdict(best),
            "errors": sum(r.non_2xx + r.socket_errors for r in self.runs),
            "non_2xx": sum(r.non_2xx for r in self.runs),
            "socket_errors": sum(r.socket_errors for r in self.runs),
            "requests": sum(r.requests for r in self.runs),
            "runs": [asdict(r) for r in self.runs],
        }
