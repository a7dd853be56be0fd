"""Admin bulk load for Kantata: rows of a catalogued collection as given, without events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from simulators.engine import ConfigError, HttpError, Tenant

from ._ids import bump, forget, take_kept
from ._model import Catalog, Resource
from ._settings import KantataSettings
from ._state import state_of
from ._wire import iso_timestamp, tz_from_offset


def bulk_load(
    catalog: Catalog,
    settings: KantataSettings,
    tenant: Tenant,
    record_type: str,
    records: list[dict[str, Any]],
) -> list[str]:
    """Insert the rows in one statement: ids given or drawn, timestamps and defaults filled."""
    res = catalog.get(record_type) or next(
        (r for r in catalog if record_type in (r.singular, r.subject_type)), None
    )
    if res is None or res.collection == "subscribed_events":
        raise HttpError(
            404,
            "NOT_FOUND",
            f"unknown Kantata collection {record_type!r}",
            extra={"hint": f"one of {', '.join(r.collection for r in catalog)}"},
        )
    try:
        return _load(res, settings, tenant, records)
    except BaseException:
        forget(tenant)  # ids drawn for rows that were not stored: read from the store again
        raise


def _load(
    res: Resource, settings: KantataSettings, tenant: Tenant, records: list[dict[str, Any]]
) -> list[str]:
    now = tenant.clock.time()
    tz = tz_from_offset(settings.utc_offset)
    rows: list[tuple[str, str, dict[str, Any]]] = []
    top = 0
    for i, given in enumerate(records):
        if not isinstance(given, dict):
            raise ConfigError(f"record {i} is not an object")
        rec: dict[str, Any] = {
            k: (list(v) if isinstance(v, list) else v) for k, v in res.stored.items()
        }
        for k, v in given.items():
            if k in ("bill_rate_in_cents", "resource_bill_rate_in_cents"):
                rec["_bill_rate_in_cents"] = v
            elif (
                k in ("cost_rate_in_cents", "resource_cost_rate_in_cents")
                and res.collection != "time_entries"
            ):
                rec["_cost_rate_in_cents"] = v
            else:
                rec[k] = v
        rid = given.get("id")
        if rid is None:
            rid = take_kept(tenant, res.collection)
        if not str(rid).isdigit():
            raise ConfigError(f"record {i}: Kantata ids are strings of digits, got {rid!r}")
        rec["id"] = str(int(rid))
        top = max(top, int(rec["id"]))
        for _name, assoc in res.assocs.items():
            if assoc.collection and not (assoc.reverse or assoc.through or assoc.polymorphic):
                v = rec.get(assoc.fk)
                if assoc.many and isinstance(v, list):
                    rec[assoc.fk] = [str(x) for x in v]
                elif v is not None and not assoc.many:
                    rec[assoc.fk] = str(v)
        for field, key in (("created_at", "_created"), ("updated_at", "_updated")):
            if field in res.stored:
                epoch = _epoch(rec.get(field), now)
                rec[key] = epoch
                rec[field] = iso_timestamp(epoch, tz)
        _bulk_defaults(tenant, res, rec, settings)
        rows.append((rec["id"], str(rec.get("updated_at") or ""), rec))
    tenant.store.bulk_insert(res.collection, rows)
    bump(tenant, res.collection, top)
    return [r[0] for r in rows]


def _bulk_defaults(
    tenant: Tenant, res: Resource, rec: dict[str, Any], settings: KantataSettings
) -> None:
    c = res.collection
    if c in ("workspaces", "users"):
        rec["account_id"] = rec.get("account_id") or state_of(tenant).account_id
    if c == "workspaces":
        rec["currency"] = rec.get("currency") or settings.default_currency
        if rec.get("require_time_approvals") is None:
            rec["require_time_approvals"] = settings.default_require_time_approvals
    if c in ("time_entries", "expenses", "invoices") and not rec.get("currency"):
        rec["currency"] = settings.default_currency
    if c == "external_references" and rec.get("subject_id") is not None:
        rec["subject_id"] = int(rec["subject_id"])


def _epoch(value: Any, default: float) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value:
        text = value[:-1] + "+00:00" if value.endswith("Z") else value
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ConfigError(f"invalid timestamp {value!r}") from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.timestamp()
    return default
