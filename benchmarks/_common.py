"""Helpers shared by the engine benchmarks: the yardstick server and a realistic CRM record.

The wrk runner, process helpers and the simulators' setup live in ``bench_simulators`` and
``bench_crm_vs_wiremock``; what is added for the engine comparisons is here, once.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_crm_vs_wiremock import free_port, log, stop, wait_http

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"

#: a realistic Account: 16 fields, about 0.7 KB of JSON as sent; the CRM stores and answers it
#: with every Account field (nulls included), about 1.9 KB stored and 2 KB as a GET answers it
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
