"""Every response the simulators send in this test validates against its release's contract:
the journal of each simulator is read back and each answered route with a response schema
in the contract is checked."""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx
import orjson

from contracts import current, json_type, load_contract
from harness.stack import Stack, StackSettings, admin_headers, endpoints_document
from harness.stack._vendor_auth import tba_auth

from .._clients import client_credentials_token

_KNOWN = tomllib.loads((Path(__file__).parent / "known_deviations.toml").read_text())


def _check_journal(ep: dict, vendor: str) -> int:
    """Validate the answers in ``ep``'s journal (the admin API wants the run's admin token)."""
    c = load_contract(vendor, current(vendor).name)
    r = httpx.get(ep["admin_url"] + "/journal", params={"limit": 10000}, headers=admin_headers(ep))
    entries = r.json()["entries"]
    checked = 0
    for e in entries:
        if not 200 <= e["status"] < 300 or not e["response_body"]:
            continue
        params = {}
        parts = e["path"].split("/")
        if vendor == "netsuite":
            params = {"type": parts[5]} if len(parts) > 5 else {}
        elif vendor == "salesforce" and "sobjects" in parts[:-1]:
            params = {"sobject": parts[parts.index("sobjects") + 1]}
        ref = c.endpoint_ref(e["route"], params, "response")
        if ref is None:
            continue
        body = orjson.loads(e["response_body"])
        found = c.validator(ref).violations(body)
        assert not found, f"{e['method']} {e['path']}: {[v.to_dict() for v in found]}"
        checked += 1
    return checked


def test_erp_and_psa_responses_keep_to_their_contracts() -> None:
    with Stack(
        StackSettings(
            port_base=None, systems=["erp", "psa"], contracts="strict", journal_body_bytes=1 << 20
        )
    ) as st:
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
        assert _check_journal(erp, "netsuite") >= 2
        assert _check_journal(psa, "kantata") >= 2


#: where the simulator's answers still differ from the types of Kantata's OpenAPI
KANTATA_KNOWN_TYPE_DEVIATIONS = set(_KNOWN["kantata"])


def test_kantata_records_served_match_the_contract_both_ways() -> None:
    """Kantata publishes no describe: records of each collection are read and their fields
    and JSON types compared with the contract's record schema, in both directions (fields
    returned only through optional_fields or an include are marked x-returned there)."""
    from harness.data import generate_firm
    from harness.loaders import load_firm

    c = load_contract("kantata", current("kantata").name)
    with Stack(StackSettings(port_base=None, systems=["psa"])) as st:
        doc = endpoints_document(st)
        load_firm(generate_firm(1, "small"), doc, timeout=120)
        psa = doc["psa"]
        h = {"Authorization": f"Bearer {psa['token']}"}
        wrong: set[str] = set()
        with httpx.Client(base_url=psa["api_base"], headers=h) as k:
            checked = 0
            for coll, defs in c.objects().items():
                r = k.get(f"/{coll}.json", params={"per_page": 20})
                if r.status_code != 200:
                    continue
                recs = list((r.json().get(coll) or {}).values())
                if not recs:
                    continue
                props = defs["record"]["properties"]
                served = set().union(*(set(x) for x in recs))
                # a plain read returns every property but those returned only on request;
                # scalar foreign keys are also shown without their include (a simulator
                # setting, foreign_keys_without_include, on by default)
                always = {n for n, p in props.items() if "x-returned" not in p}
                fks = {
                    n for n, p in props.items() if p.get("x-returned", "").startswith("include:")
                }
                assert always <= served, f"{coll} does not serve {sorted(always - served)}"
                assert served - always <= fks, f"{coll}: {sorted(served - always - fks)}"
                for rec in recs:
                    for name, value in rec.items():
                        if value is None:
                            continue
                        allowed = props[name].get("type", [])
                        allowed = {allowed} if isinstance(allowed, str) else set(allowed)
                        t = json_type(value)
                        ok = t in allowed or (t == "integer" and "number" in allowed)
                        if not ok and f"{coll}.{name}" not in KANTATA_KNOWN_TYPE_DEVIATIONS:
                            wrong.add(f"{coll}.{name}: {t} not in {sorted(allowed)}")
                checked += 1
    assert checked >= 10
    assert not wrong, sorted(wrong)


#: WorkerProfile fields of the Common v1 spec the simulator does not serve
WORKDAY_NOT_SERVED = set(_KNOWN["workday"])


