"""The HCM's view of the firm: locations, job profiles, cost centers, organizations and workers.

Workday assigns the WIDs; the firm's keys ride on what Workday lets a customer choose:
a worker's Employee_ID is the consultant's ``hcm_id``, job profiles are coded by the
canonical role id, cost centers and supervisory organizations by the practice code, and
locations by a code of the office. Workers name their manager by Employee_ID, so the
org chart loads in one batch. Cost rates are decimal amounts in the worker's currency.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from harness.data import Firm
from harness.data._model import Consultant, Practice, WorkerType

COUNTRY_NAMES: dict[str, str] = {
    "US": "United States of America",
    "GB": "United Kingdom",
    "DE": "Germany",
    "IN": "India",
    "CA": "Canada",
    "AU": "Australia",
}
TIME_ZONES: dict[str, str] = {
    "US-NY": "America/New_York",
    "US-MA": "America/New_York",
    "US-IL": "America/Chicago",
    "US-TX": "America/Chicago",
    "US-CA": "America/Los_Angeles",
    "GB-ENG": "Europe/London",
    "GB-SCT": "Europe/London",
    "DE-BE": "Europe/Berlin",
    "DE-BY": "Europe/Berlin",
    "DE-HE": "Europe/Berlin",
    "IN-KA": "Asia/Kolkata",
    "IN-MH": "Asia/Kolkata",
    "CA-ON": "America/Toronto",
    "CA-BC": "America/Vancouver",
    "CA-QC": "America/Toronto",
    "AU-NSW": "Australia/Sydney",
    "AU-VIC": "Australia/Melbourne",
}
MANAGEMENT_LEVELS: dict[int, str] = {
    1: "Individual Contributor",
    2: "Individual Contributor",
    3: "Individual Contributor",
    4: "Manager",
    5: "Senior Manager",
    6: "Director",
    7: "Executive",
}

Batch = tuple[str, list[dict[str, Any]]]


def location_code(office: str) -> str:
    """``New York`` -> ``LOC-NEW-YORK``."""
    return "LOC-" + re.sub(r"[^A-Z0-9]+", "-", office.upper()).strip("-")


def cost_center_code(p: Practice) -> str:
    return f"CC-{p.code}"


def org_code(p: Practice) -> str:
    return f"SO-{p.code}"


def decimal_amount(amount_minor: int, minor_units: int) -> float:
    """Minor units -> a decimal amount (exact for the magnitudes a rate has)."""
    return float(Decimal(amount_minor).scaleb(-minor_units))


def practice_heads(firm: Firm) -> dict[str, Consultant]:
    """Each practice's manager: its most senior employee without a manager (lowest id first)."""
    heads: dict[str, Consultant] = {}
    for c in firm.consultants:
        if c.worker_type is not WorkerType.EMPLOYEE:
            continue
        best = heads.get(c.practice_id)
        rank = (c.manager_id is not None, -c.level)
        if best is None or rank < (best.manager_id is not None, -best.level):
            heads[c.practice_id] = c
    return heads


def workday_batches(firm: Firm) -> Iterator[Batch]:
    """(record type, records) in load order: reference data, then every worker."""
    offices: dict[str, Consultant] = {}
    for c in firm.consultants:
        offices.setdefault(c.location, c)
    yield (
        "locations",
        [
            {
                "name": office,
                "code": location_code(office),
                "country": c.country,
                "countryName": COUNTRY_NAMES.get(c.country, c.country),
                "address": f"{office}, {COUNTRY_NAMES.get(c.country, c.country)}",
                "timeZone": TIME_ZONES.get(c.holiday_calendar, "UTC"),
            }
            for office, c in sorted(offices.items())
        ],
    )
    practices = {p.id: p for p in firm.practices}
    yield (
        "jobProfiles",
        [
            {
                "name": r.name,
                "code": r.id,
                "jobFamily": practices[r.practice_id].name,
                "jobLevel": r.level,
                "managementLevel": MANAGEMENT_LEVELS.get(r.level, "Individual Contributor"),
                "defaultJobTitle": r.name,
            }
            for r in firm.roles
        ],
    )
    yield (
        "costCenters",
        [{"name": p.name, "code": cost_center_code(p)} for p in firm.practices],
    )
    heads = practice_heads(firm)
    yield (
        "supervisoryOrganizations",
        [
            {
                "name": p.name,
                "code": org_code(p),
                **({"manager": heads[p.id].hcm_id} if p.id in heads else {}),
            }
            for p in firm.practices
        ],
    )
    consultants = {c.id: c for c in firm.consultants}
    minor = {c.id: c.minor_units for c in firm.currencies}
    yield "workers", [_worker(c, practices, consultants, minor) for c in firm.consultants]


def _worker(
    c: Consultant,
    practices: dict[str, Practice],
    consultants: dict[str, Consultant],
    minor: dict[str, int],
) -> dict[str, Any]:
    practice = practices[c.practice_id]
    contractor = c.worker_type is WorkerType.CONTRACTOR
    rec: dict[str, Any] = {
        "employeeId": c.hcm_id,
        "firstName": c.first_name,
        "lastName": c.last_name,
        "email": c.email,
        "workerType": "Contingent Worker" if contractor else "Employee",
        "hireDate": c.hire_date.isoformat(),
        "businessTitle": c.title,
        "jobProfile": c.role_id,
        "supervisoryOrganization": org_code(practice),
        "costCenter": cost_center_code(practice),
        "location": location_code(c.location),
        "jobType": "Contractor" if contractor else "Regular",
        "timeType": "Full time" if c.fte >= 1.0 else "Part time",
        "fte": c.fte,
        "scheduledWeeklyHours": c.hours_per_week,
        "costRate": decimal_amount(c.cost_rate_minor, minor[c.currency]),
        "currency": c.currency,
        "skills": list(c.skills),
    }
    if c.manager_id is not None:
        rec["manager"] = consultants[c.manager_id].hcm_id
    return rec
