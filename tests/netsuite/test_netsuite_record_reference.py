"""The served record types hold every body field of NetSuite's 2026.1 record reference.

Source: NetSuite REST API Browser, record v1, release 2026.1 (a Markdown extraction,
wsjmnh/netsuite-record-rest-docs ``docs/schemas/<type>.md``), trimmed into
``simulators/netsuite/_reference/*.json`` by ``_reference/_generate.py``. Checked through the
simulator's own metadata catalog (JSON Schema), as a client would read it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators.netsuite._reference import REFERENCED, load
from simulators.netsuite._reference._generate import generate

SCHEMA = {"Accept": "application/schema+json"}
#: where the simulator knowingly differs from the browser, and why
DIFFERENCES = {
    # hours_format="number" (default) serves 2.5; "duration" serves the browser's string
    ("timeBill", "hours"): "number",
    # a checkbox here; the browser lists a select
    ("customerPayment", "undepFunds"): "boolean",
    # free text here; the browser lists a select of country codes
    ("subsidiary", "country"): "string",
}
#: fields the simulator serves beyond the browser's list (kept for the billing rules)
ADDITIONS = {
    "timeBill": {"dateCreated", "isBilled", "invoice"},
    "customerPayment": {"checkNum"},
    "expenseReport": {"currency", "exchangeRate", "otherRefNum", "subtotal"},
}


def expected_type(prop: dict[str, Any]) -> tuple[str, str | None]:
    t, fmt = prop["type"], prop["format"]
    if t == "string":
        return "string", fmt if fmt in ("date", "date-time") else None
    if t == "number":
        return "number", "double"
    if t == "integer":
        return "integer", "int64"
    if t == "boolean":
        return "boolean", None
    return "object", None  # a reference or a list value: {"id", "refName"}


@pytest.mark.parametrize("name", REFERENCED)
def test_every_body_field_is_served_with_its_type(api: httpx.Client, name: str) -> None:
    r = api.get(f"/record/v1/metadata-catalog/{name}", headers=SCHEMA)
    assert r.status_code == 200, r.text
    props = r.json()["properties"]
    for prop in load(name)["fields"]:
        if "-" in prop["type"]:
            continue  # subrecords (invoice-billingAddress) are not body fields
        got = props.get(prop["name"])
        assert got is not None, f"{name}.{prop['name']} is not served"
        want, fmt = expected_type(prop)
        known = DIFFERENCES.get((name, prop["name"]))
        if known is not None:
            assert got["type"] == known
            continue
        assert got["type"] == want, (name, prop["name"], got, prop)
        if fmt is not None:
            assert got.get("format") == fmt, (name, prop["name"], got, prop)
        if prop["enum"] and want == "object":
            ids = got["properties"]["id"]
            assert set(prop["enum"]) <= set(ids.get("enum", prop["enum"])), (name, prop["name"])
    browser = {p["name"] for p in load(name)["fields"]}
    extra = {k for k, v in props.items() if k not in browser and not _is_sublist_or_meta(k, v)}
    assert extra == ADDITIONS.get(name, set()), (name, sorted(extra))


def _is_sublist_or_meta(key: str, schema: dict[str, Any]) -> bool:
    return key in ("links", "refName") or "items" in schema.get("properties", {})


def test_fields_outside_the_old_subset_are_written_and_read(api: httpx.Client) -> None:
    r = api.post(
        "/record/v1/customer",
        json={
            "companyName": "Reference Co",
            "subsidiary": {"id": "1"},
            "altPhone": "+1 555 0100",
            "accountNumber": "AC-7",
            "acquisitionDate": "2026-01-15",
            "alcoholRecipientType": {"id": "LICENSEE"},
        },
    )
    assert r.status_code == 204, r.text
    got = api.get(r.headers["location"].split("/services/rest", 1)[1]).json()
    assert got["altPhone"] == "+1 555 0100" and got["accountNumber"] == "AC-7"
    assert got["acquisitionDate"] == "2026-01-15"
    assert got["alcoholRecipientType"]["id"] == "LICENSEE"


def _vendor_docs() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        cand = parent / "shared" / "vendor-specs" / "netsuite"
        hits = sorted(cand.glob("*/docs/schemas/customer.md")) if cand.is_dir() else []
        if hits:
            return hits[0].parent.parent
    return None


def test_generated_files_match_the_reference(tmp_path: Path) -> None:
    src = _vendor_docs()
    if src is None:
        pytest.skip(
            "the record reference extraction (shared/vendor-specs/netsuite) is not beside the repo"
        )
    written = generate(src, tmp_path)
    # a copy of the extraction without a type's page (creditMemo is in the upstream
    # extraction, not in every copy of it) checks the types it has
    assert len(written) >= len(REFERENCED) - 1, [p.stem for p in written]
    for path in written:
        assert json.loads(path.read_text("utf-8")) == load(path.stem), path.stem
