"""System timestamps formatted once per millisecond read exactly as formatted each time."""

from __future__ import annotations

import random
import time

from simulators.engine import SimulatorSettings
from simulators.salesforce import SalesforceSettings, create_simulator
from simulators.salesforce._wire import sf_datetime


def test_a_shared_stamp_equals_the_stamp_formatted_each_time() -> None:
    records = create_simulator(SalesforceSettings(), SimulatorSettings()).dialect.records
    rng = random.Random(17)  # seed printed by the assertion's values on failure
    ts = 1_765_000_000.0
    for _ in range(20_000):  # several writes per millisecond, and across seconds
        ts += rng.random() * 0.0007
        assert records.stamp(ts) == sf_datetime(ts), ts
    for k in range(200):  # just below and above a whole second
        for t in (1_765_000_000.0 + k - 1e-7, 1_765_000_000.0 + k + 1e-7):
            assert records.stamp(t) == sf_datetime(t), t


def test_the_millisecond_table_formats_as_a_format_spec_does() -> None:
    rng = random.Random(23)  # seed printed by the assertion's values on failure
    stamps = [rng.uniform(0, 4_000_000_000) for _ in range(20_000)]
    stamps += [
        k + f for k in range(1_765_000_000, 1_765_000_050) for f in (0, 1e-7, 0.9995, 1 - 1e-9)
    ]
    for ts in stamps:
        expected = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(ts)))
        expected += f".{int(ts * 1000) % 1000:03d}+0000"
        assert sf_datetime(ts) == expected, ts
