"""Records as Salesforce shows them: the ``attributes`` block, a record with all or some of
its fields, save results, the items of composite, batch and collection answers, and query
pages.

Handlers build their answers from these, so one shape is written once; ``_wire.py`` turns
them into responses.
"""

from __future__ import annotations

from typing import Any

import orjson

from simulators.engine import HttpError

from ._errors import invalid_field
from ._schema import ObjectDef


def sobjects_path(version: str) -> str:
    """The URL every record of an API version lives under, up to the object's name."""
    return f"/services/data/v{version}/sobjects/"


def record_url(sobject: str, record_id: str, version: str) -> str:
    return f"{sobjects_path(version)}{sobject}/{record_id}"


def attributes(sobject: str, record_id: str, version: str) -> dict[str, str]:
    return row_attributes(sobjects_path(version), sobject, record_id)


def row_attributes(prefix: str, sobject: str, record_id: str) -> dict[str, str]:
    """``attributes`` under a prefix from ``sobjects_path`` (computed once per query)."""
    return {"type": sobject, "url": f"{prefix}{sobject}/{record_id}"}


def aggregate_attributes() -> dict[str, str]:
    """The ``attributes`` of an aggregate query's row: a type and no URL."""
    return {"type": "AggregateResult"}


def record(
    obj: ObjectDef, data: dict[str, Any], version: str, fields: list[str] | None = None
) -> dict[str, Any]:
    """A record as a REST read returns it: every field, or the ``fields`` asked for."""
    out: dict[str, Any] = {"attributes": attributes(obj.name, data["Id"], version)}
    if fields is None:
        for f in obj.fields.values():
            out[f.name] = data.get(f.name)
    else:
        for name in fields:
            fd = obj.field(name)
            if fd is None:
                raise invalid_field(
                    f"No such column '{name}' on entity '{obj.name}'. If you are attempting to use a "
                    "custom field, be sure to append the '__c' after the custom field name. Please "
                    "reference your WSDL or the describe call for the appropriate names.",
                )
            out[fd.name] = data.get(fd.name)
    return out


def stored_record(sobject: str, record_id: str, version: str, stored: str) -> bytes:
    """A REST read's body from a stored record's JSON, which holds every field in describe
    order: the ``attributes`` spliced in front, nothing parsed."""
    attrs = orjson.dumps(attributes(sobject, record_id, version))
    return b'{"attributes":' + attrs + b"," + stored[1:].encode()


def recent_item(obj: ObjectDef, data: dict[str, Any], version: str) -> dict[str, Any]:
    """One of an object's ``recentItems``: attributes, Id and the name field."""
    item: dict[str, Any] = {
        "attributes": attributes(obj.name, data["Id"], version),
        "Id": data["Id"],
    }
    name_field = obj.name_field
    if name_field is not None:
        item[name_field.name] = data.get(name_field.name)
    return item


def multiple_choices(sobject: str, ids: list[str], version: str) -> list[str]:
    """The body of a 300 Multiple Choices: the URL of each record an external id matched."""
    return [record_url(sobject, i, version) for i in ids]


def save_result(record_id: str, created: bool | None = None) -> dict[str, Any]:
    """A successful SaveResult (``created`` for upserts, where the version reports it)."""
    out: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
    if created is not None:
        out["created"] = created
    return out


def created_body(record_id: str) -> bytes:
    """``save_result(record_id)`` as JSON, built without an encoder (the create's hot path:
    an id is letters and digits)."""
    return b'{"id":"' + record_id.encode() + b'","success":true,"errors":[]}'


def save_error(err: HttpError) -> dict[str, Any]:
    """One error of a SaveResult or a tree result."""
    return {"statusCode": err.code, "message": err.message, "fields": err.fields}


def failed_save(err: HttpError) -> dict[str, Any]:
    return {"success": False, "errors": [save_error(err)]}


def composite_item(
    body: Any, headers: dict[str, str], status: int, reference: str | None
) -> dict[str, Any]:
    """One subrequest's answer in a ``compositeResponse``."""
    return {
        "body": body,
        "httpHeaders": headers,
        "httpStatusCode": status,
        "referenceId": reference,
    }


def composite_error(err: HttpError, reference: str | None) -> dict[str, Any]:
    """A ``compositeResponse`` item for a subrequest that did not run."""
    body = [{"errorCode": err.code, "message": err.message}]
    return composite_item(body, {}, err.status, reference)


def batch_item(status: int, result: Any) -> dict[str, Any]:
    """One subrequest's answer in a composite batch's ``results``."""
    return {"statusCode": status, "result": result}


def batch_error(err: HttpError) -> dict[str, Any]:
    return batch_item(err.status, [{"errorCode": err.code, "message": err.message}])


def query_result(
    total: int, records: list[dict[str, Any]], next_url: str | None = None
) -> dict[str, Any]:
    """A page of a query: ``done`` unless a ``nextRecordsUrl`` follows."""
    out: dict[str, Any] = {"totalSize": total, "done": next_url is None}
    if next_url is not None:
        out["nextRecordsUrl"] = next_url
    out["records"] = records
    return out
