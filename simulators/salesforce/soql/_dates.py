"""Date and dateTime literals of SOQL, resolved against the tenant clock.

A relative date literal (``TODAY``, ``LAST_N_DAYS:30`` ...) is a half-open range of days
``[start, end)``; comparisons against it are rewritten as range comparisons. Weeks
start on Sunday and fiscal periods equal calendar periods (Salesforce's defaults for
an en_US org without a custom fiscal year). All computation is in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_DT_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[tT](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([zZ])|([+-])(\d{2}):?(\d{2}))$"
)

# Literals without an argument: name -> (unit, offset from the current period).
_FIXED: dict[str, tuple[str, int]] = {
    "YESTERDAY": ("day", -1),
    "TODAY": ("day", 0),
    "TOMORROW": ("day", 1),
    "LAST_WEEK": ("week", -1),
    "THIS_WEEK": ("week", 0),
    "NEXT_WEEK": ("week", 1),
    "LAST_MONTH": ("month", -1),
    "THIS_MONTH": ("month", 0),
    "NEXT_MONTH": ("month", 1),
    "LAST_QUARTER": ("quarter", -1),
    "THIS_QUARTER": ("quarter", 0),
    "NEXT_QUARTER": ("quarter", 1),
    "LAST_YEAR": ("year", -1),
    "THIS_YEAR": ("year", 0),
    "NEXT_YEAR": ("year", 1),
    "LAST_FISCAL_QUARTER": ("quarter", -1),
    "THIS_FISCAL_QUARTER": ("quarter", 0),
    "NEXT_FISCAL_QUARTER": ("quarter", 1),
    "LAST_FISCAL_YEAR": ("year", -1),
    "THIS_FISCAL_YEAR": ("year", 0),
    "NEXT_FISCAL_YEAR": ("year", 1),
}

# Literals with ``:n``: name -> (unit, kind) where kind is last / next / ago.
_WITH_N: dict[str, tuple[str, str]] = {
    "LAST_N_DAYS": ("day", "last_days"),
    "NEXT_N_DAYS": ("day", "next"),
    "N_DAYS_AGO": ("day", "ago"),
    "LAST_N_WEEKS": ("week", "last"),
    "NEXT_N_WEEKS": ("week", "next"),
    "N_WEEKS_AGO": ("week", "ago"),
    "LAST_N_MONTHS": ("month", "last"),
    "NEXT_N_MONTHS": ("month", "next"),
    "N_MONTHS_AGO": ("month", "ago"),
    "LAST_N_QUARTERS": ("quarter", "last"),
    "NEXT_N_QUARTERS": ("quarter", "next"),
    "N_QUARTERS_AGO": ("quarter", "ago"),
    "LAST_N_YEARS": ("year", "last"),
    "NEXT_N_YEARS": ("year", "next"),
    "N_YEARS_AGO": ("year", "ago"),
    "LAST_N_FISCAL_QUARTERS": ("quarter", "last"),
    "NEXT_N_FISCAL_QUARTERS": ("quarter", "next"),
    "N_FISCAL_QUARTERS_AGO": ("quarter", "ago"),
    "LAST_N_FISCAL_YEARS": ("year", "last"),
    "NEXT_N_FISCAL_YEARS": ("year", "next"),
    "N_FISCAL_YEARS_AGO": ("year", "ago"),
}


def is_fixed_literal(name: str) -> bool:
    return name.upper() in _FIXED or name.upper() in ("LAST_90_DAYS", "NEXT_90_DAYS")


def is_n_literal(name: str) -> bool:
    return name.upper() in _WITH_N


def format_datetime(dt: datetime) -> str:
    """The stored form: ``2024-01-05T10:00:00.000+0000`` (UTC, millisecond precision)."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}+0000"


def parse_datetime_literal(text: str) -> datetime | None:
    """A SOQL dateTime literal as an aware UTC datetime, or None when it is not valid."""
    m = _DT_RE.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=UTC)
    except ValueError:
        return None
    if not z:
        hours, minutes = int(oh), int(om)
        if hours > 23 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        dt = dt - delta if sign == "+" else dt + delta
    return dt


def parse_date_literal(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def _period_start(today: date, unit: str) -> date:
    if unit == "day":
        return today
    if unit == "week":  # Sunday
        return today - timedelta(days=(today.weekday() + 1) % 7)
    if unit == "month":
        return today.replace(day=1)
    if unit == "quarter":
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return date(today.year, 1, 1)


def _shift(start: date, unit: str, count: int) -> date:
    if unit == "day":
        return start + timedelta(days=count)
    if unit == "week":
        return start + timedelta(days=7 * count)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    return _add_months(start, months * count)


def date_range(name: str, n: int | None, now: datetime) -> tuple[date, date]:
    """``[start, end)`` in days for a relative date literal at time ``now``."""
    today = now.astimezone(UTC).date()
    key = name.upper()
    if key == "LAST_90_DAYS":
        key, n = "LAST_N_DAYS", 90
    elif key == "NEXT_90_DAYS":
        key, n = "NEXT_N_DAYS", 90
    if key in _FIXED:
        unit, offset = _FIXED[key]
        start = _shift(_period_start(today, unit), unit, offset)
        return start, _shift(start, unit, 1)
    unit, kind = _WITH_N[key]
    count = n or 0
    current = _period_start(today, unit)
    if kind == "last_days":  # includes today: LAST_N_DAYS:1 is yesterday and today
        return today - timedelta(days=count), today + timedelta(days=1)
    if kind == "last":
        return _shift(current, unit, -count), current
    if kind == "next":
        nxt = _shift(current, unit, 1)
        return nxt, _shift(nxt, unit, count)
    start = _shift(current, unit, -count)  # ago
    return start, _shift(start, unit, 1)


def day_start(d: date) -> str:
    """The stored dateTime string of midnight UTC on ``d``."""
    return d.isoformat() + "T00:00:00.000+0000"
