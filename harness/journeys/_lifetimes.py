"""The token lifetimes journey: the PSA's and the ERP's clocks run past every access-token
lifetime those vendors have, mid-journey, never by sleeping.

NetSuite's OAuth 2.0 access tokens (client credentials) live 3600 seconds; its
token-based authentication (TBA) and Kantata's OAuth tokens do not expire by age. The
journey advances both simulators' clocks past that lifetime between approval and
billing, and again before the payment, so a stack holding a NetSuite OAuth 2.0 token
must get a new one, and a stack on TBA or Kantata tokens must simply keep working. The
CRM's and the HCM's expiring tokens are the ``token_expiry`` journey's.
"""

from __future__ import annotations

from ._journeys import (
    TM,
    Scene,
    bill_time,
    log_and_approve,
    open_project,
    pay_and_flow_back,
    wait_invoices,
    wait_time_invoiced,
)

#: NetSuite's OAuth 2.0 access-token lifetime, and a minute more
PAST_LIFETIME = 3600 + 60


def tokens_outlived(sc: Scene, when: str) -> None:
    """Advance the PSA's and the ERP's clocks past the lifetime; say where they stand."""
    with sc.steps.step(f"an hour passes on the PSA's and the ERP's clocks ({when})", "erp"):
        for system in ("psa", "erp"):
            admin = sc.systems.admin[system]
            before = admin.clock()
            admin.advance_clock(PAST_LIFETIME)
            after = admin.clock()
            if after <= before:
                raise AssertionError(f"the {system} clock did not move: {before} -> {after}")
            sc.ids.setdefault("clocks", {})[f"{system} {when}"] = after


def play_token_lifetimes(sc: Scene) -> None:
    open_project(sc, TM, 15487.35)
    log_and_approve(sc, 2)
    tokens_outlived(sc, "before billing")
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    tokens_outlived(sc, "before the payment")
    pay_and_flow_back(sc)
