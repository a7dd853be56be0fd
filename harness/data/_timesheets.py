"""Bulk generators for the high-volume records: time entries and expenses.

These skip factory-boy: one loop per assignment per week with the run's random, working
days cached per (holiday calendar, week), dates shared between records.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence

from harness.data._catalog import EXPENSE_CATEGORIES, USD_RATES
from harness.data._context import Context
from harness.data._model import (
    Assignment,
    BillingModel,
    Consultant,
    Expense,
    ExpenseStatus,
    Project,
    Task,
    TimeEntry,
    TimeEntryStatus,
)

_WEEK = dt.timedelta(days=7)
_PTO_CHANCE = 0.03

Progress = Callable[[int], None]


def _quarter(hours: float) -> float:
    return round(hours * 4) / 4


def week_status(monday: dt.date, as_of: dt.date) -> TimeEntryStatus:
    """Weeks a full week in the past are approved; last week is submitted; this week draft."""
    if monday + dt.timedelta(days=13) < as_of:
        return TimeEntryStatus.APPROVED
    if monday + dt.timedelta(days=6) < as_of:
        return TimeEntryStatus.SUBMITTED
    return TimeEntryStatus.DRAFT


class Timesheets:
    """Generates the time entries and expenses of every assignment inside the window."""

    __slots__ = ("_ctx", "_days", "_last_day", "_tasks")

    def __init__(self, ctx: Context, tasks: Sequence[Task]) -> None:
        self._ctx = ctx
        self._last_day = ctx.as_of - dt.timedelta(days=1)
        self._days: dict[tuple[str, dt.date], tuple[dt.date, ...]] = {}
        by_project: dict[str, tuple[list[dt.date], list[str]]] = {}
        for task in tasks:
            starts, ids = by_project.setdefault(task.project_id, ([], []))
            starts.append(task.start_date)
            ids.append(task.id)
        self._tasks = by_project

    def _week_days(self, calendar: str, monday: dt.date) -> tuple[dt.date, ...]:
        key = (calendar, monday)
        days = self._days.get(key)
        if days is None:
            start = max(monday, self._ctx.window_start)
            end = min(monday + dt.timedelta(days=4), self._last_day)
            days = tuple(self._ctx.calendar.working_days(calendar, start, end))
            self._days[key] = days
        return days

    def _task_for(self, project_id: str, day: dt.date) -> str:
        starts, ids = self._tasks[project_id]
        return ids[max(0, bisect.bisect_right(starts, day) - 1)]

    def time_entries(
        self,
        assignments: Sequence[Assignment],
        consultants: dict[str, Consultant],
        projects: dict[str, Project],
        progress: Progress | None = None,
    ) -> list[TimeEntry]:
        ctx = self._ctx
        rng = ctx.rng
        random = rng.random
        entries: list[TimeEntry] = []
        append = entries.append
        window_monday = ctx.window_start - dt.timedelta(days=ctx.window_start.weekday())
        for done, assignment in enumerate(assignments, 1):
            if progress is not None and done % 500 == 0:
                progress(done)
            person = consultants[assignment.consultant_id]
            project = projects[assignment.project_id]
            approver = project.project_manager_id
            if approver == person.id:
                approver = person.manager_id or approver
            billable = project.billing_model is BillingModel.TIME_AND_MATERIALS
            monday = max(assignment.start_date, window_monday)
            monday -= dt.timedelta(days=monday.weekday())
            last = min(assignment.end_date, self._last_day)
            weekly = assignment.hours_per_week
            daily = weekly / 5
            while monday <= last:
                days = self._week_days(person.holiday_calendar, monday)
                if assignment.start_date > monday or assignment.end_date < monday + _WEEK:
                    days = tuple(
                        d for d in days if assignment.start_date <= d <= assignment.end_date
                    )
                status = week_status(monday, ctx.as_of)
                approver_id = approver if status is TimeEntryStatus.APPROVED else None
                if daily >= 2:
                    jitter = 0.5 if daily >= 4 else 0.0
                    plan = [(d, _quarter(daily + rng.uniform(-jitter, jitter))) for d in days]
                elif days:
                    count = min(len(days), max(1, round(weekly * len(days) / 5 / 4)))
                    picked = sorted(rng.sample(days, count))
                    each = _quarter(weekly * len(days) / 5 / count)
                    plan = [(d, each) for d in picked] if each > 0 else []
                else:
                    plan = []
                for day, hours in plan:
                    if random() < _PTO_CHANCE:
                        continue
                    append(
                        TimeEntry(
                            f"TE-{len(entries) + 1:08d}",
                            assignment.id,
                            project.id,
                            self._task_for(project.id, day),
                            person.id,
                            day,
                            hours,
                            billable,
                            status,
                            approver_id,
                            None,
                        )
                    )
                monday += _WEEK
        return entries

    def expenses(
        self,
        assignments: Sequence[Assignment],
        consultants: dict[str, Consultant],
        projects: dict[str, Project],
    ) -> list[Expense]:
        """Travel and subsistence: a few claims in some months of some assignments."""
        ctx = self._ctx
        rng = ctx.rng
        categories = [c for c, _, _ in EXPENSE_CATEGORIES]
        medians = {c: m for c, m, _ in EXPENSE_CATEGORIES}
        weights = [w for _, _, w in EXPENSE_CATEGORIES]
        expenses: list[Expense] = []
        for assignment in assignments:
            person = consultants[assignment.consultant_id]
            project = projects[assignment.project_id]
            start = max(assignment.start_date, ctx.window_start)
            end = min(assignment.end_date, self._last_day)
            month = start.replace(day=1)
            while month <= end:
                next_month = (month + dt.timedelta(days=32)).replace(day=1)
                if rng.random() < 0.3:
                    low = max(month, start)
                    high = min(next_month - dt.timedelta(days=1), end)
                    days = ctx.calendar.working_days(person.holiday_calendar, low, high)
                    for _ in range(rng.randint(1, 4) if days else 0):
                        category = rng.choices(categories, weights=weights)[0]
                        usd = medians[category] * rng.lognormvariate(0.0, 0.4)
                        day = rng.choice(days)
                        expenses.append(
                            Expense(
                                id=f"EXP-{len(expenses) + 1:07d}",
                                project_id=project.id,
                                consultant_id=person.id,
                                expense_date=day,
                                category=category,
                                currency=project.currency,
                                amount_minor=max(
                                    100, round(usd / USD_RATES[project.currency] * 100)
                                ),
                                billable=rng.random() < 0.8,
                                status=(
                                    ExpenseStatus.APPROVED
                                    if day < ctx.as_of - dt.timedelta(days=14)
                                    else ExpenseStatus.SUBMITTED
                                ),
                            )
                        )
                month = next_month
        return expenses
