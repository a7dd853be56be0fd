"""Journeys: the firm's people acting on the vendors' APIs, and the checks across systems.

>>> with Session(SessionOptions(seed=1)) as s:
...     result = s.play("tm")
"""

from ._applied_faults import describe_fault
from ._errors import JourneyFailure, WaitTimeout
from ._events import (
    Event,
    EventBus,
    JourneyFinished,
    JourneyStarted,
    PhaseStarted,
    RunFinished,
    RunStarted,
    StepFinished,
)
from ._faults import check_fault_rules, load_faults
from ._journeys import JOURNEYS, JourneySpec
from ._model import Exchange, InvariantResult, JourneyResult, RunResult, StepResult
from ._runner import run_journeys
from ._session import Session, SessionOptions
from ._session import _crm_settings as journey_simulator_sections
from ._target import TargetSpec, embedded_spec, load_target_file

__all__ = [
    "JOURNEYS",
    "Event",
    "EventBus",
    "Exchange",
    "InvariantResult",
    "JourneyFailure",
    "JourneyFinished",
    "JourneyResult",
    "JourneySpec",
    "JourneyStarted",
    "PhaseStarted",
    "RunFinished",
    "RunResult",
    "RunStarted",
    "Session",
    "SessionOptions",
    "StepFinished",
    "StepResult",
    "TargetSpec",
    "WaitTimeout",
    "check_fault_rules",
    "describe_fault",
    "embedded_spec",
    "journey_simulator_sections",
    "load_faults",
    "load_target_file",
    "run_journeys",
]
