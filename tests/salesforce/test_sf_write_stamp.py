"""System timestamps formatted once per millisecond read exactly as formatted each time."""

from __future__ import annotations

import random

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
