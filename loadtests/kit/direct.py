"""Direct load on one simulator (no stack): to qualify it, or to reproduce a vendor's limit."""

from __future__ import annotations

from typing import Any

from .context import LoadContext


def crm_token(client: Any, ctx: LoadContext) -> str:
    """A client-credentials token from the CRM, as the firm's integration user holds."""
    ep = ctx.endpoints["crm"]
    r = client.post(
        ep["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
        name="crm POST /services/oauth2/token",
    )
    return str(r.json()["access_token"])


def hcm_token(client: Any, ctx: LoadContext) -> str:
    """Workday's refresh-token grant, as an API client for integrations uses it."""
    ep = ctx.endpoints["hcm"]
    r = client.post(
        ep["token_url"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": ep["refresh_token"],
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
        },
        name="hcm POST /ccx/oauth2/{tenant}/token",
    )
    return str(r.json()["access_token"])
