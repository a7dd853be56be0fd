"""``UtcStamps`` splits a clock reading exactly as ``datetime.fromtimestamp`` does."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from simulators.engine import UtcStamps

SEED = 20261207


def test_parts_match_datetime_including_rounding_into_the_next_second() -> None:
    stamps, rng = UtcStamps(), random.Random(SEED)
    edges = (0.9999996, 0.9999995, 0.9999994, 0.0000005, 0.0000004, 0.25, 0.0)
    readings = [int(rng.uniform(-2e9, 4e9)) + edge for edge in edges for _ in range(300)]
    readings += [rng.uniform(1.7e9, 1.7e9 + 30) for _ in range(3000)]  # many in one second
    for ts in readings:
        d = datetime.fromtimestamp(ts, UTC)
        assert stamps.parts(ts) == (d.strftime("%Y-%m-%dT%H:%M:%S"), d.microsecond), (SEED, ts)
