"""REST record service v1 on the wire: create/get/patch/delete, eid:, upsert, lists and q."""

from __future__ import annotations

import httpx

from harness.testing import SimHandle

ERROR_400 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1"


def new_id(resp: httpx.Response) -> str:
    """The created record's id, read from the Location header as NetSuite clients do."""
    assert resp.status_code == 204, resp.text
    return resp.headers["location"].rsplit("/", 1)[-1]


def _customer(api: httpx.Client, name: str, **extra: object) -> str:
    return new_id(
        api.post(
            "/record/v1/customer", json={"companyName": name, "subsidiary": {"id": "1"}, **extra}
        )
    )


def test_create_returns_204_with_location_only(api: httpx.Client, erp: SimHandle) -> None:
    r = api.post(
        "/record/v1/customer",
        json={"entityid": "New Customer", "companyname": "My Company", "subsidiary": {"id": "1"}},
    )
    assert r.status_code == 204 and r.content == b""
    assert r.headers["location"].startswith(f"{erp.base_url}/services/rest/record/v1/customer/")
    cid = new_id(r)
    body = api.get(f"/record/v1/customer/{cid}").json()
    assert body["links"] == [
        {"rel": "self", "href": f"{erp.base_url}/services/rest/record/v1/customer/{cid}"}
    ]
    assert body["entityId"] == "New Customer" and body["companyName"] == "My Company"
    assert body["subsidiary"] == {
        "links": [{"rel": "self", "href": f"{erp.base_url}/services/rest/record/v1/subsidiary/1"}],
        "id": "1",
        "refName": "Parent Company",
    }
    assert body["lastModifiedDate"].endswith("Z")


def test_get_patch_delete_and_missing(api: httpx.Client) -> None:
    cid = _customer(api, "Patch Me")
    assert api.patch(f"/record/v1/customer/{cid}", json={"email": "x@y.example"}).status_code == 204
    assert api.get(f"/record/v1/customer/{cid}").json()["email"] == "x@y.example"
    assert api.delete(f"/record/v1/customer/{cid}").status_code == 204
    r = api.get(f"/record/v1/customer/{cid}")
    assert r.status_code == 404
    err = r.json()
    assert err["status"] == 404 and err["title"] == "Not Found"
    assert err["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    assert (
        api.get("/record/v1/customer/abc").json()["o:errorDetails"][0]["o:errorCode"]
        == "INVALID_ID"
    )


def test_external_ids_and_upsert(api: httpx.Client) -> None:
    r = api.put(
        "/record/v1/customer/eid:CID002",
        json={"companyName": "Upserted", "subsidiary": {"id": "1"}},
    )
    cid = new_id(r)
    assert api.get("/record/v1/customer/eid:CID002").json()["id"] == cid
    r = api.put("/record/v1/customer/eid:CID002", json={"companyName": "Upserted again"})
    assert new_id(r) == cid
    assert api.get(f"/record/v1/customer/{cid}").json()["companyName"] == "Upserted again"
    assert api.patch("/record/v1/customer/eid:CID002", json={"phone": "1"}).status_code == 204
    # eid: in a reference
    jid = new_id(
        api.post(
            "/record/v1/job", json={"companyName": "Project X", "parent": {"id": "eid:CID002"}}
        )
    )
    job = api.get(f"/record/v1/job/{jid}").json()
    assert job["parent"]["id"] == cid and job["subsidiary"]["id"] == "1"
    assert api.put(f"/record/v1/customer/{cid}", json={}).status_code == 400
    dup = api.post(
        "/record/v1/customer",
        json={"companyName": "Dup", "subsidiary": {"id": "1"}, "externalId": "CID002"},
    )
    assert dup.status_code == 400


def test_type_names_are_case_insensitive(api: httpx.Client) -> None:
    emp = new_id(
        api.post(
            "/record/v1/employee",
            json={"firstName": "Ada", "lastName": "L", "subsidiary": {"id": "1"}},
        )
    )
    cid = _customer(api, "TB Co")
    r = api.post(
        "/record/v1/timebill",
        json={"employee": {"id": emp}, "customer": {"id": cid}, "hours": "2:30"},
    )
    tid = new_id(r)
    assert "/record/v1/timeBill/" in r.headers["location"]
    tb = api.get(f"/record/v1/timeBill/{tid}").json()
    assert (
        tb["hours"] == 2.5
        and tb["isBillable"] is True
        and tb["item"]["refName"] == "Professional Services"
    )


def test_list_paging_links_and_filters(api: httpx.Client) -> None:
    ids = [_customer(api, f"Company {i}", email=f"c{i}@example.com") for i in range(7)]
    page = api.get("/record/v1/customer", params={"limit": 3, "offset": 3}).json()
    assert (
        page["count"] == 3
        and page["offset"] == 3
        and page["totalResults"] == 7
        and page["hasMore"] is True
    )
    assert [i["id"] for i in page["items"]] == ids[3:6]
    assert set(page["items"][0]) == {"links", "id"}
    rels = [x["rel"] for x in page["links"]]
    assert rels == ["previous", "first", "next", "last", "self"]
    assert page["links"][3]["href"].endswith("limit=3&offset=6")
    r = api.get("/record/v1/customer", params={"q": 'companyName START_WITH "Company 1"'}).json()
    assert [i["id"] for i in r["items"]] == [ids[1]]
    r = api.get(
        "/record/v1/customer", params={"q": f"id ANY_OF {ids[0]}, {ids[2]} OR email CONTAIN c6@"}
    ).json()
    assert [i["id"] for i in r["items"]] == [ids[0], ids[2], ids[6]]
    r = api.get(
        "/record/v1/customer", params={"q": 'email IS "c1@example.com" AND companyName IS_NOT "x"'}
    ).json()
    assert r["totalResults"] == 1
    r = api.get("/record/v1/customer", params={"q": "phone EMPTY AND (isPerson IS false)"}).json()
    assert r["totalResults"] == 7
    r = api.get(
        "/record/v1/customer", params={"q": 'lastModifiedDate ON_OR_AFTER "1/1/2022"'}
    ).json()
    assert r["totalResults"] == 7
    r = api.get("/record/v1/customer", params={"q": 'lastModifiedDate BEFORE "2022-01-01"'}).json()
    assert r["totalResults"] == 0
    bad = api.get("/record/v1/customer", params={"q": "nosuchfield IS 1"})
    assert bad.status_code == 400 and bad.json()["o:errorDetails"][0]["o:errorQueryParam"] == "q"
    assert api.get("/record/v1/customer", params={"limit": 1001}).status_code == 400


