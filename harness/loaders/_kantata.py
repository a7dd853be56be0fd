"""The PSA's view of the firm: users, rate cards, workspaces, staffing and time in Kantata OX's shape.

Ids are the firm's own PSA ids where it keeps one (users, workspaces, tasks, milestones,
staffing); entities without one use the number of their canonical id (``TE-00000042`` ->
``42``), each in its collection's own id space. Links to the other systems are Kantata
external references: a workspace names its won CRM opportunity and its ERP job, a user
names their HCM worker. Money is in the currency's cents, rates in the workspace currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from harness.data import Firm
from harness.data._model import (
    Assignment,
    Consultant,
    Currency,
    MilestoneStatus,
    Project,
    ProjectStatus,
    TimeEntry,
    TimeEntryStatus,
)

#: canonical project status -> Kantata workspace status (key, message, color)
STATUS: dict[ProjectStatus, tuple[int, str, str]] = {
    ProjectStatus.PLANNED: (300, "Not Started", "grey"),
    ProjectStatus.ACTIVE: (305, "In Progress", "green"),
    ProjectStatus.COMPLETED: (310, "Completed", "blue"),
}
#: service names on external references, as an integration would write them
CRM_SERVICE = "Salesforce"
ERP_SERVICE = "NetSuite"
HCM_SERVICE = "Workday"

Batch = tuple[str, list[dict[str, Any]]]


def number(canonical_id: str) -> str:
    """The sequence number of a canonical id as a Kantata id: ``TE-00000042`` -> ``"42"``."""
    return str(int(canonical_id.rsplit("-", 1)[1]))


def to_cents(amount_minor: int, currency: Currency) -> int:
    """Minor units -> Kantata's ``*_in_cents`` (hundredths of the unit, whatever the currency)."""
    shift = 2 - currency.minor_units
    if shift >= 0:
        return amount_minor * 10**shift
    return int((Decimal(amount_minor) / 10**-shift).to_integral_value(ROUND_HALF_UP))


def convert_minor(amount_minor: int, src: Currency, dst: Currency) -> int:
    """An amount in ``src`` minor units as ``dst`` minor units, through the firm's USD rates."""
    if src.id == dst.id:
        return amount_minor
    units = Decimal(amount_minor) / 10**src.minor_units
    value = units * Decimal(src.usd_rate) / Decimal(dst.usd_rate) * 10**dst.minor_units
    return int(value.to_integral_value(ROUND_HALF_UP))


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class _Ids:
    """Kantata ids of canonical entities: their own PSA ids, or numbers for those without."""

    def __init__(self, firm: Firm) -> None:
        self.role = {r.id: str(i) for i, r in enumerate(firm.roles, start=1)}
        self.rate_card = {c.id: str(i) for i, c in enumerate(firm.rate_cards, start=1)}
        self.task = {t.id: t.psa_id for t in firm.tasks}
        sow_card = {s.id: s.rate_card_id for s in firm.statements_of_work}
        self.project_rate_card = {p.id: self.rate_card[sow_card[p.sow_id]] for p in firm.projects}


def kantata_batches(firm: Firm) -> Iterator[Batch]:
    """(collection, records) in load order: referenced records before the ones naming them."""
    ids = _Ids(firm)
    currencies = {c.id: c for c in firm.currencies}
    consultants = {c.id: c for c in firm.consultants}
    projects = {p.id: p for p in firm.projects}
    assignments = {a.id: a for a in firm.assignments}

    yield (
        "roles",
        [{"id": ids.role[r.id], "name": r.name} for r in firm.roles],
    )
    yield "users", [_user(c, ids) for c in firm.consultants]
    yield from _rate_cards(firm, ids, currencies)
    yield (
        "workspaces",
        [_workspace(p, ids, consultants, currencies[p.currency]) for p in firm.projects],
    )
    yield "external_references", list(_references(firm))
    yield "stories", list(_stories(firm, projects, currencies))

    # (bill, cost) cents per assignment, in the workspace currency: computed once, used per entry
    rates = {
        a.id: (
            to_cents(a.bill_rate_minor, currencies[a.currency]),
            _cost_cents(consultants[a.consultant_id], a, currencies),
        )
        for a in firm.assignments
    }
    yield (
        "workspace_resources",
        [
            {
                "id": a.psa_id,
                "workspace_id": projects[a.project_id].psa_id,
                "user_id": consultants[a.consultant_id].psa_id,
                "role_id": ids.role[a.role_id],
                "bill_rate_in_cents": rates[a.id][0],
                "cost_rate_in_cents": rates[a.id][1],
            }
            for a in firm.assignments
        ],
    )
    yield "assignments", _story_assignments(firm, assignments, consultants)

    submissions, entry_submission = _submissions(firm, projects, consultants, rates)
    yield "timesheet_submissions", submissions
    yield (
        "time_entries",
        [
            _time_entry(
                t,
                projects[t.project_id],
                assignments[t.assignment_id],
                consultants[t.consultant_id],
                rates[t.assignment_id],
                ids,
                entry_submission.get(t.id),
            )
            for t in firm.time_entries
        ],
    )
    yield (
        "expenses",
        [
            {
                "id": number(e.id),
                "workspace_id": projects[e.project_id].psa_id,
                "user_id": consultants[e.consultant_id].psa_id,
                "date": e.expense_date.isoformat(),
                "category": e.category,
                "amount_in_cents": to_cents(e.amount_minor, currencies[e.currency]),
                "currency": e.currency,
                "is_billable": e.billable,
                "reimbursable": True,
            }
            for e in firm.expenses
        ],
    )


