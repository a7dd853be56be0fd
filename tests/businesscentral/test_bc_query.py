"""OData v4 query options and server-driven paging, as the Business Central API serves them.

OData v4.0 Part 2 (URL conventions) for $filter/$select/$expand/$orderby/$top/$skip/
$count; Business Central's "Tips for working with the APIs" and operational limits for
server-driven paging with @odata.nextLink (at most 20,000 entities a page).
"""

from __future__ import annotations

import httpx


def _seed(api: httpx.Client) -> list[dict]:
    out = []
    for i, (name, city, credit) in enumerate(
        [
            ("Adatum", "Atlanta", 500),
            ("Coho", "Boston", 1500),
            ("Fabrikam", "Atlanta", 2500),
            ("Litware", "Chicago", 0),
        ]
    ):
        out.append(
            api.post(
                "/customers",
                json={"displayName": name, "city": city, "creditLimit": credit, "number": f"K{i}"},
            ).json()
        )
    return out


def test_filter_select_orderby_top_skip_count(api: httpx.Client) -> None:
    _seed(api)
    r = api.get(
        "/customers",
        params={
            "$filter": "city eq 'Atlanta' and creditLimit gt 1000",
            "$select": "number,displayName",
        },
    )
    assert r.status_code == 200
    assert r.json()["value"] == [
        {
            "@odata.etag": r.json()["value"][0]["@odata.etag"],
            "number": "K2",
            "displayName": "Fabrikam",
        }
    ]
    names = [
        c["displayName"]
        for c in api.get("/customers", params={"$orderby": "creditLimit desc", "$top": "2"}).json()[
            "value"
        ]
    ]
    assert names == ["Fabrikam", "Coho"]
    skipped = api.get(
        "/customers",
        params={"$orderby": "displayName", "$skip": "1", "$top": "2", "$count": "true"},
    ).json()
    assert [c["displayName"] for c in skipped["value"]] == ["Coho", "Fabrikam"] and skipped[
        "@odata.count"
    ] == 4
    fn = api.get(
        "/customers", params={"$filter": "startswith(displayName,'Li') or contains(city,'ost')"}
    ).json()["value"]
    assert sorted(c["displayName"] for c in fn) == ["Coho", "Litware"]
    listed = api.get("/customers", params={"$filter": "number in ('K0','K3')"}).json()["value"]
    assert len(listed) == 2
    assert api.get("/customers/$count", params={"$filter": "city eq 'Atlanta'"}).text == "2"
    since = api.get(
        "/customers", params={"$filter": "lastModifiedDateTime gt 2000-01-01T00:00:00Z"}
    ).json()["value"]
    assert len(since) == 4


def test_query_errors(api: httpx.Client) -> None:
    syntax = api.get("/customers", params={"$filter": "displayName eq"})
    assert syntax.status_code == 400 and syntax.json()["error"]["code"] == "BadRequest_NotFound"
    assert syntax.json()["error"]["message"].startswith("Bad Request - Error in query syntax.")
    field = api.get("/customers", params={"$filter": "Rating eq 'Hot'"})
    assert (
        field.status_code == 400
        and "Could not find a property named 'Rating'" in field.json()["error"]["message"]
    )
    assert api.get("/customers", params={"$select": "nope"}).status_code == 400
    assert api.get("/customers", params={"$top": "-1"}).status_code == 400
    assert api.get("/customers", params={"$expand": "orders"}).status_code == 400
    assert api.get("/customers", params={"$apply": "groupby((city))"}).status_code == 400


def test_server_driven_paging_follows_next_links(api: httpx.Client) -> None:
    for i in range(7):
        api.post("/items", json={"displayName": f"Item {i}", "unitPrice": i})
    seen, url, pages = [], "/items?$select=displayName&$filter=unitPrice ge 1", 0
    while url:
        body = api.get(url, headers={"Prefer": "odata.maxpagesize=3"}).json()
        seen += [x["displayName"] for x in body["value"]]
        url = body.get("@odata.nextLink", "")
        pages += 1
        assert len(body["value"]) <= 3
    assert pages == 2 and seen == [f"Item {i}" for i in range(1, 7)]
    topped = api.get("/items?$top=4", headers={"Prefer": "odata.maxpagesize=3"}).json()
    rest = api.get(topped["@odata.nextLink"], headers={"Prefer": "odata.maxpagesize=3"}).json()
    assert len(topped["value"]) + len(rest["value"]) == 4 and "@odata.nextLink" not in rest


def test_expand_lines_and_single_navigation(api: httpx.Client) -> None:
    cust = api.post("/customers", json={"displayName": "Adatum"}).json()
    item = api.post(
        "/items", json={"displayName": "Consulting hour", "type": "Service", "unitPrice": 100}
    ).json()
    inv = api.post(
        "/salesInvoices",
        json={
            "customerId": cust["id"],
            "salesInvoiceLines": [
                {"itemId": item["id"], "quantity": 2},
                {"itemId": item["id"], "quantity": 3},
            ],
        },
    ).json()
    r = api.get(
        f"/salesInvoices({inv['id']})",
        params={
            "$expand": "salesInvoiceLines($select=quantity;$filter=quantity gt 2),customer($select=displayName)",
            "$select": "number",
        },
    ).json()
    assert [line["quantity"] for line in r["salesInvoiceLines"]] == [3]
    assert r["customer"]["displayName"] == "Adatum" and set(r) == {
        "@odata.context",
        "@odata.etag",
        "number",
        "salesInvoiceLines",
        "customer",
    }
