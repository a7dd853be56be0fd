"""Admin bulk load for Salesforce: rows as given, without change events."""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._errors import not_found
from ._records import RecordService
from ._schema import Schema


def bulk_load(
    schema: Schema,
    service: RecordService,
    tenant: Tenant,
    record_type: str,
    records: list[dict[str, Any]],
) -> list[str]:
    """Insert the sObject rows in one statement; a platform event is no record type."""
    obj = schema.get(record_type)
    if obj is None or obj.is_platform_event:
        raise not_found(f"unknown sObject type {record_type!r}")
    rows = service.bulk_rows(tenant, obj, records)
    tenant.store.bulk_insert(obj.name, rows)
    return [r[0] for r in rows]
