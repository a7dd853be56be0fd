"""Vendor releases from the stack's side: drift of a live sandbox against its contract
(``verify``) and the rehearsal of the journeys under upcoming releases (``rehearse``)."""

from ._rehearse import Outcome, Scenario, plan_rehearsal, run_rehearsal
from ._verify import DriftReport, served_release, verify

__all__ = [
    "DriftReport",
    "Outcome",
    "Scenario",
    "plan_rehearsal",
    "run_rehearsal",
    "served_release",
    "verify",
]
