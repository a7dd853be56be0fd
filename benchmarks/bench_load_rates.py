"""Rising event rates through the reference integration: where does p95 journey latency
cross its threshold, and which vendor limit is hit first?

    nice -n 10 python benchmarks/bench_load_rates.py                      # 1, 2, 4, 8, 16 /s
    nice -n 10 python benchmarks/bench_load_rates.py --rates 2,4,8 --seconds 8

Each step is one ``harness load`` run (fresh simulators, the small firm of seed 1, the
embedded reference integration, 6 projects set up through it) with consultants logging,
submitting and getting approved one time entry per second each (Locust
``constant_pacing(1)``), so users = approvals per second; one rep closes a deal every
5 s. Per step it prints the achieved rate, p95 of "approval -> timeBill in the ERP" and
"closed won -> project set up", failures, and the vendors' limit signals seen in the
simulators' journals (429/503 answers, NetSuite's concurrency peak against its limit).
Loopback only, every step bounded (``--seconds`` of load, then at most 30 s of drain).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "examples"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from harness.load import LoadOptions, LoadProfile, Thresholds, run_load  # noqa: E402

APPROVAL = "approval -> timeBill in the ERP"
CLOSED = "closed won -> project set up"


def _profile(rate: int, seconds: float, p95_ms: float) -> LoadProfile:
    return LoadProfile(
        name=f"rising rate {rate}/s",
        users=rate + 1,
        spawn_rate=rate + 1,
        run_time=seconds,
        drain_timeout=30,
        mix={"MonthEndConsultant": rate, "ClosedWonRep": 1},
        pace={"MonthEndConsultant": 1.0, "ClosedWonRep": 5.0},
        pools={"projects": 6},
        thresholds=Thresholds(p95_ms={"month_end": p95_ms}, failure_ratio=1.0),
    )


def _limit_signals(gov: dict[str, Any]) -> list[str]:
    out = []
    for vendor, v in (gov.get("vendors") or {}).items():
        if v.get("answers_429") or v.get("answers_503"):
            out.append(f"{vendor} 429x{v['answers_429']} 503x{v['answers_503']}")
    erp = (gov.get("vendors") or {}).get("netsuite") or {}
    if erp.get("concurrency_peak", 0) >= erp.get("concurrency_limit", 10**9):
        out.append(f"netsuite concurrency {erp['concurrency_peak']}/{erp['concurrency_limit']}")
    return out


def _stat(rows: list[dict[str, str]], name: str, col: str) -> str:
    row = next((r for r in rows if r.get("Name") == name), None)
    return row.get(col, "-") if row else "-"


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--rates", default="1,2,4,8,16", help="approvals per second, comma-separated")
    ap.add_argument("--seconds", type=float, default=10.0, help="load per step")
    ap.add_argument(
        "--p95-ms", type=float, default=2000.0, help="threshold on approval -> timeBill"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "load_rates.json")
    args = ap.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    results = []
    print(
        f"{'rate/s':>7} {'achieved/s':>10} {'p95 approval ms':>16} {'p95 closed-won ms':>18} {'fail':>6}  limit signals"
    )
    for rate in rates:
        report = Path(f"/tmp/bench-load-rates/{rate}")
        t0 = time.monotonic()
        res = run_load(
            LoadOptions(_profile(rate, args.seconds, args.p95_ms), report_dir=report),
            on_phase=lambda _t: None,
        )
        gov = res.governance or {}
        ledger = {c["journey"]: c for c in (res.verdict or {}).get("ledger", [])}
        approved = ledger.get("month_end", {}).get("acknowledged", 0)
        p95 = _stat(res.stats, APPROVAL, "95%")
        row = {
            "rate": rate,
            "achieved_per_s": round(approved / args.seconds, 2),
            "p95_approval_ms": None if p95 in ("-", "N/A") else float(p95),
            "p95_closed_won_ms": _stat(res.stats, CLOSED, "95%"),
            "failures": _stat(res.stats, "Aggregated", "Failure Count"),
            "lost": sum(c["lost"] for c in ledger.values()),
            "limits": _limit_signals(gov),
            "seconds": round(time.monotonic() - t0, 1),
        }
        results.append(row)
        print(
            f"{rate:>7} {row['achieved_per_s']:>10} {p95:>16} {row['p95_closed_won_ms']:>18} "
            f"{row['failures']:>6}  {', '.join(row['limits']) or '-'}"
        )
    crossed = next((r for r in results if (r["p95_approval_ms"] or 0) > args.p95_ms), None)
    first = next((r for r in results if r["limits"]), None)
    print()
    print(
        f"p95 approval -> timeBill crosses {args.p95_ms:g} ms at "
        + (f"{crossed['rate']} approvals/s" if crossed else f"none of {args.rates} /s")
    )
    print(
        "first vendor limit hit: "
        + (f"{first['limits'][0]} at {first['rate']} approvals/s" if first else "none")
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"p95_threshold_ms": args.p95_ms, "steps": results}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
