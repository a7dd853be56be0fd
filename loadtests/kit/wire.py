"""The harness's actors, acting through Locust's HTTP client so Locust records every call.

``LocustWire.call`` has the signature of the journeys' ``Wire.call``, so the actors in
``harness.journeys`` (``SalesRep``, ``Consultant``, ``ProjectManager``, ``HrPartner``)
run unchanged: the request shapes stay in one place. Each call is named
``"<system> <METHOD> <route>"`` with ids folded to ``{id}``, carries the business
event's correlation id (``load-<journey>-<n>``), and reports the journey in the
request's context for the governance figures.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from locust.exception import RescheduleTask

from harness.stack._vendor_auth import tba_auth_requests

from .context import LoadContext

_ID = re.compile(r"^(\d+|[A-Za-z0-9]{15}|[A-Za-z0-9]{18}|eid:.+|[0-9a-f]{32})(\.json)?$")
_API_PREFIX = re.compile(r"^/services/data/v\d+\.\d+")
_COUNTER = itertools.count(1)


def route_name(path: str) -> str:
    """``/sobjects/Opportunity/006A0000001/`` -> ``/sobjects/Opportunity/{id}/``."""
    path = path.split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].split("/", 1)[-1]
    path = _API_PREFIX.sub("", path)
    parts = []
    for p in path.split("/"):
        m = _ID.match(p)
        is_id = m is not None and (
            sum(c.isdigit() for c in m.group(1)) >= 1 or p.startswith("eid:")
        )
        parts.append("{id}" + (m.group(2) or "") if is_id and m is not None else p)
    return "/".join(parts)


class WireRefused(RescheduleTask):
    """A vendor call answered something the actor did not expect; the task ends here."""


@dataclass(slots=True)
class Journey:
    """The business event in progress for one user: its name and correlation id."""

    name: str = "setup"
    correlation: str = ""

    def begin(self, name: str, *, stamped: bool = False) -> str:
        """A new business event; ``stamped`` ends its correlation id with its start
        (epoch ms), for journeys whose start no simulator sees."""
        self.name = name
        self.correlation = f"load-{name}-{os.getpid()}-{next(_COUNTER)}"
        if stamped:
            self.correlation += f"-{int(time.time() * 1000)}"
        return self.correlation


class LocustWire:
    """``Wire.call`` on a Locust ``HttpSession`` (requests): same arguments, same answers."""

    def __init__(
        self,
        client: Any,
        system: str,
        base_url: str,
        journey: Journey,
        *,
        auth: Any = None,
        headers: dict[str, str] | None = None,
        call_timeout: float = 30.0,
    ) -> None:
        self.client = client
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.journey = journey
        self.auth = auth
        self.headers = dict(headers or {})
        self.call_timeout = call_timeout

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: Collection[int] | None = None,
        timeout: float | None = None,
        **kw: Any,
    ) -> Any:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {**self.headers, **(kw.pop("headers", None) or {})}
        if self.journey.correlation:
            headers["X-Correlation-Id"] = self.journey.correlation
        name = f"{self.system} {method} {route_name(path)}"
        with self.client.request(
            method,
            url,
            name=name,
            headers=headers,
            auth=self.auth,
            timeout=timeout or self.call_timeout,
            catch_response=True,
            context={"journey": self.journey.name, "system": self.system},
            **kw,
        ) as r:
            refused = expect is not None and r.status_code not in expect
            if refused:
                r.failure(f"answered {r.status_code}: {r.text[:200]}")
            else:
                r.success()
        if refused:
            raise WireRefused()
        return r

    def close(self) -> None:
        """The session belongs to the Locust user."""


@dataclass(slots=True)
class AdminHandle:
    """What an actor needs of a simulator's admin API: its wire and the tenant."""

    wire: LocustWire
    tenant: str
    system: str


class LocustSystems:
    """The journeys' ``Systems`` shape (``crm``, ``erp``, ``psa``, ``admin``, ``crm_api``)
    built on one Locust user's HTTP client."""

    def __init__(self, client: Any, ctx: LoadContext, journey: Journey) -> None:
        ep = ctx.endpoints
        client.verify = ctx.verify
        client.trust_env = False
        self.journey = journey
        self.crm_api = f"/services/data/v{ep['crm'].get('api_version', '60.0')}"
        crm, erp, psa = ep["crm"], ep["erp"], ep["psa"]
        self.crm = LocustWire(client, "crm", crm["base_url"], journey)
        self.erp = LocustWire(client, "erp", erp["rest_url"], journey, auth=tba_auth_requests(erp))
        self.psa = LocustWire(
            client,
            "psa",
            psa["api_base"],
            journey,
            headers={"Authorization": f"Bearer {psa['token']}"},
        )
        self.admin = {
            system: AdminHandle(
                LocustWire(
                    client,
                    f"{system} admin",
                    e["admin_url"],
                    journey,
                    headers=ctx.admin_headers(system),
                ),
                e.get("sim_tenant") or "default",
                system,
            )
            for system, e in ep.items()
            if isinstance(e, dict) and "admin_url" in e
        }
        self._crm_ep = crm

    def log_in(self) -> None:
        """The CRM user's OAuth token (client credentials), as the firm's users hold one."""
        r = self.crm.call(
            "POST",
            self._crm_ep["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": self._crm_ep["client_id"],
                "client_secret": self._crm_ep["client_secret"],
            },
            expect=(200,),
        )
        self.crm.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def close(self) -> None:
        """Nothing to close: the HTTP session is the Locust user's."""
