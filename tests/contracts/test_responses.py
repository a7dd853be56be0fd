"""Every response the simulators send in this test validates against its release's contract:
the journal of each simulator is read back and each answered route with a response schema
in the contract is checked."""

from __future__ import annotations

import httpx
import orjson

from contracts import current, load_contract
from harness.stack import Stack, StackSettings, endpoints_document
from harness.stack._vendor_auth import tba_auth


def _check_journal(admin_url: str, vendor: str) -> int:
    c = load_contract(vendor, current(vendor).name)
    entries = httpx.get(admin_url + "/journal", params={"limit": 10000}).json()["entries"]
    checked = 0
    for e in entries:
        if not 200 <= e["status"] < 300 or not e["response_body"]:
            continue
        params = {}
        if vendor == "netsuite":
            parts = e["path"].split("/")
            params = {"type": parts[5]} if len(parts) > 5 else {}
        ref = c.endpoint_ref(e["route"], params, "response")
        if ref is None:
            continue
        body = orjson.loads(e["response_body"])
        found = c.validator(ref).violations(body)
        assert not found, f"{e['method']} {e['path']}: {[v.to_dict() for v in found]}"
        checked += 1
    return checked


def test_erp_and_psa_responses_keep_to_their_contracts() -> None:
    with Stack(StackSettings(port_base=None, systems=["erp", "psa"], contracts="strict")) as st:
        doc = endpoints_document(st)
        erp, psa = doc["erp"], doc["psa"]
        with httpx.Client(base_url=erp["rest_url"], auth=tba_auth(erp)) as c:
            r = c.post("/record/v1/subsidiary", json={"name": "HQ"})
            assert r.status_code == 204, r.text
            sid = r.headers["location"].rsplit("/", 1)[-1]
            r = c.post(
                "/record/v1/customer", json={"companyName": "Acme", "subsidiary": {"id": sid}}
            )
            assert r.status_code == 204, r.text
            cid = r.headers["location"].rsplit("/", 1)[-1]
            assert c.get(f"/record/v1/customer/{cid}").status_code == 200
            assert c.get("/record/v1/customer").status_code == 200
        h = {"Authorization": f"Bearer {psa['token']}"}
        with httpx.Client(base_url=psa["api_base"], headers=h) as k:
            r = k.post(
                "/workspaces.json", json={"workspace": {"title": "P", "creator_role": "consultant"}}
            )
            assert r.status_code == 200, r.text
            assert k.get("/workspaces.json").status_code == 200
        assert _check_journal(erp["admin_url"], "netsuite") >= 2
        assert _check_journal(psa["admin_url"], "kantata") >= 2
