"""Play the whole default suite against the unbroken reference integration and against
every broken variant; print the table of variant and verdict (markdown).

    python tests/journeys/detection_table.py [--seed 1] [--step-timeout 10] [--out table.md]

One scene (simulators and firm) for all; each variant is switched in as the target.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from ri_variants import VARIANTS
from test_detection_power import variant_target

from harness.journeys import JOURNEYS, Session, SessionOptions, embedded_spec


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--step-timeout", type=float, default=10.0)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rows = ["| variant | verdict | journeys failed | first failure |", "|---|---|---|---|"]
    options = SessionOptions(seed=args.seed, step_timeout=args.step_timeout, timeout=7200)
    with Session(options) as session:
        for name in ["(unbroken)", *sorted(VARIANTS)]:
            session.switch_target(embedded_spec() if name == "(unbroken)" else variant_target(name))
            t0 = time.monotonic()
            results = [session.play(key) for key in JOURNEYS]
            failed = [r for r in results if not r.ok]
            first = failed[0].failures[0][:220].replace("|", "/") if failed else ""
            verdict = (
                ("FAILED (caught)" if name != "(unbroken)" else "FAILED") if failed else "passed"
            )
            row = f"| {name} | {verdict} | {', '.join(r.name for r in failed)} | {first} |"
            rows.append(row)
            print(row, f"({time.monotonic() - t0:.0f}s)", flush=True)
    text = "\n".join(rows) + "\n"
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
