"""Cross-system consistency of the generated firm, checked independently of the generator."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import holidays
import pytest

from harness.data import (
    BillingModel,
    Firm,
    InvoiceLineKind,
    MilestoneStatus,
    OpportunityStage,
    TimeEntryStatus,
    generate_firm,
)


@pytest.fixture(scope="module", params=[21, 22, 23])
def firm(request: pytest.FixtureRequest) -> Firm:
    return generate_firm(request.param, "small")


def _holidays(calendar: str, years: range) -> set[dt.date]:
    country, _, subdiv = calendar.partition("-")
    return set(holidays.country_holidays(country, subdiv=subdiv or None, years=years))


def test_every_kind_is_populated(firm: Firm) -> None:
    empty = [kind for kind, count in firm.counts().items() if count == 0]
    assert empty == []
    assert len(firm.legal_entities) >= 2
    assert len({le.currency for le in firm.legal_entities}) >= 2


def test_customer_accounts_link_crm_and_erp(firm: Firm) -> None:
    crm_ids = [a.crm_id for a in firm.accounts]
    assert len(set(crm_ids)) == len(crm_ids)
    assert len({a.erp_id for a in firm.accounts}) == len(firm.accounts)
    for account in firm.accounts:
        assert account.erp_external_id == account.crm_id
        assert len(account.crm_id) == 18 and account.crm_id.isalnum()
    assert len({a.name for a in firm.accounts}) == len(firm.accounts)


def test_every_psa_user_is_one_hcm_worker(firm: Firm) -> None:
    psa = Counter(c.psa_id for c in firm.consultants)
    hcm = Counter(c.hcm_id for c in firm.consultants)
    assert max(psa.values()) == 1
    assert max(hcm.values()) == 1
    assert len({c.email for c in firm.consultants}) == len(firm.consultants)
    assert {c.worker_type for c in firm.consultants} == {"employee", "contractor"}


def test_references_resolve(firm: Firm) -> None:
    ids = {kind: {r.id for r in records} for kind, records in firm}
    people = ids["consultants"]
    for c in firm.consultants:
        assert c.role_id in ids["roles"] and c.practice_id in ids["practices"]
        assert c.legal_entity_id in ids["legal_entities"]
        assert c.currency in ids["currencies"]
        assert c.manager_id is None or c.manager_id in people
    managers = firm.index("consultants")
    for c in firm.consultants:
        if c.manager_id:
            boss = managers[c.manager_id]
            assert boss.level > c.level and boss.practice_id == c.practice_id
    for line in firm.rate_card_lines:
        assert line.rate_card_id in ids["rate_cards"] and line.role_id in ids["roles"]
    for a in firm.accounts:
        assert a.owner_id in people and a.legal_entity_id in ids["legal_entities"]
    for c in firm.contacts:
        assert c.account_id in ids["accounts"]
    for o in firm.opportunities:
        assert o.account_id in ids["accounts"] and o.owner_id in people
        assert o.practice_id in ids["practices"]
    for s in firm.statements_of_work:
        assert s.opportunity_id in ids["opportunities"] and s.rate_card_id in ids["rate_cards"]
    for p in firm.projects:
        assert p.sow_id in ids["statements_of_work"] and p.account_id in ids["accounts"]
        assert p.project_manager_id in people
    for t in firm.tasks:
        assert t.project_id in ids["projects"]
    for m in firm.milestones:
        assert m.project_id in ids["projects"]
    for a in firm.assignments:
        assert a.project_id in ids["projects"] and a.consultant_id in people
        assert a.role_id in ids["roles"]
    for e in firm.expenses:
        assert e.project_id in ids["projects"] and e.consultant_id in people
    for i in firm.invoices:
        assert i.project_id in ids["projects"] and i.account_id in ids["accounts"]
    for line in firm.invoice_lines:
        assert line.invoice_id in ids["invoices"]
    for r in firm.revenue_events:
        assert r.project_id in ids["projects"]
    for co in firm.change_orders:
        assert co.project_id in ids["projects"] and co.sow_id in ids["statements_of_work"]


def test_projects_and_invoices_only_for_won_deals(firm: Firm) -> None:
    opportunities = firm.index("opportunities")
    projects = firm.index("projects")
    for project in firm.projects:
        opp = opportunities[project.opportunity_id]
        assert opp.stage is OpportunityStage.CLOSED_WON
        assert project.external_ref == opp.crm_id
        assert project.account_id == opp.account_id
        assert project.start_date > opp.close_date
    for invoice in firm.invoices:
        project = projects[invoice.project_id]
        assert opportunities[project.opportunity_id].stage is OpportunityStage.CLOSED_WON
        assert invoice.account_id == project.account_id
        assert invoice.currency == project.currency
        assert invoice.invoice_date <= firm.as_of
    for opp in firm.opportunities:
        closed = opp.stage in (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST)
        assert (opp.close_date < firm.as_of) == closed
        assert opp.created_date <= opp.close_date and opp.amount_minor > 0


def test_time_entries_on_working_days_inside_assignments(firm: Firm) -> None:
    assignments = firm.index("assignments")
    consultants = firm.index("consultants")
    tasks = firm.index("tasks")
    years = range(firm.as_of.year - 3, firm.as_of.year + 1)
    calendars: dict[str, set[dt.date]] = {}
    window_start = firm.as_of - dt.timedelta(days=firm.size.timesheet_days)
    for entry in firm.time_entries:
        assignment = assignments[entry.assignment_id]
        person = consultants[entry.consultant_id]
        if person.holiday_calendar not in calendars:
            calendars[person.holiday_calendar] = _holidays(person.holiday_calendar, years)
        off = calendars[person.holiday_calendar]
        assert entry.consultant_id == assignment.consultant_id
        assert entry.project_id == assignment.project_id
        assert tasks[entry.task_id].project_id == entry.project_id
        assert assignment.start_date <= entry.work_date <= assignment.end_date
        assert window_start <= entry.work_date < firm.as_of
        assert entry.work_date.weekday() < 5, entry
        assert entry.work_date not in off, (entry, person.holiday_calendar)
        assert entry.work_date >= person.hire_date
        assert 0 < entry.hours <= 12 and (entry.hours * 4).is_integer()
        if entry.status is TimeEntryStatus.APPROVED:
            assert entry.approver_id is not None
        else:
            assert entry.invoice_line_id is None


def test_invoice_lines_trace_to_approved_time_or_completed_milestones(firm: Firm) -> None:
    invoices = firm.index("invoices")
    assignments = firm.index("assignments")
    milestones = firm.index("milestones")
    projects = firm.index("projects")
    entries_by_line = defaultdict(list)
    for entry in firm.time_entries:
        if entry.invoice_line_id is not None:
            entries_by_line[entry.invoice_line_id].append(entry)
    totals: Counter[str] = Counter()
    invoiced_milestones: Counter[str] = Counter()
    for line in firm.invoice_lines:
        invoice = invoices[line.invoice_id]
        totals[invoice.id] += line.amount_minor
        if line.kind is InvoiceLineKind.TIME:
            entries = entries_by_line[line.id]
            assert entries, f"{line.id} traces to no time entry"
            assert line.assignment_id is not None
            assignment = assignments[line.assignment_id]
            assert assignment.project_id == invoice.project_id
            assert projects[invoice.project_id].billing_model is BillingModel.TIME_AND_MATERIALS
            for entry in entries:
                assert entry.status is TimeEntryStatus.APPROVED and entry.billable
                assert entry.assignment_id == line.assignment_id
                assert invoice.period_start <= entry.work_date <= invoice.period_end
            assert sum(e.hours for e in entries) == line.hours
            assert line.rate_minor == assignment.bill_rate_minor
            assert line.amount_minor * 4 == round(line.hours * 4) * line.rate_minor
        else:
            assert line.milestone_id is not None
            milestone = milestones[line.milestone_id]
            assert milestone.status is MilestoneStatus.COMPLETED
            assert milestone.project_id == invoice.project_id
            assert milestone.completed_date is not None
            assert invoice.period_start <= milestone.completed_date <= invoice.period_end
            assert line.amount_minor == milestone.amount_minor
            invoiced_milestones[milestone.id] += 1
    assert set(entries_by_line) <= {line.id for line in firm.invoice_lines}
    assert all(count == 1 for count in invoiced_milestones.values())
    for invoice in firm.invoices:
        assert invoice.total_minor == totals[invoice.id] > 0


def test_milestones_add_up_to_the_project_budget(firm: Firm) -> None:
    by_project: Counter[str] = Counter()
    for milestone in firm.milestones:
        by_project[milestone.project_id] += milestone.amount_minor
        done = milestone.status is MilestoneStatus.COMPLETED
        assert done == (milestone.due_date < firm.as_of)
    for project in firm.projects:
        if project.billing_model is not BillingModel.TIME_AND_MATERIALS:
            assert by_project[project.id] == project.budget_minor


def test_assignments_fit_people(firm: Firm) -> None:
    consultants = firm.index("consultants")
    for assignment in firm.assignments:
        person = consultants[assignment.consultant_id]
        assert 0 < assignment.hours_per_week <= person.hours_per_week
        assert assignment.start_date <= assignment.end_date
        assert assignment.bill_rate_minor > 0


def test_utilization_within_plausible_bounds_per_level(firm: Firm) -> None:
    window_start = firm.as_of - dt.timedelta(days=firm.size.timesheet_days)
    years = range(firm.as_of.year - 1, firm.as_of.year + 1)
    logged: Counter[str] = Counter()
    for entry in firm.time_entries:
        logged[entry.consultant_id] += entry.hours
    by_level: dict[int, list[float]] = defaultdict(list)
    targets = {}
    for person in firm.consultants:
        start = max(window_start, person.hire_date)
        off = _holidays(person.holiday_calendar, years)
        days = sum(
            1
            for n in range((firm.as_of - start).days)
            if (d := start + dt.timedelta(days=n)).weekday() < 5 and d not in off
        )
        if days < 20:
            continue
        utilization = logged[person.id] / (days * person.hours_per_week / 5)
        assert utilization <= 1.05, (person.id, utilization)
        by_level[person.level].append(utilization)
        targets[person.level] = person.utilization_target
    for level, values in by_level.items():
        mean = sum(values) / len(values)
        assert mean <= targets[level] + 0.1, (level, mean)
    delivery = [u for level in (1, 2, 3) for u in by_level.get(level, [])]
    assert sum(delivery) / len(delivery) >= 0.3
