"""What a new NetSuite tenant starts with: currencies, the parent subsidiary, a service item."""

from __future__ import annotations

from simulators.engine import Tenant

from ._records import RecordService
from ._rules import DEFAULT_ITEM_KEY
from ._state import state_of
from ._wire import ns_datetime


def seed_tenant(tenant: Tenant, records: RecordService) -> None:
    """Insert the seed records once (no events) and note the default service item."""
    store = tenant.store
    if store.get("currency", "1", include_deleted=True) is None:
        now = ns_datetime(tenant.clock.time())
        stamp = now.replace("Z", ".000000Z")
        currencies = [
            ("1", "US Dollar", "USD", "$", True),
            ("2", "Euro", "EUR", "€", False),
            ("3", "British Pound", "GBP", "£", False),
        ]
        for cid, name, symbol, display, base in currencies:
            store.insert(
                "currency",
                cid,
                {
                    "id": cid,
                    "name": name,
                    "symbol": symbol,
                    "displaySymbol": display,
                    "exchangeRate": 1.0 if base else None,
                    "isBaseCurrency": base,
                    "isInactive": False,
                    "lastModifiedDate": now,
                },
                stamp,
                emit=False,
            )
        store.insert(
            "subsidiary",
            "1",
            {
                "id": "1",
                "name": "Parent Company",
                "currency": "1",
                "country": "US",
                "isInactive": False,
                "isElimination": False,
                "lastModifiedDate": now,
            },
            stamp,
            emit=False,
        )
        store.bump_sequence("ns:currency", 3)
        store.bump_sequence("ns:subsidiary", 1)
        item_id = records.new_id(tenant, records.types["serviceitem"])
        store.insert(
            "serviceItem",
            item_id,
            {
                "id": item_id,
                "itemId": "Professional Services",
                "displayName": "Professional Services",
                "salesDescription": "Professional services (hourly)",
                "rate": 150.0,
                "isInactive": False,
                "subsidiary": "1",
                "includeChildren": True,
                "dateCreated": now,
                "lastModifiedDate": now,
            },
            stamp,
            emit=False,
        )
        store.meta_set(DEFAULT_ITEM_KEY, item_id)
    state_of(tenant).default_service_item = store.meta_get(DEFAULT_ITEM_KEY)
