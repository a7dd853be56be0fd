"""Print how fast the data layer generates and writes each preset size.

    python benchmarks/bench_data_generate.py                 # small, medium, large
    python benchmarks/bench_data_generate.py medium --format csv --seed 7

Figures only, no pass/fail: generation seconds, write seconds, records and records/s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from harness.data import SIZES, generate_firm, write_firm  # noqa: E402


def bench(size: str, seed: int, fmt: str) -> None:
    started = time.perf_counter()
    firm = generate_firm(seed, size)
    generated = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        files = write_firm(firm, out, fmt)
        written = time.perf_counter() - started
        size_mb = sum(path.stat().st_size for path in files.values()) / 1e6
    records = firm.total()
    total = generated + written
    print(
        f"{size:<7} seed={seed} records={records:>9,} "
        f"(time entries {len(firm.time_entries):>9,})  "
        f"generate {generated:6.1f} s ({records / generated:>9,.0f} rec/s)  "
        f"write {fmt} {written:5.1f} s ({records / written:>9,.0f} rec/s, {size_mb:,.0f} MB)  "
        f"total {total:6.1f} s ({records / total:>9,.0f} rec/s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", metavar="SIZE", help="small, medium, large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "csv"])
    args = parser.parse_args()
    unknown = [size for size in args.sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}: choose from {', '.join(SIZES)}")
    for size in args.sizes or list(SIZES):
        bench(size, args.seed, args.format)


if __name__ == "__main__":
    main()
