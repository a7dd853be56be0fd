"""Generate a firm and bulk-load it into all four simulators, each in its own process.

    python benchmarks/bench_load.py                  # medium
    python benchmarks/bench_load.py medium large --seed 7

The simulators run as ``python -m simulators.<vendor>`` subprocesses on free loopback
ports; the four systems load in parallel threads, as ``harness up --seed`` would.
Prints generation seconds, then seconds and records/s per system and for the whole
load, against the targets (medium under 30 s, large under 5 minutes, generate + load).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.data import Firm, generate_firm  # noqa: E402
from harness.loaders import LoadReport, load_firm  # noqa: E402

#: system -> vendor module; the vendor is also the mapping's name
SYSTEMS = {"crm": "salesforce", "erp": "netsuite", "psa": "kantata", "hcm": "workday"}
TARGETS = {"small": 30.0, "medium": 30.0, "large": 300.0}


@dataclass(slots=True)
class Simulator:
    system: str
    vendor: str
    port: int
    proc: subprocess.Popen[str]

    @property
    def endpoint(self) -> dict[str, Any]:
        base = f"http://127.0.0.1:{self.port}"
        return {"vendor": self.vendor, "base_url": base, "admin_url": f"{base}/__admin"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(system: str, vendor: str) -> Simulator:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", f"simulators.{vendor}", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return Simulator(system, vendor, port, proc)


def wait_ready(sims: list[Simulator], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    for sim in sims:
        while True:
            try:
                with socket.create_connection(("127.0.0.1", sim.port), timeout=0.5):
                    break
            except OSError:
                if sim.proc.poll() is not None or time.monotonic() > deadline:
                    out = sim.proc.stdout.read() if sim.proc.stdout else ""
                    raise SystemExit(f"{sim.vendor} simulator did not start:\n{out}") from None
                time.sleep(0.1)


def stop(sims: list[Simulator]) -> None:
    for sim in sims:
        sim.proc.terminate()
    for sim in sims:
        try:
            sim.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.proc.kill()


def load_one(firm: Firm, sim: Simulator) -> tuple[Simulator, LoadReport, float]:
    started = time.perf_counter()
    report = load_firm(firm, {sim.system: sim.endpoint}, timeout=600.0)
    return sim, report, time.perf_counter() - started


def bench(size: str, seed: int) -> float:
    sims = [start(system, vendor) for system, vendor in SYSTEMS.items()]
    try:
        started = time.perf_counter()
        firm = generate_firm(seed, size)
        generated = time.perf_counter() - started
        wait_ready(sims)
        print(
            f"{size}: seed {seed}, {firm.total():,} canonical records "
            f"({len(firm.time_entries):,} time entries), generated in {generated:.1f} s"
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(len(sims)) as pool:
            results = list(pool.map(lambda s: load_one(firm, s), sims))
        loaded = time.perf_counter() - started
        total_records = 0
        for sim, report, seconds in results:
            records = report.total
            total_records += records
            print(
                f"  {sim.system} ({sim.vendor:<10}) {records:>9,} records "
                f"{seconds:7.1f} s {records / seconds:>9,.0f} rec/s"
            )
        total = generated + loaded
        target = TARGETS.get(size)
        verdict = ""
        if target is not None:
            verdict = f" (target {target:.0f} s: {'met' if total <= target else 'MISSED'})"
        print(
            f"  all four in parallel {total_records:>9,} records {loaded:7.1f} s "
            f"{total_records / loaded:>9,.0f} rec/s; generate + load {total:.1f} s{verdict}"
        )
        return total
    finally:
        stop(sims)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("sizes", nargs="*", default=["medium"], help="preset sizes (default medium)")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    for size in args.sizes:
        bench(size, args.seed)


if __name__ == "__main__":
    main()