def _user(c: Consultant, ids: _Ids) -> dict[str, Any]:
    return {
        "id": c.psa_id,
        "full_name": f"{c.first_name} {c.last_name}",
        "email_address": c.email,
        "headline": c.title,
        "role_id": ids.role[c.role_id],
        "account_permission": "member",
        "disabled": False,
    }


def _rate_cards(firm: Firm, ids: _Ids, currencies: dict[str, Currency]) -> Iterator[Batch]:
    """One set per canonical rate card: set, set version, card, card version, role rates.

    All five levels share the card's number, so one id names the whole chain.
    """
    sets, set_versions, cards, versions = [], [], [], []
    for c in firm.rate_cards:
        rid = ids.rate_card[c.id]
        sets.append(
            {
                "id": rid,
                "title": c.name,
                "active_currencies": [c.currency],
                "default_currencies": [c.currency],
            }
        )
        set_versions.append(
            {
                "id": rid,
                "rate_card_set_id": rid,
                "effective_date": c.effective_from.isoformat(),
                "used_currencies": [c.currency],
            }
        )
        cards.append({"id": rid, "rate_card_set_id": rid, "currency": c.currency})
        versions.append({"id": rid, "rate_card_id": rid, "rate_card_set_version_id": rid})
    yield "rate_card_sets", sets
    yield "rate_card_set_versions", set_versions
    yield "rate_cards", cards
    yield "rate_card_versions", versions
    cards_by_id = {c.id: c for c in firm.rate_cards}
    yield (
        "rate_card_roles",
        [
            {
                "id": str(i),
                "rate_card_version_id": ids.rate_card[line.rate_card_id],
                "role_id": ids.role[line.role_id],
                "rate": to_cents(
                    line.bill_rate_minor, currencies[cards_by_id[line.rate_card_id].currency]
                ),
            }
            for i, line in enumerate(firm.rate_card_lines, start=1)
        ],
    )


def _workspace(
    p: Project, ids: _Ids, consultants: dict[str, Consultant], cur: Currency
) -> dict[str, Any]:
    key, message, color = STATUS[p.status]
    pm = consultants.get(p.project_manager_id)
    return {
        "id": p.psa_id,
        "title": p.name,
        "description": f"{p.billing_model.value.replace('_', ' ')} engagement",
        "budgeted": True,
        "price_in_cents": to_cents(p.budget_minor, cur),
        "currency": p.currency,
        "start_date": p.start_date.isoformat(),
        "due_date": p.end_date.isoformat(),
        "status_key": key,
        "status": {"color": color, "key": key, "message": message},
        "rate_card_id": ids.project_rate_card.get(p.id),
        "require_time_approvals": True,
        "primary_maven_id": pm.psa_id if pm else None,
        "approver_id": pm.psa_id if pm else None,
        "creator_id": pm.psa_id if pm else None,
        "stage": "in_flight",
    }


def _references(firm: Firm) -> Iterator[dict[str, Any]]:
    """Workspace -> CRM opportunity and ERP job, user -> HCM worker."""
    n = 0
    for p in firm.projects:
        for service, model, ref in (
            (CRM_SERVICE, "Opportunity", p.external_ref),
            (ERP_SERVICE, "job", p.erp_id),
        ):
            n += 1
            yield {
                "id": str(n),
                "subject_type": "Workspace",
                "subject_id": p.psa_id,
                "service_name": service,
                "service_model": model,
                "service_model_ref": ref,
                "status": "successful",
            }
    for c in firm.consultants:
        n += 1
        yield {
            "id": str(n),
            "subject_type": "User",
            "subject_id": c.psa_id,
            "service_name": HCM_SERVICE,
            "service_model": "Worker",
            "service_model_ref": c.hcm_id,
            "status": "successful",
        }


