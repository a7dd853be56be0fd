"""The firm's wider landscape: notices reach the collaboration platform, the nightly
utilization batch reaches analytics, and what analytics received matches the PSA.

The peripherals run on a real WireMock server; the journey reads what arrived from its
request journal (a wait on the journal, never a sleep). "Utilization reporting accuracy"
(the seed's KPI) is the share of the PSA's (consultant, project) hours that reached the
analytics ingest with the same hours.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ..wiremock import WireMockAdmin
from ._errors import JourneyFailure
from ._journeys import (
    TM,
    Scene,
    account_in,
    bill_time,
    log_and_approve,
    open_project,
    wait_invoices,
)

#: KPI key in the journey's results
ACCURACY = "utilization_reporting_accuracy"


def _body(entry: dict[str, Any]) -> Any:
    try:
        return json.loads(entry.get("body") or "")
    except ValueError:
        return entry.get("body")


def _psa_entries(sc: Scene) -> list[dict[str, Any]]:
    admin = sc.systems.admin["psa"]
    return list(admin.records("time_entries", {"workspace_id": sc.ids["workspace"]}))


def _psa_hours(entries: list[dict[str, Any]]) -> dict[tuple[str, str], float]:
    """The PSA's own hours per (user, workspace)."""
    hours: dict[tuple[str, str], float] = defaultdict(float)
    for te in entries:
        hours[(str(te["user_id"]), str(te["workspace_id"]))] += int(te["time_in_minutes"]) / 60
    return dict(hours)


def accuracy(
    expected: dict[tuple[str, str], float], rows: list[dict[str, Any]]
) -> tuple[float, list[str]]:
    """(share of expected pairs reported with the right hours, one line per difference)."""
    got: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        got[(str(row.get("psa_user_id")), str(row.get("psa_workspace_id")))] += float(
            row.get("hours") or 0
        )
    problems = []
    right = 0
    for key, hours in sorted(expected.items()):
        reported = got.get(key)
        if reported is None:
            problems.append(f"user {key[0]} on workspace {key[1]}: {hours:.4g} h not reported")
        elif abs(reported - hours) > 0.005:
            problems.append(
                f"user {key[0]} on workspace {key[1]}: reported {reported:.4g} h, PSA has {hours:.4g} h"
            )
        else:
            right += 1
    return (right / len(expected) if expected else 1.0), problems


def _wait(wm: WireMockAdmin, timeout: float, **match: Any) -> list[dict[str, Any]]:
    try:
        return wm.wait_for("POST", timeout=timeout, **match)
    except TimeoutError as exc:
        raise JourneyFailure(str(exc)) from None


def play_landscape(sc: Scene) -> None:
    wm = sc.systems.peripherals
    if wm is None:
        raise JourneyFailure(
            "the landscape journey needs the peripherals (WireMock), which are not running"
        )
    open_project(sc, TM, 33871.15, account_in(sc, "USD"))
    opp, ws = str(sc.ids["opportunity"]), str(sc.ids["workspace"])
    timeout = sc.systems.admin["psa"].step_timeout
    with sc.steps.step("project activation announced in Slack and Teams", "collab", "wait"):
        _wait(wm, timeout, url_path="/api/chat.postMessage", body_contains=opp)
        _wait(wm, timeout, url_path_pattern="/workflows/.*/paths/invoke", body_contains=opp)
    log_and_approve(sc, 3)
    bill_time(sc)
    wait_invoices(sc, 1)
    with sc.steps.step("invoice announced in Slack", "collab", "wait"):
        _wait(wm, timeout, url_path_pattern="/services/.*", body_contains=opp)
    rows_path = "/v1.0/myorg/datasets/.*/rows"
    entries = _psa_entries(sc)
    start = min((str(te["date_performed"]) for te in entries), default=sc.day)
    with sc.steps.step("utilization batch pushed to analytics", "analytics", "wait"):
        before = len(wm.find("POST", url_path_pattern=rows_path))
        sc.target.utilization_run(start, sc.day)
        try:
            found = _wait(wm, timeout, url_path_pattern=rows_path, count=before + 1)
        except JourneyFailure as exc:  # nothing reached analytics: the KPI is nil
            sc.ids[ACCURACY] = 0.0
            raise JourneyFailure(
                f"utilization reporting accuracy 0.0%: no utilization rows reached analytics ({exc})"
            ) from None
    rows = [r for entry in found[before:] for r in (_body(entry) or {}).get("rows", [])]
    rows = [r for r in rows if str(r.get("psa_workspace_id")) == ws]
    share, problems = accuracy(_psa_hours(entries), rows)
    sc.ids[ACCURACY] = round(share, 4)
    with sc.steps.step("utilization in analytics matches the PSA", "analytics"):
        if problems:
            raise AssertionError(
                f"utilization reporting accuracy {share:.1%}: " + "; ".join(problems[:5])
            )
