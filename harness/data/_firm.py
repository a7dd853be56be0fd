"""The generated firm: every entity list, in a fixed kind order and generation order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from harness.data._errors import DataError
from harness.data._model import (
    Account,
    Assignment,
    ChangeOrder,
    Consultant,
    Contact,
    Currency,
    Entity,
    Expense,
    Invoice,
    InvoiceLine,
    LegalEntity,
    Milestone,
    Opportunity,
    Practice,
    Project,
    RateCard,
    RateCardLine,
    RevenueEvent,
    Role,
    StatementOfWork,
    Task,
    TimeEntry,
)
from harness.data._sizes import SizeSpec

KIND_TYPES: MappingProxyType[str, type] = MappingProxyType(
    {
        "currencies": Currency,
        "legal_entities": LegalEntity,
        "practices": Practice,
        "roles": Role,
        "rate_cards": RateCard,
        "rate_card_lines": RateCardLine,
        "consultants": Consultant,
        "accounts": Account,
        "contacts": Contact,
        "opportunities": Opportunity,
        "statements_of_work": StatementOfWork,
        "projects": Project,
        "tasks": Task,
        "milestones": Milestone,
        "assignments": Assignment,
        "time_entries": TimeEntry,
        "expenses": Expense,
        "invoices": Invoice,
        "invoice_lines": InvoiceLine,
        "revenue_events": RevenueEvent,
        "change_orders": ChangeOrder,
    }
)
"""Entity kinds in dependency order (a kind only refers to kinds before it), and their types."""
KINDS: tuple[str, ...] = tuple(KIND_TYPES)


@dataclass(slots=True, kw_only=True)
class Firm:
    """One consistent firm; ``firm.records("accounts")`` or ``firm.accounts``.

    Iterating yields ``(kind, records)`` pairs in :data:`KINDS` order, records in id order.
    """

    seed: int
    size: SizeSpec
    as_of: dt.date
    currencies: list[Currency] = field(default_factory=list)
    legal_entities: list[LegalEntity] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    rate_cards: list[RateCard] = field(default_factory=list)
    rate_card_lines: list[RateCardLine] = field(default_factory=list)
    consultants: list[Consultant] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    statements_of_work: list[StatementOfWork] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    time_entries: list[TimeEntry] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    invoice_lines: list[InvoiceLine] = field(default_factory=list)
    revenue_events: list[RevenueEvent] = field(default_factory=list)
    change_orders: list[ChangeOrder] = field(default_factory=list)

    @staticmethod
    def kinds() -> tuple[str, ...]:
        return KINDS

    def records(self, kind: str) -> Sequence[Entity]:
        if kind not in KINDS:
            raise DataError(f"unknown entity kind {kind!r}", hint="one of " + ", ".join(KINDS))
        records: Sequence[Entity] = getattr(self, kind)
        return records

    def index(self, kind: str) -> dict[str, Entity]:
        """Records of one kind by id (built on each call)."""
        return {record.id: record for record in self.records(kind)}

    def counts(self) -> dict[str, int]:
        return {kind: len(self.records(kind)) for kind in KINDS}

    def total(self) -> int:
        return sum(self.counts().values())

    def __iter__(self) -> Iterator[tuple[str, Sequence[Entity]]]:
        for kind in KINDS:
            yield kind, self.records(kind)
