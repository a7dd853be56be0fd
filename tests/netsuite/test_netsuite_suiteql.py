"""SuiteQL on the wire: Prefer: transient, paging, lower-case string columns, joins, errors."""

from __future__ import annotations

import httpx

from harness.testing import SimHandle

SQ = "/query/v1/suiteql"
T = {"Prefer": "transient"}


def new_id(resp: httpx.Response) -> str:
    assert resp.status_code == 204, resp.text
    return resp.headers["location"].rsplit("/", 1)[-1]


def _q(api: httpx.Client, q: str, **params: int) -> httpx.Response:
    return api.post(SQ, json={"q": q}, headers=T, params=params)


def test_transient_is_required(api: httpx.Client) -> None:
    r = api.post(SQ, json={"q": "SELECT id FROM customer"})
    assert r.status_code == 400
    assert r.json()["o:errorDetails"][0]["o:errorHeader"] == "Prefer"


def test_paging_and_shapes(api: httpx.Client) -> None:
    ids = [
        new_id(
            api.post(
                "/record/v1/customer", json={"companyName": f"C{i}", "subsidiary": {"id": "1"}}
            )
        )
        for i in range(5)
    ]
    r = _q(
        api,
        "SELECT id, companyName, isinactive, email, subsidiary FROM Customer ORDER BY id",
        limit=2,
        offset=2,
    )
    assert r.status_code == 200
    body = r.json()
    assert (
        body["count"] == 2
        and body["offset"] == 2
        and body["totalResults"] == 5
        and body["hasMore"] is True
    )
    assert body["items"][0] == {
        "links": [],
        "id": ids[2],
        "companyname": "C2",
        "isinactive": "F",
        "subsidiary": "1",
    }
    assert [x["rel"] for x in body["links"]] == ["previous", "first", "next", "last", "self"]
    assert _q(api, "SELECT id FROM customer", limit=1001).status_code == 400


def test_joins_dates_and_functions(api: httpx.Client, erp: SimHandle) -> None:
    erp.admin.post("/tenants/default/clock", json={"at": "2024-01-05T10:00:00Z"})
    cid = new_id(
        api.post("/record/v1/customer", json={"companyName": "Joined", "subsidiary": {"id": "1"}})
    )
    so = new_id(
        api.post(
            "/record/v1/salesOrder",
            json={
                "entity": {"id": cid},
                "tranDate": "2024-02-03",
                "item": {"items": [{"item": {"id": "10"}, "quantity": 3}]},
            },
        )
    )
    r = _q(
        api,
        "SELECT t.id, t.tranid, t.type, t.trandate, c.companyname, t.foreigntotal, tl.quantity "
        "FROM transaction t JOIN customer c ON t.entity = c.id "
        "JOIN transactionline tl ON tl.transaction = t.id AND tl.mainline = 'F' "
        "WHERE t.trandate >= TO_DATE('2024-02-01', 'YYYY-MM-DD')",
    )
    assert r.status_code == 200, r.text
    item = r.json()["items"][0]
    assert item["id"] == so and item["type"] == "SalesOrd" and item["trandate"] == "2/3/2024"
    assert (
        item["companyname"] == "Joined"
        and item["foreigntotal"] == "450"
        and item["quantity"] == "3"
    )
    r = _q(
        api,
        "SELECT id, NVL(email, 'none') AS e, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD') d, "
        "BUILTIN.DF(subsidiary) s FROM customer WHERE lastmodifieddate > TO_TIMESTAMP("
        "'2024-01-05 09:00:00', 'YYYY-MM-DD HH24:MI:SS')",
    )
    assert r.json()["items"] == [{"links": [], "id": cid, "e": "none", "d": "2024-01-05", "s": "1"}]
    r = _q(
        api,
        "SELECT COUNT(*) AS n FROM customer WHERE lastmodifieddate > TO_DATE('2024-01-06', 'YYYY-MM-DD')",
    )
    assert r.json()["items"] == [{"links": [], "n": "0"}]


def test_only_select_and_known_tables(api: httpx.Client) -> None:
    for q in (
        "DELETE FROM customer",
        "SELECT * FROM records",
        "SELECT * FROM sqlite_master",
        "SELEC id FRM x",
        "SELECT nosuchcolumn FROM customer",
        "SELECT id FROM customer; DROP TABLE records",
        "",
    ):
        r = _q(api, q)
        assert r.status_code == 400, q
        detail = r.json()["o:errorDetails"][0]
        assert detail["o:errorCode"] in ("INVALID_PARAMETER", "INVALID_CONTENT"), q
    assert api.post(SQ, json={"query": "SELECT 1"}, headers=T).status_code == 400


def test_deleted_records_are_visible_to_polling(api: httpx.Client) -> None:
    cid = new_id(
        api.post("/record/v1/customer", json={"companyName": "Gone", "subsidiary": {"id": "1"}})
    )
    api.delete(f"/record/v1/customer/{cid}")
    r = _q(api, "SELECT recordid, recordtype FROM deletedrecord")
    assert r.json()["items"] == [{"links": [], "recordid": cid, "recordtype": "customer"}]
