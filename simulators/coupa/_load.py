"""Admin bulk load for Coupa: suppliers and purchase orders through the Core API's own rules."""

from __future__ import annotations

from typing import Any

from simulators.engine import ConfigError, HttpError, Tenant

from ._records import ORDERS, SUPPLIERS, Procurement


def bulk_load(
    service: Procurement, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
) -> list[str]:
    """Suppliers and purchase orders in the Core API's own shape, through its own rules."""
    makers = {SUPPLIERS: service.create_supplier, ORDERS: service.create_order}
    make = makers.get(record_type)
    if make is None:
        raise ConfigError(
            f"no bulk load for Coupa {record_type!r}", hint=f"load one of {', '.join(makers)}"
        )
    ids = []
    for i, given in enumerate(records):
        if not isinstance(given, dict):
            raise ConfigError(f"record {i} is not an object")
        body = {str(k).replace("_", "-"): v for k, v in given.items()}
        try:
            ids.append(str(make(tenant, body)["id"]))
        except HttpError as exc:
            raise ConfigError(f"record {i}: {exc.message}") from None
    return ids
