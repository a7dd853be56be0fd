"""Tenants: isolated state (records, clock, limits, dialect state) inside one simulator.

A default tenant always exists; others are created on demand (admin API, or by a
dialect when new credentials arrive) so parallel tests never see each other's data.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ._clock import Clock
from ._errors import ConfigError, NotFoundError
from ._names import check_snapshot_name, check_tenant_name
from ._store import MEMORY_PAGE_SIZE, Change, RecordStore

DEFAULT_TENANT = "default"
#: the store sequence that numbers a tenant's change events (their replay ids)
EVENT_SEQUENCE = "__events__"


@dataclass(slots=True)
class Tenant:
    name: str
    store: RecordStore
    clock: Clock = field(default_factory=Clock)
    # dialect-owned state (limits, query cursors ...): ``Dialect.new_state``, rebuilt on reset
    state: Any = field(default_factory=dict)
    snapshots: dict[str, sqlite3.Connection] = field(default_factory=dict)
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def next_event_seq(self) -> int:
        """The next replay id of this tenant's change events (monotonic, survives restarts)."""
        return self.store.next_sequence(EVENT_SEQUENCE)

    def notify_change(self) -> None:
        """Wake wait-for long-polls so they re-check their condition."""
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    async def wait_change(self, timeout: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, timeout)


class TenantRegistry:
    """All tenants of one simulator; persistence under ``data_dir`` when set."""

    def __init__(
        self,
        data_dir: Path | None,
        on_create: Callable[[Tenant], None],
        on_change: Callable[[Tenant, Change], None],
        max_tenants: int = 1000,
        memory_page_size: int = MEMORY_PAGE_SIZE,
        modstamp_index: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.max_tenants = max_tenants
        self.memory_page_size = memory_page_size
        self.modstamp_index = modstamp_index
        self._on_create = on_create
        self._on_change = on_change
        self._tenants: dict[str, Tenant] = {}

    def _db_path(self, name: str) -> Path | None:
        if self.data_dir is None:
            return None
        return self.data_dir / "tenants" / f"{check_tenant_name(name)}.sqlite3"

    def snapshot_path(self, tenant: str, snapshot: str) -> Path | None:
        check_tenant_name(tenant)
        check_snapshot_name(snapshot)
        return (
            None
            if self.data_dir is None
            else self.data_dir / "snapshots" / tenant / f"{snapshot}.sqlite3"
        )

    def load_persisted(self) -> None:
        """Reopen every tenant a previous run left in ``data_dir``."""
        if self.data_dir is None:
            return
        for path in sorted((self.data_dir / "tenants").glob("*.sqlite3")):
            self.get_or_create(path.stem)

    def get(self, name: str) -> Tenant:
        t = self._tenants.get(name)
        if t is None:
            raise NotFoundError("NOT_FOUND", f"no tenant {name!r}")
        return t

    def find(self, name: str) -> Tenant | None:
        return self._tenants.get(name)

    def get_or_create(self, name: str) -> Tenant:
        t = self._tenants.get(name)
        if t is not None:
            return t
        check_tenant_name(name)
        if len(self._tenants) >= self.max_tenants:
            raise ConfigError(
                f"cannot create tenant {name!r}: the simulator already holds {len(self._tenants)} "
                "tenants, its limit",
                hint="delete tenants you no longer need, or raise the max_tenants setting",
            )
        store = RecordStore(
            name,
            self._db_path(name),
            memory_page_size=self.memory_page_size,
            modstamp_index=self.modstamp_index,
        )
        t = Tenant(name=name, store=store)
        store.listener = partial(self._on_change, t)  # no Python frame of its own per write
        self._tenants[name] = t
        self._on_create(t)
        return t

    def delete(self, name: str) -> None:
        t = self._tenants.pop(name, None)
        if t is None:
            raise NotFoundError("NOT_FOUND", f"no tenant {name!r}")
        t.store.close()
        path = self._db_path(name)
        if path is not None:
            for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                p.unlink(missing_ok=True)

    def names(self) -> list[str]:
        return sorted(self._tenants)

    def all(self) -> list[Tenant]:
        return [self._tenants[n] for n in sorted(self._tenants)]

    def close(self) -> None:
        for t in self._tenants.values():
            t.store.close()
            for snap in t.snapshots.values():
                snap.close()

    @property
    def finder(self) -> Callable[[str], Tenant | None]:
        """``find`` as the registry's own dict lookup, with no call of its own: for a
        listener that looks a tenant up on every event."""
        return self._tenants.get
