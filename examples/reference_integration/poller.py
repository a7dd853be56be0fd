"""Polling mode: read each vendor's own change queries instead of receiving webhooks.

CRM: SOQL on Opportunity.SystemModstamp; PSA: Kantata ``subscribed_events``; ERP:
SuiteQL on invoice ``lastmodifieddate``. Workday has no change query in REST; its
business-process notifications still need the HCM webhook (or SOAP Get_Workers with a
transaction-log window, not done here). Cursors are kept in the store, and polled
changes go through the same inbox, so they are deduplicated the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from .logs import get_logger
from .services import Services

log = get_logger("poller")


def soql_datetime(value: str) -> str:
    """``2024-01-05T10:00:00.000+0000`` -> ``2024-01-05T10:00:00.000Z`` (a SOQL literal)."""
    return value.replace("+0000", "Z")


class Poller:
    def __init__(
        self,
        svc: Services,
        notify: Callable[[], None],
        systems: tuple[str, ...] = ("crm", "psa", "erp"),
    ) -> None:
        self.svc = svc
        self.notify = notify
        #: the systems polled here (the CRM may come in over CometD or a webhook instead)
        self.systems = systems
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name="ri-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self) -> None:
        while True:
            for name, poll in (
                ("crm", self.poll_crm),
                ("psa", self.poll_psa),
                ("erp", self.poll_erp),
            ):
                if name not in self.systems:
                    continue
                try:
                    if await poll():
                        self.notify()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("poll failed", extra={"system": name, "error": str(exc)})
            await asyncio.sleep(self.svc.settings.poll_seconds)

    async def poll_crm(self) -> int:
        store = self.svc.store
        since = store.cursor("crm") or "1970-01-01T00:00:00Z"
        rows = await self.svc.crm.query_all(
            "SELECT Id, SystemModstamp FROM Opportunity "
            f"WHERE SystemModstamp >= {since} ORDER BY SystemModstamp"
        )
        new = 0
        for r in rows:
            stamp = str(r["SystemModstamp"])
            _, added = store.enqueue(
                "crm",
                "crm.opportunity",
                f"crm-poll:{r['Id']}:{stamp}",
                {"id": r["Id"]},
                f"crm-poll-{r['Id']}-{stamp}",
            )
            new += added
            store.set_cursor("crm", soql_datetime(stamp))
        return new

    async def poll_psa(self) -> int:
        store = self.svc.store
        params: dict[str, str] = {"order": "created_at:asc"}
        since = store.cursor("psa")
        if since:
            params["created_after"] = since
        new = 0
        for ev in await self.svc.psa.list("subscribed_events", **params):
            if ev.get("subject_type") not in ("TimeEntry", "Expense", "Story"):
                continue
            keep = ("id", "event_type", "subject_type", "subject_id", "payload_changes")
            _, added = store.enqueue(
                "psa",
                "psa.event",
                f"psa:{ev['id']}",
                {k: ev.get(k) for k in keep},
                f"psa-{ev['id']}",
            )
            new += added
            store.set_cursor("psa", str(ev["created_at"]))
        return new

    async def poll_erp(self) -> int:
        store = self.svc.store
        known = store.links("invoice")
        if not known:
            return 0
        rows = await self.svc.erp_port.invoice_states(list(known))
        new = 0
        for inv_id, state in rows:
            _, added = store.enqueue(
                "erp",
                "erp.event",
                f"erp-poll:{inv_id}:{state}",
                {"recordType": "invoice", "id": inv_id, "operation": "edit"},
                f"erp-poll-{inv_id}",
            )
            new += added
        return new
