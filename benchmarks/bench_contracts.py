"""Request validation on the hot path: NetSuite customer creates per second with the
contract check off and strict, in the same run (loopback, bounded in time).

    PYTHONPATH=. python benchmarks/bench_contracts.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import time

import httpx

from harness.stack import Stack, StackSettings, endpoints_document
from harness.stack._vendor_auth import tba_auth


def creates_per_second(mode: str, seconds: float) -> float:
    with Stack(StackSettings(port_base=None, systems=["erp"], contracts=mode)) as st:
        ep = endpoints_document(st)["erp"]
        with httpx.Client(base_url=ep["rest_url"], auth=tba_auth(ep)) as c:
            sid = c.post("/record/v1/subsidiary", json={"name": "HQ"}).headers["location"].rsplit("/", 1)[-1]
            body = {"companyName": "Acme", "subsidiary": {"id": sid}, "email": "a@example.com", "creditLimit": 1000.0}
            n, end = 0, time.perf_counter() + seconds
            t0 = time.perf_counter()
            while time.perf_counter() < end:
                r = c.post("/record/v1/customer", json=body)
                assert r.status_code == 204, r.text
                n += 1
            return n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    off = creates_per_second("off", a.seconds)
    strict = creates_per_second("strict", a.seconds)
    print(f"customer creates/s, contract check off:    {off:8.1f}")
    print(f"customer creates/s, contract check strict: {strict:8.1f}")
    print(f"cost of the check: {100 * (off - strict) / off:5.1f}% (limit 15%)")


if __name__ == "__main__":
    main()
