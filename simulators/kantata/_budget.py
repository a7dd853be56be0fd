"""Budget consumed per workspace: approved billable time at its rate, plus expenses when they burn.

Kantata computes ``budget_used`` from the project's approved billable line items; time is
valued at the entry's ``rate_in_cents``, which defaults to the resource's bill rate.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Budget:
    used_in_cents: int
    expenses_in_cents: int
    billable_minutes: int
    non_billable_minutes: int
    active_submissions: int
    percentage_complete: int


#: the four roll-ups in one statement: a compound of four aggregates, one row each (tagged
#: 0-3, padded to three figures), so a workspace costs one statement, not four
_ROLL_UP = (
    "SELECT 0, coalesce(sum(CASE WHEN json_extract(data,'$.billable') AND json_extract(data,'$.approved') "
    "THEN json_extract(data,'$.time_in_minutes') * json_extract(data,'$.rate_in_cents') / 60.0 END), 0), "
    "coalesce(sum(CASE WHEN json_extract(data,'$.billable') THEN json_extract(data,'$.time_in_minutes') END), 0), "
    "coalesce(sum(CASE WHEN NOT json_extract(data,'$.billable') THEN json_extract(data,'$.time_in_minutes') END), 0) "
    "FROM records INDEXED BY kt_rollups__workspace_id WHERE type = 'time_entries' AND deleted = 0 "
    "AND json_extract(data,'$.workspace_id') = ?1 "
    "UNION ALL SELECT 1, coalesce(sum(json_extract(data,'$.amount_in_cents')), 0), coalesce(sum(CASE WHEN "
    "json_extract(data,'$.is_billable') THEN json_extract(data,'$.amount_in_cents') END), 0), NULL "
    "FROM records INDEXED BY kt_rollups__workspace_id WHERE type = 'expenses' AND deleted = 0 "
    "AND json_extract(data,'$.workspace_id') = ?1 "
    "UNION ALL SELECT 2, count(*), NULL, NULL FROM records INDEXED BY kt_rollups__workspace_id "
    "WHERE type = 'timesheet_submissions' AND deleted = 0 AND "
    "json_extract(data,'$.workspace_id') = ?1 AND json_extract(data,'$.status') IN ('pending','approved') "
    "UNION ALL SELECT 3, coalesce(sum(CASE WHEN json_extract(data,'$.state') = 'completed' THEN 1 END), 0), "
    "count(*), NULL FROM records INDEXED BY kt_rollups__workspace_id WHERE type = 'stories' "
    "AND deleted = 0 AND json_extract(data,'$.workspace_id') = ?1"
)


#: whether any record of the four roll-ups points at the workspace (the same conditions):
#: a workspace just created has none, and this costs half the roll-up
_ANY = (
    "SELECT EXISTS (SELECT 1 FROM records INDEXED BY kt_rollups__workspace_id WHERE type = "
    "'time_entries' AND deleted = 0 AND json_extract(data,'$.workspace_id') = ?1) "
    "OR EXISTS (SELECT 1 FROM records INDEXED BY kt_rollups__workspace_id WHERE type = 'expenses' "
    "AND deleted = 0 AND json_extract(data,'$.workspace_id') = ?1) "
    "OR EXISTS (SELECT 1 FROM records INDEXED BY kt_rollups__workspace_id WHERE type = "
    "'timesheet_submissions' AND deleted = 0 AND json_extract(data,'$.workspace_id') = ?1 "
    "AND json_extract(data,'$.status') IN ('pending','approved')) "
    "OR EXISTS (SELECT 1 FROM records INDEXED BY kt_rollups__workspace_id WHERE type = 'stories' "
    "AND deleted = 0 AND json_extract(data,'$.workspace_id') = ?1)"
)
#: the roll-ups of a workspace nothing points at
NO_BUDGET = Budget(0, 0, 0, 0, 0, 0)


def workspace_budget(
    conn: sqlite3.Connection, ws: dict[str, Any], likely_empty: bool = False
) -> Budget:
    """The workspace's roll-ups; ``likely_empty`` (a workspace just created) asks first whether
    anything points at it."""
    if likely_empty and not conn.execute(_ANY, (ws["id"],)).fetchone()[0]:
        return NO_BUDGET
    rows = {r[0]: r[1:] for r in conn.execute(_ROLL_UP, (ws["id"],))}
    time_used, billable, nonbillable = rows[0]
    expenses, billable_expenses, _ = rows[1]
    active = rows[2][0]
    done, total, _ = rows[3]
    used = round(time_used)
    if ws.get("expenses_in_burn_rate"):
        used += int(billable_expenses)
    return Budget(
        used,
        int(expenses),
        int(billable),
        int(nonbillable),
        int(active),
        round(done * 100 / total) if total else 0,
    )
