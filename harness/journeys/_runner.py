"""One run: start the session, play the chosen journeys in order, emit the result.

Problems with the system under test end up in the result (exit 1); problems with the
harness's own setup (bad options, a simulator that cannot start) raise ``HarnessError``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from .._errors import HarnessError
from ._erp import unserved_journeys
from ._errors import JourneyFailure, TargetDown
from ._events import EventBus, PhaseStarted, RunFinished, RunStarted
from ._journeys import JOURNEYS, JourneySpec
from ._model import RunResult
from ._session import Session, SessionOptions


def run_journeys(
    options: SessionOptions,
    journeys: Sequence[str | JourneySpec],
    bus: EventBus,
    command: str,
) -> RunResult:
    """Play ``journeys`` against a fresh session; always emits ``RunFinished``."""
    result = RunResult(
        seed=options.seed,
        size=options.size,
        command=command,
        target=options.target.name,
        started_at=time.time(),
    )
    keys = tuple(j if isinstance(j, str) else j.key for j in journeys)
    bus.emit(RunStarted(options.seed, options.size, command, keys))
    t0 = time.monotonic()
    if options.peripherals is None:
        options = dataclasses.replace(options, peripherals=needs_peripherals(journeys))
        if not options.peripherals and options.endpoints_file is None:
            bus.emit(
                PhaseStarted("peripherals (WireMock) not started: no landscape journey chosen")
            )
    session = Session(options, bus)
    try:
        try:
            session.start()
        except TargetDown as exc:  # a finding about the stack, not misuse: exit 1
            result.error = f"the stack under test did not come up: {exc}"
        except JourneyFailure as exc:  # the target or a simulator refused the setup calls
            raise HarnessError(f"the run could not start: {exc}") from None
        if session.systems is not None and session.systems.peripherals is None:
            journeys = [
                k for k in journeys if isinstance(k, str) and JOURNEYS[k].suite != "landscape"
            ] + [k for k in journeys if not isinstance(k, str)]
        for name, why in unserved_journeys(session.endpoints.get("erp") or {}).items():
            if name in journeys:
                journeys = [k for k in journeys if k != name]
                bus.emit(PhaseStarted(f"{name} not played: {why}"))
        for key in journeys if result.error is None else []:
            result.journeys.append(session.play(key))
            if session.deadline.remaining() <= 0:
                result.error = f"the run's time limit of {options.timeout:.0f}s is used up"
                break
        result.retries = session.retries()
        result.faults = session.fault_outcomes()
    finally:
        session.stop()
        result.seconds = time.monotonic() - t0
    bus.emit(RunFinished(result))
    return result


def needs_peripherals(journeys: Sequence[str | JourneySpec]) -> bool:
    """True when a journey may read the peripherals: a landscape journey, or one of the
    caller's own (whose needs are not known)."""
    return any(not isinstance(k, str) or JOURNEYS[k].suite == "landscape" for k in journeys)
