"""Events the runner emits while it works; reporters subscribe to a per-run bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from ._model import JourneyResult, RunResult, StepResult


@dataclass(frozen=True, slots=True)
class RunStarted:
    seed: int
    size: str
    command: str
    journeys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhaseStarted:
    """Setting the scene: simulators, firm, target."""

    text: str


@dataclass(frozen=True, slots=True)
class JourneyStarted:
    name: str
    billing_model: str


@dataclass(frozen=True, slots=True)
class StepFinished:
    journey: str
    step: StepResult


@dataclass(frozen=True, slots=True)
class JourneyFinished:
    result: JourneyResult


@dataclass(frozen=True, slots=True)
class RunFinished:
    result: RunResult


Event: TypeAlias = (
    RunStarted | PhaseStarted | JourneyStarted | StepFinished | JourneyFinished | RunFinished
)
Subscriber = Callable[[Event], None]


class EventBus:
    """Fan-out of run events to subscribers, in subscription order."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.append(subscriber)

    def emit(self, event: Event) -> None:
        for subscriber in self._subscribers:
            subscriber(event)
