"""Project and invoice notices to the delivery team's collaboration channels.

Each notice becomes one inbox task per destination (Slack, Teams), so a destination that
is down is retried, and dead-lettered with replay, without posting twice to the other.
Without a ``collab`` section in the endpoints file nothing is published (logged once).
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError
from ..logs import correlation_id, get_logger
from ..services import Services

log = get_logger("notify")
DESTINATIONS = ("slack", "teams")
TITLES = {"project.activated": "Project activated", "invoice.issued": "Invoice issued"}


def announce(svc: Services, kind: str, key: str, event: dict[str, Any]) -> None:
    """Queue ``event`` for every configured destination (idempotent on ``key``)."""
    if svc.slack is None and svc.teams is None:
        if not svc.cache.get("notify.off.logged"):
            svc.cache["notify.off.logged"] = True
            log.info("no collaboration platform configured; notices are not published")
        return
    for dest in DESTINATIONS:
        if (dest == "slack" and svc.slack is None) or (dest == "teams" and svc.teams is None):
            continue
        svc.store.enqueue(
            "integration",
            "notify",
            f"notify:{dest}:{key}",
            {"destination": dest, "kind": kind, "event": event},
            correlation_id() or key,
        )


def _text(kind: str, event: dict[str, Any]) -> str:
    if kind == "project.activated":
        return (
            f"Project activated: opportunity {event['opportunity']}, PSA workspace "
            f"{event['psa_workspace']}, ERP job {event['erp_job']} ({event['billing_model']})"
        )
    return (
        f"Invoice issued: {event['tran']} for opportunity {event['opportunity']}, "
        f"{event['amount']:.2f} {event.get('currency') or ''}".rstrip()
    )


def _facts(kind: str, event: dict[str, Any]) -> dict[str, str]:
    keys = (
        ("opportunity", "psa_workspace", "erp_job", "billing_model")
        if kind == "project.activated"
        else ("tran", "opportunity", "amount", "status")
    )
    return {k: str(event.get(k)) for k in keys if event.get(k) is not None}


async def deliver(svc: Services, payload: dict[str, Any]) -> None:
    """Post one queued notice to its destination."""
    kind, event, dest = str(payload["kind"]), dict(payload["event"]), payload["destination"]
    if dest == "slack":
        if svc.slack is None:
            raise ConfigurationError("a Slack notice is queued but Slack is not configured")
        if kind == "invoice.issued" and svc.slack.webhook_url:
            await svc.slack.post_webhook(_text(kind, event))
        else:
            await svc.slack.post_message(_text(kind, event))
    elif dest == "teams":
        if svc.teams is None:
            raise ConfigurationError("a Teams notice is queued but Teams is not configured")
        await svc.teams.post_card(TITLES.get(kind, kind), _facts(kind, event))
    else:
        raise ConfigurationError(f"unknown notice destination {dest!r}")
    log.info("notice published", extra={"destination": dest, "kind": kind})
