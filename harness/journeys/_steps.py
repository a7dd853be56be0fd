"""Running a journey's steps in order: timing, recorded exchanges, one event per step."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from ._errors import JourneyFailure
from ._events import EventBus, StepFinished
from ._model import JourneyResult, StepResult
from ._wire import Recorder


class StepRunner:
    """Wraps each step so a failure is recorded with its payloads and stops the journey."""

    def __init__(
        self, result: JourneyResult, bus: EventBus, recorder: Recorder, origin: float
    ) -> None:
        self.result = result
        self.bus = bus
        self.recorder = recorder
        self.origin = origin

    def now(self) -> float:
        return time.monotonic() - self.origin

    @contextmanager
    def step(self, name: str, system: str, kind: str = "action") -> Iterator[StepResult]:
        s = StepResult(name=name, system=system, kind=kind, started=self.now())
        self.recorder.current = s.exchanges
        try:
            yield s
        except JourneyFailure as exc:
            s.ok, s.error = False, str(exc)
            raise
        except (KeyError, IndexError, TypeError, ValueError, AssertionError) as exc:
            s.ok, s.error = False, f"unexpected answer ({type(exc).__name__}: {exc})"
            raise JourneyFailure(s.error) from exc
        finally:
            s.ended = self.now()
            self.recorder.current = None
            self.result.steps.append(s)
            self.bus.emit(StepFinished(self.result.name, s))