def test_workday_records_served_match_the_contract_both_ways() -> None:
    from harness.data import generate_firm
    from harness.loaders import load_firm

    c = load_contract("workday", current("workday").name)
    objs = c.objects()
    with Stack(
        StackSettings(
            port_base=None, systems=["hcm"], contracts="strict", journal_body_bytes=1 << 20
        )
    ) as st:
        doc = endpoints_document(st)
        load_firm(generate_firm(1, "small"), doc, timeout=120)
        hcm = doc["hcm"]
        tok = httpx.post(
            hcm["token_url"],
            data={"grant_type": "refresh_token", "refresh_token": hcm["refresh_token"]},
            auth=(hcm["client_id"], hcm["client_secret"]),
        ).json()["access_token"]
        h = {"Authorization": f"Bearer {tok}"}
        with httpx.Client(base_url=hcm["common_base_url"], headers=h) as w:
            served: dict[str, list[dict]] = {}
            for coll in (
                "workers",
                "supervisoryOrganizations",
                "organizations",
                "jobChangeReasons",
            ):
                served[coll] = w.get(f"/{coll}", params={"limit": 5}).json()["data"]
            served["workerProfile"] = [w.get(f"/workers/{served['workers'][0]['id']}").json()]
            # a job change: its request is checked against the contract, its notification too
            worker = served["workers"][0]["id"]
            body = {
                "jobChangeReason": {"id": served["jobChangeReasons"][0]["id"]},
                "supervisoryOrganization": {"id": served["supervisoryOrganizations"][-1]["id"]},
            }
            r = w.post(f"/workers/{worker}/jobChanges", json=body)
            assert r.status_code in (200, 201), r.text
            bad = w.post(f"/workers/{worker}/jobChanges", json={"reasonForChange": "x"})
            assert bad.status_code == 400 and "jobChangeReason" in bad.text
        checked = _check_journal(hcm, "workday")
        assert _check_events(hcm, "workday") >= 1
    for name, recs in served.items():
        assert recs, name
        props = set(objs[name]["record"]["properties"])
        keys = set().union(*(set(r) for r in recs))
        assert keys <= props, f"{name} serves fields outside its contract: {sorted(keys - props)}"
        missing = {f"{name}.{p}" for p in props - keys} - WORKDAY_NOT_SERVED
        assert not missing, f"contract fields not served: {sorted(missing)}"
        v = c.validator(f"objects/{name}.json#/$defs/record")
        for r in recs:
            assert not v.violations(r), (name, [x.to_dict() for x in v.violations(r)])
    assert checked >= 5


def test_crm_responses_keep_to_their_contract() -> None:
    settings = StackSettings(
        port_base=None, systems=["crm"], contracts="strict", journal_body_bytes=1 << 20
    )
    with Stack(settings) as st:
        ep = endpoints_document(st)["crm"]
        tok = client_credentials_token(ep["token_url"], ep)
        base = f"{ep['base_url']}/services/data/v{ep['api_version']}"
        h = {"Authorization": f"Bearer {tok}"}
        with httpx.Client(base_url=base, headers=h) as c:
            r = c.post("/sobjects/Account", json={"Name": "Acme", "Industry": "Consulting"})
            assert r.status_code == 201, r.text
            aid = r.json()["id"]
            r = c.post(
                "/sobjects/Opportunity",
                json={
                    "Name": "Deal",
                    "StageName": "Prospecting",
                    "CloseDate": "2026-12-31",
                    "AccountId": aid,
                },
            )
            assert r.status_code == 201, r.text
            assert c.get(f"/sobjects/Account/{aid}").status_code == 200
            assert c.get(f"/sobjects/Opportunity/{r.json()['id']}").status_code == 200
            assert c.get("/query", params={"q": "SELECT Id, Name FROM Account"}).status_code == 200
        assert _check_journal(ep, "salesforce") >= 6


def _check_events(ep: dict, vendor: str) -> int:
    c = load_contract(vendor, current(vendor).name)
    r = httpx.get(ep["admin_url"] + "/tenants/default/events", headers=admin_headers(ep))
    events = r.json()["events"]
    checked = 0
    for ev in events:
        ref = c.event_ref(ev["channel"])
        assert ref is not None, f"{vendor}: no contract for channel {ev['channel']}"
        found = c.validator(ref).violations(ev["payload"])
        assert not found, (ev["channel"], [v.to_dict() for v in found])
        checked += 1
    return checked


def test_change_events_keep_to_their_contracts() -> None:
    with Stack(StackSettings(port_base=None, systems=["crm", "erp", "psa"])) as st:
        doc = endpoints_document(st)
        erp, psa, crm = doc["erp"], doc["psa"], doc["crm"]
        with httpx.Client(base_url=erp["rest_url"], auth=tba_auth(erp)) as c:
            assert c.post("/record/v1/subsidiary", json={"name": "HQ"}).status_code == 204
        h = {"Authorization": f"Bearer {psa['token']}"}
        r = httpx.post(
            psa["api_base"] + "/workspaces.json",
            json={"workspace": {"title": "P", "creator_role": "maven"}},
            headers=h,
        )
        assert r.status_code == 200
        tok = client_credentials_token(crm["token_url"], crm)
        base = f"{crm['base_url']}/services/data/v{crm['api_version']}"
        r = httpx.post(
            base + "/sobjects/Opportunity",
            json={"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-12-31"},
            headers={"Authorization": f"Bearer {tok}"},
        )
        assert r.status_code == 201
        assert _check_events(erp, "netsuite") >= 1
        assert _check_events(psa, "kantata") >= 1
        assert _check_events(crm, "salesforce") >= 1
