"""Entities over OData v4: create, read, update and delete with Business Central's rules.

Facts from learn.microsoft.com, Business Central API v2.0: POST answers 201 with the
entity, PATCH 200 with the entity and requires If-Match, DELETE 204; "Troubleshooting
REST API/OData calls" and the v1.0 error codes page for BadRequest_InvalidToken,
BadRequest_ResourceNotFound and the OData error document.
"""

from __future__ import annotations

from typing import Any

import httpx


def test_create_read_update_delete_customer(api: httpx.Client, creds: dict[str, Any]) -> None:
    r = api.post("/customers", json={"displayName": "Coho Winery", "email": "robert@coho.example"})
    assert r.status_code == 201
    c = r.json()
    assert c["@odata.context"].endswith(
        f"/$metadata#companies({creds['company_id']})/customers/$entity"
    )
    assert c["@odata.etag"].startswith('W/"') and r.headers["etag"] == c["@odata.etag"]
    assert c["number"] == "C00010" and c["type"] == "Company" and c["blocked"] == " "
    assert c["balanceDue"] == 0 and c["taxAreaId"] == "00000000-0000-0000-0000-000000000000"
    got = api.get(f"/customers({c['id']})").json()
    assert got["displayName"] == "Coho Winery" and got["@odata.etag"] == c["@odata.etag"]
    upd = api.patch(
        f"/customers({c['id']})",
        json={"phoneNumber": "(555) 555-1234"},
        headers={"If-Match": c["@odata.etag"]},
    )
    assert upd.status_code == 200
    assert (
        upd.json()["phoneNumber"] == "(555) 555-1234"
        and upd.json()["@odata.etag"] != c["@odata.etag"]
    )
    assert (
        api.delete(
            f"/customers({c['id']})", headers={"If-Match": upd.json()["@odata.etag"]}
        ).status_code
        == 204
    )
    gone = api.get(f"/customers({c['id']})")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "Internal_RecordNotFound"


def test_if_match_is_required_and_stale_etags_fail(api: httpx.Client) -> None:
    c = api.post("/customers", json={"displayName": "Fabrikam"}).json()
    missing = api.patch(f"/customers({c['id']})", json={"city": "Atlanta"})
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "BadRequest_InvalidToken"
    assert missing.json()["error"]["message"].startswith(
        "Could not validate the client concurrency token"
    )
    assert (
        api.patch(
            f"/customers({c['id']})",
            json={"city": "Atlanta"},
            headers={"If-Match": c["@odata.etag"]},
        ).status_code
        == 200
    )
    stale = api.patch(
        f"/customers({c['id']})", json={"city": "Boston"}, headers={"If-Match": c["@odata.etag"]}
    )
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "Request_EntityChanged"
    stale_delete = api.delete(f"/customers({c['id']})", headers={"If-Match": c["@odata.etag"]})
    assert stale_delete.status_code == 412
    assert (
        api.patch(
            f"/customers({c['id']})", json={"city": "Boston"}, headers={"If-Match": "*"}
        ).status_code
        == 200
    )
    assert api.get(f"/customers({c['id']})").json()["city"] == "Boston"


def test_bad_bodies_get_odata_errors(api: httpx.Client) -> None:
    unknown = api.post("/customers", json={"displayName": "X", "Rating": "Hot"})
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "BadRequest"
    assert (
        "'Rating' does not exist on type 'Microsoft.NAV.customer'"
        in unknown.json()["error"]["message"]
    )
    read_only = api.post("/customers", json={"displayName": "X", "balanceDue": 5})
    assert (
        read_only.status_code == 400
        and read_only.json()["error"]["code"] == "BadRequest_InvalidOperation"
    )
    too_long = api.post("/customers", json={"displayName": "X" * 101})
    assert too_long.json()["error"]["code"] == "Application_StringExceededLength"
    wrong_type = api.post("/items", json={"displayName": "X", "unitPrice": "ten"})
    assert wrong_type.status_code == 400 and "Edm.Decimal" in wrong_type.json()["error"]["message"]
    bad_enum = api.post("/customers", json={"displayName": "X", "type": "Robot"})
    assert bad_enum.status_code == 400
    not_json = api.post(
        "/customers", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "BadRequest"
    no_name = api.post("/customers", json={"email": "a@b.example"})
    assert no_name.status_code == 400 and "displayName" in no_name.json()["error"]["message"]
    dup = api.post("/customers", json={"displayName": "A", "number": "10000"})
    assert dup.status_code == 201
    again = api.post("/customers", json={"displayName": "B", "number": "10000"})
    assert again.json()["error"]["code"] == "Internal_EntityWithSameKeyExists"


def test_unknown_paths_and_methods(api: httpx.Client, creds: dict[str, Any]) -> None:
    r = api.get("/widgets")
    assert r.status_code == 404 and r.json()["error"]["code"] == "BadRequest_ResourceNotFound"
    assert r.json()["error"]["message"].startswith("Resource not found for the segment 'widgets'.")
    companies = httpx.Client(base_url=creds["api_url"], headers=api.headers, trust_env=False)
    assert companies.post("/companies", json={"name": "X"}).status_code == 405
    missing = companies.get("/companies(00000000-0000-0000-0000-000000000001)/customers")
    assert missing.status_code == 404
    assert companies.get("/customers").status_code == 400  # an entity set needs its company
    assert api.put("/customers", json={}).status_code == 405
    companies.close()


def test_employees_projects_items_and_time_registration(api: httpx.Client) -> None:
    e = api.post(
        "/employees", json={"givenName": "Annette", "surname": "Hill", "jobTitle": "Consultant"}
    ).json()
    assert (
        e["displayName"] == "Annette Hill"
        and e["status"] == "Active"
        and e["number"].startswith("E")
    )
    p = api.post("/projects", json={"displayName": "ERP rollout"}).json()
    assert p["number"] == "J00010"
    t = api.post(
        "/timeRegistrationEntries",
        json={
            "employeeNumber": e["number"],
            "jobId": p["id"],
            "date": "2026-03-02",
            "quantity": 7.5,
        },
    )
    assert t.status_code == 201
    entry = t.json()
    assert (
        entry["employeeId"] == e["id"]
        and entry["jobNumber"] == p["number"]
        and entry["status"] == "Open"
    )
    assert (
        entry["unitOfMeasureCode"] == "HOUR" and "lastModfiedDateTime" in entry
    )  # Microsoft's spelling
    nested = api.get(f"/employees({e['id']})/timeRegistrationEntries").json()["value"]
    assert [x["id"] for x in nested] == [entry["id"]]
    no_emp = api.post(
        "/timeRegistrationEntries",
        json={"employeeNumber": "NOPE", "date": "2026-03-02", "quantity": 1},
    )
    assert no_emp.status_code == 400 and no_emp.json()["error"]["code"] == "Internal_RecordNotFound"
    bad_date = api.post(
        "/timeRegistrationEntries",
        json={"employeeId": e["id"], "date": "03/02/2026", "quantity": 1},
    )
    assert bad_date.status_code == 400
