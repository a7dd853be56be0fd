"""What a new Kantata tenant starts with: its account id, its id block and the API user."""

from __future__ import annotations

import zlib

from simulators.engine import Tenant, TenantRegistry

from ._ids import ID_BASE_KEY, ID_BLOCK, bump
from ._settings import KantataSettings
from ._state import state_of
from ._wire import iso_timestamp, tz_from_offset

ACCOUNT_KEY = "kantata.account_id"


def seed_tenant(tenant: Tenant, settings: KantataSettings, tenants: TenantRegistry) -> None:
    """The account and id block kept in store meta (so they survive a reset), and the API user."""
    store = tenant.store
    account = store.meta_get(ACCOUNT_KEY)
    if account is None:
        account = (
            settings.account_id
            if tenant.name == "default"
            else (1000 + zlib.crc32(tenant.name.encode()) % 9_000_000)
        )
        store.meta_set(ACCOUNT_KEY, account)
    state = state_of(tenant)
    state.account_id = account
    base = store.meta_get(ID_BASE_KEY)
    if base is None:
        taken = {state_of(other).id_base for other in tenants.all() if other is not tenant}
        base = 0 if tenant.name == "default" else int(account) * ID_BLOCK
        while base in taken:  # two names whose account ids collide
            base += ID_BLOCK
        store.meta_set(ID_BASE_KEY, base)
    state.id_base = int(base)
    uid = settings.api_user_id
    if store.get("users", uid) is None:
        now = tenant.clock.time()
        iso = iso_timestamp(now, tz_from_offset(settings.utc_offset))
        user = {
            "id": uid,
            "full_name": settings.api_user_name,
            "email_address": settings.api_user_email,
            "headline": "Account Administrator",
            "photo_path": None,
            "disabled": False,
            "account_id": account,
            "role_id": None,
            "account_permission": "administrator",
            "created_at": iso,
            "updated_at": iso,
            "_created": now,
            "_updated": now,
        }
        store.insert("users", uid, user, iso, emit=False)
        bump(tenant, "users", int(uid))
