"""Allure results: one test result per journey (a step per journey step, each step's
requests and responses attached, the KPIs as parameters, each invariant a step), written
with allure-python-commons, the library allure-pytest writes with; ``harness report``
turns the directory into Allure's HTML when the Allure command line is installed."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

from ..journeys import Event, JourneyFinished, JourneyResult, RunStarted, StepFinished


def _status(ok: bool) -> str:
    return "passed" if ok else "failed"


class AllureReporter:
    """Writes ``<uuid>-result.json`` and attachments into ``results_dir`` per journey."""

    def __init__(self, results_dir: Path) -> None:
        self.dir = results_dir
        self.seed: int | None = None
        self.command = ""
        self.origin = time.time()

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.seed, self.command, self.origin = event.seed, event.command, time.time()
            for old in self.dir.glob("*-*.json"):  # one run's results at a time
                old.unlink()
        elif isinstance(event, JourneyFinished):
            self._journey(event.result)

    def _ms(self, seconds: float) -> int:
        return int((self.origin + seconds) * 1000)

    def _journey(self, j: JourneyResult) -> None:
        from allure_commons.logger import AllureFileLogger
        from allure_commons.model2 import (
            Attachment,
            Label,
            Parameter,
            StatusDetails,
            TestResult,
            TestStepResult,
        )

        self.dir.mkdir(parents=True, exist_ok=True)
        log = AllureFileLogger(str(self.dir), clean=False)

        def attach(name: str, body: Any) -> Attachment:
            source = f"{uuid.uuid4()}-attachment.json"
            log.report_attached_data(json.dumps(body, indent=2, default=str), source)
            return Attachment(name=name, source=source, type="application/json")

        steps = []
        for s in j.steps:
            step = TestStepResult(
                name=f"{s.name} ({s.system})",
                status=_status(s.ok),
                start=self._ms(s.started),
                stop=self._ms(s.ended),
            )
            if s.error:
                step.statusDetails = StatusDetails(message=s.error)
            step.attachments = [
                attach(
                    f"{x.method} {x.url} -> {x.status}",
                    {"request": x.request, "response": x.response},
                )
                for x in s.exchanges
            ]
            steps.append(step)
        for inv in j.invariants:
            steps.append(
                TestStepResult(
                    name=f"invariant: {inv.name}",
                    status=_status(inv.ok),
                    statusDetails=StatusDetails(message=inv.detail),
                    start=self._ms(j.ended),
                    stop=self._ms(j.ended),
                )
            )
        kpis = {k: v for k, v in j.kpis.items() if not isinstance(v, dict)}
        result = TestResult(
            uuid=str(uuid.uuid4()),
            name=f"{j.name} ({j.billing_model})",
            fullName=f"journeys.{j.name}",
            historyId=f"journeys.{j.name}",
            status=_status(j.ok),
            start=self._ms(j.started),
            stop=self._ms(j.ended),
            steps=steps,
            parameters=[Parameter(name=k, value=str(v)) for k, v in kpis.items()]
            + [Parameter(name="seed", value=str(self.seed))],
            labels=[Label(name="suite", value="harness run"), Label(name="feature", value=j.name)],
        )
        if not j.ok:
            result.statusDetails = StatusDetails(
                message="\n".join(j.failures), trace=f"reproduce: {self.command}"
            )
        log.report_result(result)


def allure_pytest_listener(event: Event) -> None:
    """Inside a pytest test under allure-pytest: each journey step as an Allure step with
    its payloads, the KPIs as the test's parameters (no-ops without ``--alluredir``)."""
    import allure

    if isinstance(event, StepFinished):
        s = event.step
        title = f"{'' if s.ok else 'FAILED '}{s.name} ({s.system}, {s.seconds:.2f}s)"
        with allure.step(title):
            for x in s.exchanges:
                allure.attach(
                    json.dumps({"request": x.request, "response": x.response}, default=str),
                    name=f"{x.method} {x.url} -> {x.status}",
                    attachment_type=allure.attachment_type.JSON,
                )
            if s.error:
                allure.attach(s.error, name="error", attachment_type=allure.attachment_type.TEXT)
    elif isinstance(event, JourneyFinished):
        for k, v in event.result.kpis.items():
            if not isinstance(v, dict):
                allure.dynamic.parameter(k, str(v))
        for inv in event.result.invariants:
            with allure.step(f"invariant {'holds' if inv.ok else 'BROKEN'}: {inv.name}"):
                allure.attach(
                    inv.detail, name="detail", attachment_type=allure.attachment_type.TEXT
                )
