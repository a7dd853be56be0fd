"""Register the webhook endpoints with each simulator (``admin_url``) at start.

Real systems are wired differently (Salesforce: a CDC relay from the Pub/Sub API;
NetSuite: a SuiteScript afterSubmit that posts; Workday: an outbound business-process
subscription; Kantata: poll subscribed_events). Where no ``admin_url`` is given the
integration does not subscribe; use ``--mode poll`` or wire those pushes yourself.
"""

from __future__ import annotations

import httpx

from .errors import ConfigurationError
from .logs import get_logger
from .settings import Settings

log = get_logger("subscriptions")
TYPES = {
    "crm": ["Opportunity"],
    "erp": ["invoice"],
    "psa": ["time_entries", "expenses", "stories"],
    "hcm": ["Worker"],
}


def subscription_id(system: str, tenant: str = "default") -> str:
    """One subscription per system and simulator tenant (several integrations, each on its
    own tenant, may share the simulators)."""
    base = f"reference-integration-{system}"
    return base if tenant == "default" else f"{base}-{tenant}"


async def subscribe_all(
    settings: Settings, systems: tuple[str, ...] = ("crm", "erp", "psa", "hcm")
) -> None:
    async with httpx.AsyncClient(
        verify=settings.ca_bundle or True, trust_env=False, timeout=10
    ) as http:
        for system in systems:
            cfg = settings.system(system)
            admin = cfg.get("admin_url")
            if not admin:
                continue
            tenant = cfg.get("sim_tenant") or "default"
            body = {
                "id": subscription_id(system, tenant),
                "url": f"{settings.webhook_base}/webhooks/{system}",
                "types": TYPES[system],
                "tenant": tenant,
            }
            token = cfg.get("admin_token")  # simulators started by a harness require it
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            resp = await http.post(
                f"{str(admin).rstrip('/')}/subscriptions", json=body, headers=headers
            )
            if resp.status_code >= 300:
                raise ConfigurationError(
                    f"{system}: subscribing {body['url']} failed with {resp.status_code} {resp.text[:200]}",
                    hint="is the simulator running and is the webhook URL on loopback?",
                )
            log.info("subscribed", extra={"system": system, "url": body["url"]})
