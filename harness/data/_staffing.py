"""Staff projects from capacity: nobody is booked beyond their utilization target.

Each consultant has a weekly booking ledger; a project asks for a lead and a team by
level, and each slot goes to the candidate (of a small random sample in the project's
practice) with the most free hours across the project's weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from harness.data import _keys
from harness.data._context import Context
from harness.data._model import Assignment, Consultant, Project

_SAMPLE = 6
_MIN_HOURS = 4.0


@dataclass(frozen=True, slots=True)
class Slot:
    level: int
    share: float  # wanted fraction of the person's weekly hours


def team_for(planned_hours: float, weeks: int, rng_value: float) -> tuple[Slot, ...]:
    """The slots a project of this size asks for: a lead, oversight, and delivery staff."""
    people = max(1, min(15, round(planned_hours / (weeks * 30.0))))
    slots: list[Slot] = []
    if people >= 3:
        slots.append(Slot(6 if rng_value < 0.6 else 7, 0.2))
    if people >= 2:
        slots.append(Slot(5 if people >= 6 else 4, 0.5))
    delivery = people - (1 if people >= 2 else 0)
    for i in range(delivery):
        slots.append(Slot((2, 1, 3, 1, 2, 3)[i % 6] if people > 1 else 3, 1.0))
    return tuple(slots)


class Staffing:
    """Books consultants onto projects week by week and emits assignments."""

    __slots__ = ("_by_pool", "_cap", "_ctx", "_grid_start", "_hire_week", "_ledger", "_people")

    def __init__(self, ctx: Context, consultants: list[Consultant], grid_start: dt.date) -> None:
        self._ctx = ctx
        self._grid_start = grid_start
        self._people = consultants
        self._cap = [c.hours_per_week * min(1.0, c.utilization_target + 0.05) for c in consultants]
        self._hire_week = [self._week(c.hire_date + dt.timedelta(days=6)) for c in consultants]
        self._ledger: list[list[float]] = [[] for _ in consultants]
        self._by_pool: dict[tuple[str, int], list[int]] = {}
        for index, person in enumerate(consultants):
            self._by_pool.setdefault((person.practice_id, person.level), []).append(index)
            self._by_pool.setdefault(("*", person.level), []).append(index)

    def _week(self, day: dt.date) -> int:
        return (day - self._grid_start).days // 7

    def _free(self, index: int, first: int, last: int) -> float:
        ledger = self._ledger[index]
        if len(ledger) < last:
            ledger.extend([0.0] * (last - len(ledger)))
        return self._cap[index] - max(ledger[first:last])

    def _pick(
        self, practice_id: str, level: int, first: int, last: int, chosen: set[int]
    ) -> tuple[int, float]:
        rng = self._ctx.rng
        best, best_free = -1, 0.0
        # Own practice first (same level, then one up or down), then anyone at that level.
        for practice, lv in (
            (practice_id, level),
            (practice_id, level + 1),
            (practice_id, level - 1),
            ("*", level),
        ):
            pool = self._by_pool.get((practice, lv))
            if not pool:
                continue
            sample = pool if len(pool) <= _SAMPLE else rng.sample(pool, _SAMPLE)
            for index in sample:
                if index in chosen or self._hire_week[index] > first:
                    continue
                free = self._free(index, first, last)
                if free > best_free:
                    best, best_free = index, free
            if best_free >= _MIN_HOURS:
                break
        return best, best_free

    def staff(
        self, project: Project, weeks: int, rates: dict[int, tuple[str, int]], next_id: int
    ) -> list[Assignment]:
        """Assign a team to ``project``; ``rates`` maps level to (role id, bill rate)."""
        first = self._week(project.start_date)
        last = first + weeks
        slots = team_for(project.planned_hours, weeks, self._ctx.rng.random())
        chosen: set[int] = set()
        assignments: list[Assignment] = []
        for slot in slots:
            index, free = self._pick(project.practice_id, slot.level, first, last, chosen)
            if index < 0 or free < _MIN_HOURS:
                continue
            person = self._people[index]
            wanted = person.hours_per_week * slot.share
            hours = float(int(min(wanted, free) / 2) * 2)
            if hours < _MIN_HOURS:
                continue
            chosen.add(index)
            ledger = self._ledger[index]
            for week in range(first, last):
                ledger[week] += hours
            role_id, rate = rates[person.level]
            number = next_id + len(assignments)
            assignments.append(
                Assignment(
                    id=_keys.local_id("ASG", number, 7),
                    psa_id=_keys.numeric_id(30_000_000, number),
                    project_id=project.id,
                    consultant_id=person.id,
                    role_id=role_id,
                    start_date=project.start_date,
                    end_date=project.end_date,
                    hours_per_week=hours,
                    bill_rate_minor=rate,
                    currency=project.currency,
                )
            )
        return assignments
