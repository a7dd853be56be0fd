"""The firm's canonical facts and what its people did: the yardstick invariants judge by.

``Canon`` answers from the generated firm (the rate card rate of a consultant on a deal
with a given account, the legal entity an account belongs to); ``Ledger`` records what
each journey's people did (minutes logged and approved, expenses, payments, deal
amounts, terminations), so a value the stack copied wrongly but consistently still fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Canon:
    """Look-ups into the generated firm by the ids the vendor systems use."""

    def __init__(self, firm: Any) -> None:
        self.firm = firm
        self._accounts = {a.crm_id: a for a in firm.accounts}
        self._consultants = {c.psa_id: c for c in firm.consultants}
        self._by_email = {c.email.lower(): c for c in firm.consultants}
        self._entities = {e.id: e for e in firm.legal_entities}
        cards = {c.legal_entity_id: c for c in firm.rate_cards}
        self._rates = {
            (cards_id, line.role_id): line.bill_rate_minor
            for line in firm.rate_card_lines
            for cards_id in [line.rate_card_id]
        }
        self._card_of_entity = {le: c.id for le, c in cards.items()}

    def entity_of(self, account_crm_id: str) -> Any | None:
        acc = self._accounts.get(account_crm_id)
        return self._entities.get(acc.legal_entity_id) if acc else None

    def consultant(self, psa_user_id: str) -> Any | None:
        return self._consultants.get(str(psa_user_id))

    def consultant_by_email(self, email: str) -> Any | None:
        return self._by_email.get(email.lower())

    def rate_cents(self, account_crm_id: str, psa_user_id: str) -> int | None:
        """The rate card rate (cents per hour) for the consultant's role on the account's
        legal entity's card; None when the firm does not know the pair."""
        acc, con = self._accounts.get(account_crm_id), self.consultant(psa_user_id)
        if acc is None or con is None:
            return None
        card = self._card_of_entity.get(acc.legal_entity_id)
        return self._rates.get((card, con.role_id))

    def accounts_in(self, currency: str) -> list[str]:
        return sorted(a.crm_id for a in self.firm.accounts if a.currency == currency)


@dataclass(slots=True)
class Ledger:
    """What the firm's people did in one journey."""

    model: str = ""
    amount: float = 0.0  # the deal amount as last set by the sales rep
    logged: dict[str, int] = field(default_factory=dict)  # PSA entry id -> minutes
    author: dict[str, str] = field(default_factory=dict)  # PSA entry id -> PSA user id
    approved: set[str] = field(default_factory=set)
    expenses: dict[str, int] = field(default_factory=dict)  # billable PSA expense -> cents
    unbilled_expenses: dict[str, int] = field(default_factory=dict)  # not billable
    payments: dict[str, list[float]] = field(default_factory=dict)  # ERP invoice -> paid
    credits: dict[str, list[float]] = field(default_factory=dict)  # ERP invoice -> credited
    terminated: dict[str, str] = field(default_factory=dict)  # PSA user id -> HCM id
    status_after: list[tuple[str, str]] = field(default_factory=list)  # (when, CRM text)
    leakage: float | None = None  # approved billable money not invoiced (invariant's finding)
