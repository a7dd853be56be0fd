"""The canonical, vendor-neutral model of the firm the journeys touch.

Every entity is a slotted dataclass with a stable string ``id`` (``ACC-000001``) that is
derived from the seed and the generation order only. Cross-system keys are the ones a
firm keeps to link its systems (``crm_id``, ``erp_id``, ``erp_external_id``, ``hcm_id``,
``psa_id``); how each vendor spells them on the wire belongs to the loaders.

Money is held as integers in the currency's minor unit (``*_minor``) so totals are exact;
hours are multiples of a quarter hour. Records are mutable only while the generator
builds them: treat them as read-only afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class BillingModel(StrEnum):
    """How a statement of work is billed."""

    TIME_AND_MATERIALS = "time_and_materials"
    FIXED_FEE = "fixed_fee"
    MILESTONE = "milestone"
    RETAINER = "retainer"


class OpportunityStage(StrEnum):
    """The sales funnel, in order."""

    PROSPECTING = "prospecting"
    QUALIFICATION = "qualification"
    NEEDS_ANALYSIS = "needs_analysis"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"


class WorkerType(StrEnum):
    """Employment relationship of a consultant."""

    EMPLOYEE = "employee"
    CONTRACTOR = "contractor"


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"


class TimeEntryStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class MilestoneStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"


class ExpenseStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"


class InvoiceLineKind(StrEnum):
    TIME = "time"
    MILESTONE = "milestone"


class ChangeOrderStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"


@dataclass(slots=True)
class Currency:
    id: str  # ISO 4217 code, e.g. "EUR"
    name: str
    symbol: str
    minor_units: int
    usd_rate: str  # units of USD for one unit of this currency, decimal string


@dataclass(slots=True)
class LegalEntity:
    """A subsidiary that employs people, contracts with clients and issues invoices."""

    id: str
    name: str
    country: str
    currency: str
    standard_hours_per_week: float
    erp_id: str


@dataclass(slots=True)
class Practice:
    """A service line; consultants, opportunities and projects belong to one."""

    id: str
    code: str
    name: str


@dataclass(slots=True)
class Role:
    id: str
    practice_id: str
    level: int
    name: str
    utilization_target: float


@dataclass(slots=True)
class RateCard:
    id: str
    name: str
    legal_entity_id: str
    currency: str
    effective_from: dt.date


@dataclass(slots=True)
class RateCardLine:
    id: str
    rate_card_id: str
    role_id: str
    level: int
    bill_rate_minor: int


@dataclass(slots=True)
class Consultant:
    """One person: a single HCM worker and a single PSA user."""

    id: str
    hcm_id: str
    psa_id: str
    worker_type: WorkerType
    first_name: str
    last_name: str
    email: str
    practice_id: str
    role_id: str
    level: int
    title: str
    skills: tuple[str, ...]
    legal_entity_id: str
    location: str
    country: str
    holiday_calendar: str  # "US-NY", "GB-ENG", "IN"
    manager_id: str | None
    fte: float
    hours_per_week: float  # availability: standard hours x FTE
    utilization_target: float
    hire_date: dt.date
    currency: str
    cost_rate_minor: int
    bill_rate_minor: int


@dataclass(slots=True)
class Account:
    """A client; one CRM account linked to one ERP customer by external id."""

    id: str
    crm_id: str
    erp_id: str
    erp_external_id: str  # always the CRM id
    name: str
    industry: str
    website: str
    street: str
    city: str
    country: str
    employees: int
    annual_revenue_usd: int
    legal_entity_id: str
    currency: str
    owner_id: str


@dataclass(slots=True)
class Contact:
    id: str
    crm_id: str
    account_id: str
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str


@dataclass(slots=True)
class Opportunity:
    id: str
    crm_id: str
    account_id: str
    owner_id: str
    practice_id: str
    legal_entity_id: str
    name: str
    stage: OpportunityStage
    probability: int
    billing_model: BillingModel
    currency: str
    amount_minor: int
    created_date: dt.date
    close_date: dt.date


@dataclass(slots=True)
class StatementOfWork:
    id: str
    opportunity_id: str
    account_id: str
    legal_entity_id: str
    rate_card_id: str
    title: str
    billing_model: BillingModel
    currency: str
    value_minor: int
    signed_date: dt.date
    start_date: dt.date
    end_date: dt.date


@dataclass(slots=True)
class Project:
    id: str
    psa_id: str
    erp_id: str
    external_ref: str  # the won opportunity's CRM id
    sow_id: str
    opportunity_id: str
    account_id: str
    legal_entity_id: str
    practice_id: str
    project_manager_id: str
    name: str
    billing_model: BillingModel
    currency: str
    budget_minor: int
    planned_hours: float
    start_date: dt.date
    end_date: dt.date
    status: ProjectStatus


@dataclass(slots=True)
class Task:
    id: str
    psa_id: str
    project_id: str
    name: str
    start_date: dt.date
    end_date: dt.date
    estimated_hours: float


@dataclass(slots=True)
class Milestone:
    id: str
    psa_id: str
    project_id: str
    name: str
    due_date: dt.date
    amount_minor: int
    status: MilestoneStatus
    completed_date: dt.date | None


@dataclass(slots=True)
class Assignment:
    id: str
    psa_id: str
    project_id: str
    consultant_id: str
    role_id: str
    start_date: dt.date
    end_date: dt.date
    hours_per_week: float
    bill_rate_minor: int
    currency: str


@dataclass(slots=True)
class TimeEntry:
    id: str
    assignment_id: str
    project_id: str
    task_id: str
    consultant_id: str
    work_date: dt.date
    hours: float
    billable: bool
    status: TimeEntryStatus
    approver_id: str | None
    invoice_line_id: str | None


@dataclass(slots=True)
class Expense:
    id: str
    project_id: str
    consultant_id: str
    expense_date: dt.date
    category: str
    currency: str
    amount_minor: int
    billable: bool
    status: ExpenseStatus


@dataclass(slots=True)
class Invoice:
    id: str
    erp_id: str
    project_id: str
    account_id: str
    legal_entity_id: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    invoice_date: dt.date
    due_date: dt.date
    total_minor: int
    status: InvoiceStatus


@dataclass(slots=True)
class InvoiceLine:
    """One billed item; ``time`` lines trace to approved entries, ``milestone`` lines to one milestone."""

    id: str
    invoice_id: str
    kind: InvoiceLineKind
    assignment_id: str | None
    milestone_id: str | None
    hours: float
    rate_minor: int
    amount_minor: int


@dataclass(slots=True)
class RevenueEvent:
    id: str
    project_id: str
    period_end: dt.date
    basis: str  # "approved_time", "milestone", "percent_complete", "ratable"
    currency: str
    amount_minor: int
    source_id: str | None


@dataclass(slots=True)
class ChangeOrder:
    id: str
    project_id: str
    sow_id: str
    title: str
    requested_date: dt.date
    status: ChangeOrderStatus
    approved_date: dt.date | None
    amount_delta_minor: int
    hours_delta: float
    previous_end_date: dt.date
    new_end_date: dt.date


Entity = (
    Currency
    | LegalEntity
    | Practice
    | Role
    | RateCard
    | RateCardLine
    | Consultant
    | Account
    | Contact
    | Opportunity
    | StatementOfWork
    | Project
    | Task
    | Milestone
    | Assignment
    | TimeEntry
    | Expense
    | Invoice
    | InvoiceLine
    | RevenueEvent
    | ChangeOrder
)
