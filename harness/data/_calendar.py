"""Working days per holiday calendar (weekends and the public holidays of a locale)."""

from __future__ import annotations

import datetime as dt

import holidays


class WorkCalendar:
    """Answers "is this a working day in that office?" for a fixed span of years."""

    __slots__ = ("_first_year", "_holidays", "_last_year")

    def __init__(self, first_year: int, last_year: int) -> None:
        self._first_year = first_year
        self._last_year = last_year
        self._holidays: dict[str, frozenset[dt.date]] = {}

    def holidays_of(self, calendar: str) -> frozenset[dt.date]:
        """Public holidays of a calendar code such as ``US-NY``, ``GB-ENG`` or ``IN``."""
        found = self._holidays.get(calendar)
        if found is None:
            country, _, subdiv = calendar.partition("-")
            years = range(self._first_year, self._last_year + 1)
            table = holidays.country_holidays(country, subdiv=subdiv or None, years=years)
            found = frozenset(table.keys())
            self._holidays[calendar] = found
        return found

    def is_working_day(self, calendar: str, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.holidays_of(calendar)

    def working_days(self, calendar: str, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from ``start`` to ``end`` inclusive, in order."""
        off = self.holidays_of(calendar)
        days = []
        day = start
        one = dt.timedelta(days=1)
        while day <= end:
            if day.weekday() < 5 and day not in off:
                days.append(day)
            day += one
        return days
