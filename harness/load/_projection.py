"""Governance at the firm's volume: from what one business event cost per vendor in a
run, how much of each vendor's quota a month uses, and the day it would run out.

Quotas, as the vendors define them:

* Salesforce: a rolling 24-hour org quota of API requests (``DailyApiRequests``);
* NetSuite: no request quota, a limit on concurrent requests; the demand is the
  average concurrency a day's requests need (Little's law: rate x mean duration);
* Kantata and Workday: requests per second (Workday publishes none: 0 means none).

A day's demand is the month's volume spread over the working days, with the month-end
days carrying ``month_end_share`` of the time entries; a vendor "runs out" on the first
day whose demand exceeds its limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._profile import VOLUME_OF, Limits, Volume

VENDORS = {"crm": "salesforce", "erp": "netsuite", "psa": "kantata", "hcm": "workday"}


@dataclass(frozen=True, slots=True)
class VendorProjection:
    vendor: str
    requests_per_month: float
    quota: str  # what the share is measured against
    month_share: float | None  # demand over the month / capacity over the month
    peak_day_share: float | None
    runs_out_on_day: int | None  # working day of the month, None: never

    def to_dict(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "requests_per_month": round(self.requests_per_month),
            "quota": self.quota,
            "month_share": None if self.month_share is None else round(self.month_share, 4),
            "peak_day_share": None
            if self.peak_day_share is None
            else round(self.peak_day_share, 4),
            "runs_out_on_day": self.runs_out_on_day,
        }


def unit_costs(
    calls: dict[tuple[str, str], int], acks: dict[str, int]
) -> dict[str, dict[str, float]]:
    """Requests per business event: journey -> system -> calls / acknowledged events.

    Calls the run could not trace to a journey (``other``: e.g. follow-up work a stack
    starts under its own correlation ids) are shared out per system in proportion to
    the traced ones, so the projection does not undercount them."""
    out: dict[str, dict[str, float]] = {}
    for system in VENDORS:
        traced = {
            j: n for (s, j), n in calls.items() if s == system and j in VOLUME_OF and acks.get(j, 0)
        }
        total = sum(traced.values())
        other = sum(n for (s, j), n in calls.items() if s == system and j not in traced)
        for journey, n in traced.items():
            share = n + (other * n / total if total else 0)
            out.setdefault(journey, {})[system] = share / acks[journey]
    return out


def daily_events(volume: Volume, journey: str) -> list[float]:
    """Business events of ``journey`` on each working day of the month."""
    days = max(1, volume.working_days)
    total = float(getattr(volume, VOLUME_OF[journey]))
    end = min(max(0, volume.month_end_days), days)
    if journey != "month_end" or end == 0 or end == days:
        return [total / days] * days
    share = min(max(volume.month_end_share, 0.0), 1.0)
    normal = total * (1 - share) / (days - end)
    return [normal] * (days - end) + [total * share / end] * end


def project(
    costs: dict[str, dict[str, float]],
    volume: Volume,
    limits: Limits,
    erp_mean_seconds: float,
) -> list[VendorProjection]:
    """Each vendor's month at the firm's volume."""
    days = max(1, volume.working_days)
    per_day = {s: [0.0] * days for s in VENDORS}
    for journey, by_system in costs.items():
        events = daily_events(volume, journey)
        for system, cost in by_system.items():
            for d in range(days):
                per_day[system][d] += events[d] * cost
    busy = max(volume.busy_hours, 0.1) * 3600
    out = []
    for system, vendor in VENDORS.items():
        demand = per_day[system]
        total = sum(demand)
        if system == "crm":
            cap_day = float(limits.salesforce_daily_api_requests)
            quota = f"{limits.salesforce_daily_api_requests} API requests per 24 h"
            month_cap = cap_day * 30  # the rolling quota renews every day of the month
        elif system == "erp":
            cap_day = float(limits.netsuite_concurrency)
            quota = f"{limits.netsuite_concurrency} concurrent requests"
            demand = [d / busy * erp_mean_seconds for d in demand]  # average concurrency
            month_cap = cap_day * days
        else:
            rate = (
                limits.kantata_requests_per_second
                if system == "psa"
                else limits.workday_requests_per_second
            )
            if rate <= 0:
                out.append(VendorProjection(vendor, total, "no published limit", None, None, None))
                continue
            cap_day = rate * busy
            quota = f"{rate:g} requests per second"
            month_cap = cap_day * days
        shares = [d / cap_day for d in demand] if cap_day > 0 else [0.0] * days
        month_share = (sum(demand) / month_cap) if month_cap > 0 else None
        if system == "erp":
            month_share = sum(shares) / days
        over = next((i + 1 for i, s in enumerate(shares) if s > 1.0), None)
        out.append(VendorProjection(vendor, total, quota, month_share, max(shares), over))
    return out