def test_poll_by_last_modified_date(api: httpx.Client, erp: SimHandle) -> None:
    old = _customer(api, "Old")
    mark = api.get(f"/record/v1/customer/{old}").json()["lastModifiedDate"]
    assert erp.admin.post("/tenants/default/clock", json={"advance_seconds": 60}).status_code == 200
    new = _customer(api, "New")
    r = api.get("/record/v1/customer", params={"q": f'lastModifiedDate AFTER "{mark}"'}).json()
    assert [i["id"] for i in r["items"]] == [new]


def test_sales_order_sublist_total_and_transform(api: httpx.Client) -> None:
    cid = _customer(api, "Buyer")
    item = api.get("/record/v1/serviceItem").json()["items"][0]["id"]
    so = new_id(
        api.post(
            "/record/v1/salesOrder",
            json={
                "entity": {"id": cid},
                "tranDate": "2024-03-01",
                "item": {
                    "items": [
                        {"item": {"id": item}, "quantity": 10, "rate": 100},
                        {"item": {"id": item}, "quantity": 2.5, "rate": 200},
                    ]
                },
            },
        )
    )
    body = api.get(f"/record/v1/salesOrder/{so}").json()
    assert body["total"] == 1500.0 and body["currency"]["refName"] == "US Dollar"
    assert body["item"] == {"links": [{"rel": "self", "href": body["links"][0]["href"] + "/item"}]}
    exp = api.get(f"/record/v1/salesOrder/{so}", params={"expandSubResources": "true"}).json()
    lines = exp["item"]["items"]
    assert [x["amount"] for x in lines] == [1000.0, 500.0] and lines[0]["item"]["id"] == item
    assert api.get(f"/record/v1/salesOrder/{so}/item").json()["totalResults"] == 2
    r = api.post(f"/record/v1/salesOrder/{so}/!transform/invoice", json={"tranDate": "2024-03-31"})
    inv = new_id(r)
    assert "/record/v1/invoice/" in r.headers["location"]
    invoice = api.get(f"/record/v1/invoice/{inv}").json()
    assert (
        invoice["total"] == 1500.0
        and invoice["createdFrom"]["id"] == so
        and invoice["tranDate"] == "2024-03-31"
    )
    assert api.get(f"/record/v1/salesOrder/{so}").json()["status"]["refName"] == "Billed"
    assert api.post(f"/record/v1/salesOrder/{so}/!transform/invoice", json={}).status_code == 400


def test_seeds(api: httpx.Client) -> None:
    assert api.get("/record/v1/subsidiary/1").json()["name"] == "Parent Company"
    symbols = [api.get(f"/record/v1/currency/{i}").json()["symbol"] for i in (1, 2, 3)]
    assert symbols == ["USD", "EUR", "GBP"]
    assert api.get("/record/v1/serviceItem").json()["totalResults"] == 1


def test_a_reference_follows_the_record_it_names(api: httpx.Client) -> None:
    """The rendered reference (refName) is kept between reads only until its record changes."""
    parent = _customer(api, "Parent Co")
    child = _customer(api, "Child Co", parent={"id": parent})
    for _ in range(2):  # a second read answers the same
        ref = api.get(f"/record/v1/customer/{child}").json()["parent"]
        assert ref["id"] == parent and ref["refName"] == "Parent Co"
    r = api.patch(f"/record/v1/customer/{parent}", json={"entityId": "Renamed Co"})
    assert r.status_code == 204
    assert api.get(f"/record/v1/customer/{child}").json()["parent"]["refName"] == "Renamed Co"
    assert api.delete(f"/record/v1/customer/{parent}").status_code == 204
    assert api.get(f"/record/v1/customer/{child}").json()["parent"] == {"links": [], "id": parent}


def test_record_read_again_follows_a_rename_of_a_record_it_names(api: httpx.Client) -> None:
    """A record read once is answered again from the store's read cache, but a write to
    another record (the subsidiary it names) changes the next answer."""
    sub = api.post("/record/v1/subsidiary", json={"name": "UK Ltd", "parent": {"id": "1"}})
    assert sub.status_code == 204, sub.text
    sid = sub.headers["location"].rsplit("/", 1)[1]
    cust = api.post("/record/v1/customer", json={"companyName": "Brit", "subsidiary": {"id": sid}})
    assert cust.status_code == 204, cust.text
    url = "/record/v1/customer/" + cust.headers["location"].rsplit("/", 1)[1]
    first = api.get(url).json()
    assert "UK Ltd" in first["subsidiary"]["refName"]
    assert api.get(url).json() == first
    r = api.patch(f"/record/v1/subsidiary/{sid}", json={"name": "UK Holdings"})
    assert r.status_code == 204, r.text
    again = api.get(url).json()
    assert "UK Holdings" in again["subsidiary"]["refName"]
    assert "UK Ltd" not in again["subsidiary"]["refName"]
