"""Invoices, invoice lines and revenue events, derived from approved time and milestones.

Monthly invoicing per project: a time line per assignment for the month's approved,
billable (time-and-materials) entries, which are stamped with that line's id; a
milestone line per milestone completed in the month. Only closed months are invoiced.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from harness.data import _keys
from harness.data._context import Context
from harness.data._model import (
    Assignment,
    BillingModel,
    Invoice,
    InvoiceLine,
    InvoiceLineKind,
    InvoiceStatus,
    Milestone,
    MilestoneStatus,
    Project,
    RevenueEvent,
    TimeEntry,
    TimeEntryStatus,
)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


@dataclass(slots=True)
class Billing:
    invoices: list[Invoice] = field(default_factory=list)
    lines: list[InvoiceLine] = field(default_factory=list)
    revenue: list[RevenueEvent] = field(default_factory=list)


def _amount(hours: float, rate_minor: int) -> int:
    """Hours are whole quarters, so the product is exact after scaling by four."""
    return round(hours * 4) * rate_minor // 4


def bill(
    ctx: Context,
    projects: Sequence[Project],
    assignments: Sequence[Assignment],
    milestones: Sequence[Milestone],
    entries: Sequence[TimeEntry],
) -> Billing:
    """Build invoices and revenue; stamps ``invoice_line_id`` on the entries it invoices."""
    rate_of = {a.id: a.bill_rate_minor for a in assignments}
    # (project, month end) -> assignment -> entries, for approved billable time
    billable: dict[tuple[str, dt.date], dict[str, list[TimeEntry]]] = defaultdict(
        lambda: defaultdict(list)
    )
    logged: dict[tuple[str, dt.date], float] = defaultdict(float)
    ends: dict[dt.date, dt.date] = {}
    approved = TimeEntryStatus.APPROVED
    for entry in entries:
        if entry.status is not approved:
            continue
        day = entry.work_date
        end = ends.get(day)
        if end is None:
            end = ends[day] = month_end(day)
        key = (entry.project_id, end)
        logged[key] += entry.hours
        if entry.billable and end < ctx.as_of:
            billable[key][entry.assignment_id].append(entry)
    done_milestones: dict[tuple[str, dt.date], list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        if milestone.status is MilestoneStatus.COMPLETED and milestone.completed_date:
            end = month_end(milestone.completed_date)
            if end < ctx.as_of:
                done_milestones[milestone.project_id, end].append(milestone)

    months: dict[str, set[dt.date]] = defaultdict(set)
    for pid, end in (*billable, *done_milestones):
        months[pid].add(end)
    out = Billing()
    for project in projects:
        for end in sorted(months.get(project.id, ())):
            _invoice(
                ctx,
                out,
                project,
                end,
                billable.get((project.id, end), {}),
                rate_of,
                done_milestones.get((project.id, end), []),
            )
    _recognize(ctx, out, projects, milestones, logged)
    return out


def _invoice(
    ctx: Context,
    out: Billing,
    project: Project,
    end: dt.date,
    by_assignment: dict[str, list[TimeEntry]],
    rate_of: dict[str, int],
    done: list[Milestone],
) -> None:
    number = len(out.invoices) + 1
    invoice_id = _keys.local_id("INV", number, 7)
    total = 0
    for assignment_id in sorted(by_assignment):
        items = by_assignment[assignment_id]
        line_id = _keys.local_id("INL", len(out.lines) + 1, 8)
        hours = sum(e.hours for e in items)
        rate = rate_of[assignment_id]
        amount = _amount(hours, rate)
        for e in items:
            e.invoice_line_id = line_id
        out.lines.append(
            InvoiceLine(
                line_id, invoice_id, InvoiceLineKind.TIME, assignment_id, None, hours, rate, amount
            )
        )
        total += amount
    for milestone in done:
        line_id = _keys.local_id("INL", len(out.lines) + 1, 8)
        out.lines.append(
            InvoiceLine(
                line_id,
                invoice_id,
                InvoiceLineKind.MILESTONE,
                None,
                milestone.id,
                0.0,
                milestone.amount_minor,
                milestone.amount_minor,
            )
        )
        total += milestone.amount_minor
    invoice_date = end + dt.timedelta(days=1)
    due = invoice_date + dt.timedelta(days=30)
    paid = due < ctx.as_of and ctx.rng.random() < 0.92
    out.invoices.append(
        Invoice(
            id=invoice_id,
            erp_id=_keys.numeric_id(400_000, number),
            project_id=project.id,
            account_id=project.account_id,
            legal_entity_id=project.legal_entity_id,
            currency=project.currency,
            period_start=end.replace(day=1),
            period_end=end,
            invoice_date=invoice_date,
            due_date=due,
            total_minor=total,
            status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
        )
    )


def _recognize(
    ctx: Context,
    out: Billing,
    projects: Sequence[Project],
    milestones: Sequence[Milestone],
    logged: dict[tuple[str, dt.date], float],
) -> None:
    """Revenue by billing model: time as approved, milestones on completion, fixed fee by
    percent complete, retainers ratably."""
    invoice_of = {(i.project_id, i.period_end): i.id for i in out.invoices}
    invoices = {i.id: i for i in out.invoices}
    time_value: dict[tuple[str, dt.date], int] = defaultdict(int)
    for line in out.lines:
        if line.kind is InvoiceLineKind.TIME:
            invoice = invoices[line.invoice_id]
            time_value[invoice.project_id, invoice.period_end] += line.amount_minor
    by_project: dict[str, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        by_project[milestone.project_id].append(milestone)

    def emit(project: Project, end: dt.date, basis: str, amount: int, source: str | None) -> None:
        if amount <= 0:
            return
        out.revenue.append(
            RevenueEvent(
                id=_keys.local_id("REV", len(out.revenue) + 1, 7),
                project_id=project.id,
                period_end=end,
                basis=basis,
                currency=project.currency,
                amount_minor=amount,
                source_id=source,
            )
        )

    logged_months: dict[str, list[dt.date]] = defaultdict(list)
    for pid, end in sorted(logged):
        if end < ctx.as_of:
            logged_months[pid].append(end)
    for project in projects:
        model = project.billing_model
        if model is BillingModel.TIME_AND_MATERIALS:
            for end in logged_months[project.id]:
                key = (project.id, end)
                emit(project, end, "approved_time", time_value.get(key, 0), invoice_of.get(key))
        elif model is BillingModel.FIXED_FEE:
            recognized = 0
            for end in logged_months[project.id]:
                share = logged[project.id, end] / max(project.planned_hours, 1.0)
                amount = min(round(project.budget_minor * share), project.budget_minor - recognized)
                recognized += max(amount, 0)
                emit(project, end, "percent_complete", amount, None)
        else:
            basis = "ratable" if model is BillingModel.RETAINER else "milestone"
            for milestone in by_project[project.id]:
                if milestone.status is MilestoneStatus.COMPLETED and milestone.completed_date:
                    end = month_end(milestone.completed_date)
                    if end < ctx.as_of:
                        emit(project, end, basis, milestone.amount_minor, milestone.id)
