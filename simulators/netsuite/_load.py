"""Admin bulk load for NetSuite: records as given, through normalisation and rules, no events."""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._errors import invalid_id
from ._indexes import EXTERNAL_ID
from ._records import RecordService, WriteContext


def bulk_load(
    service: RecordService, tenant: Tenant, record_type: str, records: list[dict[str, Any]]
) -> list[str]:
    """Insert the records in one transaction; a given id must be numeric and moves the sequence on."""
    rt = service.rtype(record_type)
    ctx = WriteContext("", "warning")
    ids: list[str] = []
    store = tenant.store
    now, modstamp = service.stamp(tenant)  # one instant for the whole load
    at = tenant.clock.time()
    with store.transaction():
        for i, body in enumerate(records):
            given = body.get("id")
            clean = {k: v for k, v in body.items() if k.lower() != "id"}
            data = service.normalize(tenant, rt, clean, ctx, None)
            if given is not None:
                rid = str(given)
                if not (rid.isascii() and rid.isdigit()):
                    raise invalid_id(f"record {i}: id {rid!r} is not numeric")
                tenant.store.bump_sequence(f"ns:{rt.family}", int(rid))
            else:
                rid = service.new_id(tenant, rt)
            data["id"] = rid
            for name in (rt.created_field, "lastModifiedDate"):
                if rt.field(name) is not None and not data.get(name):
                    data[name] = now
            if service.rules is not None:
                service.rules(tenant, rt, data, None, ctx)
            service.fill_defaults(rt, data)
            service.check_required(rt, data)
            if data.get(EXTERNAL_ID) is not None:  # looked up by it from now on
                store.ensure_index(EXTERNAL_ID, rt.name)
            store.insert(rt.name, rid, data, modstamp, at=at, origin="bulk", emit=False)
            ids.append(rid)
    return ids