def _stories(
    firm: Firm, projects: dict[str, Project], currencies: dict[str, Currency]
) -> Iterator[dict[str, Any]]:
    """Tasks then milestones, positioned in their workspace in that order."""
    position: dict[str, int] = {}
    today = firm.as_of
    for t in firm.tasks:
        position[t.project_id] = position.get(t.project_id, 0) + 1
        if t.end_date < today:
            state, pct = "completed", 100
        elif t.start_date <= today:
            state, pct = "started", 0
        else:
            state, pct = "not started", 0
        yield {
            "id": t.psa_id,
            "workspace_id": projects[t.project_id].psa_id,
            "title": t.name,
            "story_type": "task",
            "start_date": t.start_date.isoformat(),
            "due_date": t.end_date.isoformat(),
            "time_estimate_in_minutes": round(t.estimated_hours * 60),
            "state": state,
            "percentage_complete": pct,
            "billable": True,
            "position": position[t.project_id],
        }
    for m in firm.milestones:
        project = projects[m.project_id]
        position[m.project_id] = position.get(m.project_id, 0) + 1
        done = m.status is MilestoneStatus.COMPLETED
        yield {
            "id": m.psa_id,
            "workspace_id": project.psa_id,
            "title": m.name,
            "story_type": "milestone",
            "start_date": m.due_date.isoformat(),
            "due_date": m.due_date.isoformat(),
            "budget_estimate_in_cents": to_cents(m.amount_minor, currencies[project.currency]),
            "fixed_fee": True,
            "billable": True,
            "state": "completed" if done else "not started",
            "percentage_complete": 100 if done else 0,
            "position": position[m.project_id],
        }


def _cost_cents(person: Consultant, a: Assignment, currencies: dict[str, Currency]) -> int:
    """The consultant's cost rate in the workspace's currency."""
    cur = currencies[a.currency]
    return to_cents(convert_minor(person.cost_rate_minor, currencies[person.currency], cur), cur)


def _story_assignments(
    firm: Firm, assignments: dict[str, Assignment], consultants: dict[str, Consultant]
) -> list[dict[str, Any]]:
    """Who works on which task: one assignment per (task, consultant) that has time on it."""
    tasks = {t.id: t for t in firm.tasks}
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for t in firm.time_entries:
        key = (t.task_id, t.consultant_id)
        row = seen.get(key)
        if row is None:
            row = seen[key] = {
                "id": str(len(seen) + 1),
                "story_id": tasks[t.task_id].psa_id,
                "assignee_id": consultants[t.consultant_id].psa_id,
                "resource_id": assignments[t.assignment_id].psa_id,
                "current": True,
                "estimated_minutes": 0,
                "allocated_minutes": 0,
            }
        row["estimated_minutes"] += round(t.hours * 60)
    return list(seen.values())


def _submissions(
    firm: Firm,
    projects: dict[str, Project],
    consultants: dict[str, Consultant],
    rates: dict[str, tuple[int, int]],
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Weekly timesheet submissions per workspace and user: approved or pending.

    Draft entries belong to none. Returns the submissions and each entry's submission id.
    """
    groups: dict[tuple[str, str, dt.date, TimeEntryStatus], list[TimeEntry]] = {}
    for t in firm.time_entries:
        if t.status is TimeEntryStatus.DRAFT:
            continue
        groups.setdefault((t.project_id, t.consultant_id, _week(t.work_date), t.status), []).append(
            t
        )
    out: list[dict[str, Any]] = []
    by_entry: dict[str, str] = {}
    for i, ((project_id, consultant_id, week, status), entries) in enumerate(
        groups.items(), start=1
    ):
        sid = str(i)
        project = projects[project_id]
        approved = status is TimeEntryStatus.APPROVED
        approver = consultants.get(entries[0].approver_id or "")
        total = sum(round(t.hours * rates[t.assignment_id][0]) for t in entries if t.billable)
        resolved_on = (week + dt.timedelta(days=7)).isoformat() if approved else None
        out.append(
            {
                "id": sid,
                "workspace_id": project.psa_id,
                "user_id": consultants[consultant_id].psa_id,
                "title": f"Timesheet for the week of {week.isoformat()}",
                "status": "approved" if approved else "pending",
                "time_entry_ids": [number(t.id) for t in entries],
                "start_date": min(t.work_date for t in entries).isoformat(),
                "end_date": max(t.work_date for t in entries).isoformat(),
                "currency": project.currency,
                "line_item_total_in_cents": total,
                "current_resolution_created_at_date": resolved_on,
                "current_resolution_creator_id": int(approver.psa_id)
                if approved and approver
                else None,
            }
        )
        for t in entries:
            by_entry[t.id] = sid
    return out, by_entry


def _time_entry(
    t: TimeEntry,
    project: Project,
    a: Assignment,
    person: Consultant,
    rate: tuple[int, int],
    ids: _Ids,
    submission: str | None,
) -> dict[str, Any]:
    return {
        "id": number(t.id),
        "workspace_id": project.psa_id,
        "user_id": person.psa_id,
        "story_id": ids.task[t.task_id],
        "role_id": ids.role[a.role_id],
        "date_performed": t.work_date.isoformat(),
        "time_in_minutes": round(t.hours * 60),
        "billable": t.billable,
        "rate_in_cents": rate[0],
        "cost_rate_in_cents": rate[1],
        "currency": project.currency,
        "approved": t.status is TimeEntryStatus.APPROVED,
        "is_invoiced": t.invoice_line_id is not None,
        "active_submission_id": submission,
        "recent_submission_id": submission,
        "_created_by": person.psa_id,
    }
