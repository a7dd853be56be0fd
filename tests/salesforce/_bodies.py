"""Request bodies the CRM tests send often, one line each: composite subrequests and
sObject Collections records."""

from __future__ import annotations

from typing import Any


def sub(method: str, url: str, ref: str, body: Any = None) -> dict[str, Any]:
    """One ``compositeRequest`` item (``body`` left out when None)."""
    item: dict[str, Any] = {"method": method, "url": url, "referenceId": ref}
    if body is not None:
        item["body"] = body
    return item


def composite(*subs: dict[str, Any], all_or_none: bool = True) -> dict[str, Any]:
    return {"allOrNone": all_or_none, "compositeRequest": list(subs)}


def typed(sobject: str, **fields: Any) -> dict[str, Any]:
    """A collections record: ``attributes`` naming its type, then its fields."""
    return {"attributes": {"type": sobject}, **fields}


def collection(*records: dict[str, Any], all_or_none: bool = False) -> dict[str, Any]:
    return {"allOrNone": all_or_none, "records": list(records)}
