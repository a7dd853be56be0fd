"""Everything one generation run shares: seed, size, as-of date, randomness and lookups."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from faker import Faker

from harness.data._calendar import WorkCalendar
from harness.data._catalog import USD_RATES, EntitySpec
from harness.data._providers import Pools
from harness.data._sizes import SizeSpec

FIRM_NAME = "Meridian Hale Consulting"
FIRM_DOMAIN = "meridianhale.example"


@dataclass(slots=True)
class Context:
    """Per-run state; all randomness flows from ``rng`` (which is ``fake.random``)."""

    seed: int
    size: SizeSpec
    as_of: dt.date
    window_start: dt.date
    fake: Faker
    rng: random.Random
    pools: Pools
    calendar: WorkCalendar
    entities: tuple[EntitySpec, ...]
    _taken: set[str] = field(default_factory=set)

    def unique(self, candidate: str, *, separator: str = " ") -> str:
        """``candidate``, or ``candidate`` plus the smallest free number, never repeated."""
        if candidate not in self._taken:
            self._taken.add(candidate)
            return candidate
        number = 2
        while f"{candidate}{separator}{number}" in self._taken:
            number += 1
        value = f"{candidate}{separator}{number}"
        self._taken.add(value)
        return value

    def local_minor(self, usd: float, currency: str, *, factor: float = 1.0, step: int = 5) -> int:
        """A USD figure as a price in ``currency`` minor units, rounded to ``step`` units."""
        local = usd * factor / USD_RATES[currency]
        units = max(step, round(local / step) * step)
        return units * 100

    def days_ago(self, low: int, high: int) -> dt.date:
        return self.as_of - dt.timedelta(days=self.rng.randint(low, high))
