"""Journeys: the firm's people acting on the vendors' APIs, and the checks across systems.

>>> with Session(SessionOptions(seed=1)) as s:
...     result = s.play("tm")
"""

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
from ._faults import load_faults
from ._journeys import JOURNEYS, SUITES, JourneySpec
from ._select import select_journeys
from ._model import Exchange, InvariantResult, JourneyResult, RunResult, StepResult
from ._runner import run_journeys
from ._session import Session, SessionOptions
from ._target import TargetSpec, embedded_spec, load_target_file

__all__ = [
    "JOURNEYS",
    "SUITES",
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
    "embedded_spec",
    "load_faults",
    "load_target_file",
    "run_journeys",
    "select_journeys",
]
