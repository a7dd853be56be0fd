"""Peripheral faults through WireMock's own features: an HTTP error, a 429 with Retry-After,
or a dropped connection, for the next N requests to one stub family, then normal service.

A fault is a chain of WireMock scenario states at a priority above the vendor stubs: each
matching request moves the scenario one state on, and after the last one no fault stub
matches, so the vendor stubs answer again. Nothing sleeps and nothing is left behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._errors import ConfigurationError
from ..wiremock import WireMockAdmin
from ._stubs import POWERBI, SLACK_API, SLACK_WEBHOOK, TEAMS, PeripheralIds

KINDS = ("status", "rate_limit", "connection_reset")
_FAMILIES = (SLACK_WEBHOOK, SLACK_API, TEAMS, POWERBI)


@dataclass(frozen=True, slots=True)
class PeripheralFault:
    """``times`` consecutive failures of ``family`` (e.g. ``powerbi``)."""

    family: str
    kind: str = "status"
    times: int = 1
    status: int = 500
    retry_after: int = 1

    def __post_init__(self) -> None:
        if self.family not in _FAMILIES:
            raise ConfigurationError(
                f"unknown peripheral {self.family!r}", hint=f"choose from {', '.join(_FAMILIES)}"
            )
        if self.kind not in KINDS:
            raise ConfigurationError(
                f"unknown peripheral fault kind {self.kind!r}",
                hint=f"choose from {', '.join(KINDS)}",
            )
        if not 1 <= self.times <= 1000:
            raise ConfigurationError(f"fault times must be 1..1000, not {self.times}")
        if not 400 <= self.status <= 599:
            raise ConfigurationError(f"fault status must be 400..599, not {self.status}")


def _request(family: str, ids: PeripheralIds) -> dict[str, Any]:
    path = {
        SLACK_WEBHOOK: ids.slack_webhook_path,
        SLACK_API: "/api/chat.postMessage",
        TEAMS: ids.teams_path,
        POWERBI: ids.powerbi_rows_path,
    }[family]
    return {"method": "POST", "urlPath": path}


def _response(fault: PeripheralFault) -> dict[str, Any]:
    if fault.kind == "connection_reset":
        return {"fault": "CONNECTION_RESET_BY_PEER"}
    if fault.kind == "rate_limit":
        body: dict[str, Any] = (
            {"ok": False, "error": "ratelimited"}
            if fault.family == SLACK_API
            else {"error": {"code": "TooManyRequests", "message": "Rate limit exceeded."}}
        )
        if fault.family == SLACK_WEBHOOK:
            return {
                "status": 429,
                "body": "rate_limited",
                "headers": {"Retry-After": str(fault.retry_after), "Content-Type": "text/html"},
            }
        return {
            "status": 429,
            "jsonBody": body,
            "headers": {"Retry-After": str(fault.retry_after), "Content-Type": "application/json"},
        }
    return {"status": fault.status, "body": "", "headers": {"Content-Type": "text/plain"}}


def add_fault(
    admin: WireMockAdmin, fault: PeripheralFault, ids: PeripheralIds | None = None
) -> str:
    """Install ``fault``; returns the WireMock scenario name that drives it."""
    ids = ids or PeripheralIds()
    scenario = f"fault-{fault.family}-{fault.kind}"
    request = _request(fault.family, ids)
    for step in range(fault.times):
        admin.add(
            {
                "name": f"{scenario}:{step + 1}/{fault.times}",
                "priority": 0,
                "scenarioName": scenario,
                "requiredScenarioState": "Started" if step == 0 else f"failed-{step}",
                "newScenarioState": f"failed-{step + 1}",
                "request": request,
                "response": _response(fault),
                "metadata": {"harness": "fault"},
            }
        )
    return scenario
