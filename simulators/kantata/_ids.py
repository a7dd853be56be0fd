"""Kantata record ids: one counter per collection and tenant, kept in memory.

The last id handed out per collection lives in the tenant's state, read from the store the
first time it is needed: the larger of the collection's counter in store meta (written by
loads, and by earlier versions on every create) and its highest stored id. Every id handed
out ends up in a stored row (Kantata's records are never removed, only marked deleted), or
the write fails and ``forget`` makes the next id be read from the store again, so a restart,
a snapshot restore or a rolled-back write numbers on exactly where the store stands, as a
counter written with every create did, without that write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from simulators.engine import Tenant, type_literal

from ._state import state_of

#: where a tenant's ids start: Kantata numbers records in tables shared by every account,
#: so two accounts never hold the same id; the default tenant starts at 0, another tenant
#: at its account id times this (10 million ids per collection and tenant)
ID_BLOCK = 10_000_000
ID_BASE_KEY = "kantata.id_base"
#: a collection's counter in store meta
_SEQ = "kantata.seq."


def _stored_last(tenant: Tenant, collection: str) -> int:
    """The last id the store shows for ``collection``: its meta counter or its top row."""
    counted = tenant.store.meta_get(_SEQ + collection)
    top = tenant.store.conn.execute(
        f"SELECT max(CAST(id AS INTEGER)) FROM records WHERE type = {type_literal(collection)}"
    ).fetchone()[0]
    start = int(counted) if counted is not None else state_of(tenant).id_base
    return max(start, int(top or 0))


def take(tenant: Tenant, collection: str) -> int:
    """The next id of ``collection`` (no SQL once the collection's counter is known)."""
    ids = state_of(tenant).ids
    last = ids.get(collection)
    if last is None:
        last = _stored_last(tenant, collection)
    last += 1
    ids[collection] = last
    return last


def forget(tenant: Tenant) -> None:
    """After a failed write (its ids may not be stored), or a store changed under the counters
    (restore, load): the next ids are read from the store again, and so is what the workspaces
    have pointing at them (``_linked``)."""
    state = state_of(tenant)
    state.ids.clear()
    state.linked_top = None


@contextlib.contextmanager
def writing(tenant: Tenant) -> Iterator[None]:
    """The store's transaction; a rolled-back one takes the ids it handed out back."""
    ids = state_of(tenant).ids
    before = dict(ids)
    try:
        with tenant.store.transaction():
            yield
    except BaseException:
        ids.clear()
        ids.update(before)
        raise


def take_kept(tenant: Tenant, collection: str) -> int:
    """The next id, also written to the meta counter (loads: an id handed out by a load that
    then fails stays used, as before)."""
    rid = take(tenant, collection)
    tenant.store.meta_set(_SEQ + collection, rid)
    return rid


def bump(tenant: Tenant, collection: str, top: int) -> None:
    """Make ids handed out later stay above ``top`` (after loading records with ids)."""
    key = _SEQ + collection
    if int(tenant.store.meta_get(key) or state_of(tenant).id_base) < top:
        tenant.store.meta_set(key, top)
    state = state_of(tenant)
    state.ids.pop(collection, None)
    state.linked_top = None  # loaded rows may point at workspaces not created yet
