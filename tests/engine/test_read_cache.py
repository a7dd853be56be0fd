"""Cached GET bodies never outlive a write: every write path of the store drops them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from harness.testing import SimHandle
from simulators.engine import ServerOptions, SimulatorServer, SimulatorSettings
from simulators.engine._readcache import ReadCache
from simulators.engine._store import RecordStore
from simulators.salesforce import create_simulator

from .._clients import crm_token_form

V = "/services/data/v68.0"


def test_store_writes_drop_the_cached_answer() -> None:
    store = RecordStore("t")
    store.insert("A", "1", {"Id": "1", "Name": "one"}, "s1")
    cache = store.read_cache
    cache.put("A", "1", "v", b"old")
    assert cache.get("A", "1", "v") == b"old"
    assert cache.get("A", "1", "other") is None  # another variant is not served
    store.update("A", "1", {"Id": "1", "Name": "uno"}, {}, "s2", changed_fields=["Name"])
    assert cache.get("A", "1", "v") is None
    for write in (
        lambda: store.delete("A", "1", {"Id": "1"}, "s3"),
        lambda: store.undelete("A", "1", {"Id": "1"}, "s4"),
        lambda: store.bulk_insert("A", [("1", "s5", {"Id": "1"})]),
        store.clear,
    ):
        cache.put("A", "1", "v", b"stale")
        write()
        assert cache.get("A", "1", "v") is None


def test_a_rolled_back_transaction_leaves_nothing_cached() -> None:
    store = RecordStore("t")
    store.insert("A", "1", {"Id": "1", "Name": "one"}, "s1")
    with pytest.raises(RuntimeError), store.transaction():
        store.update("A", "1", {"Id": "1", "Name": "uno"}, {}, "s2", changed_fields=["Name"])
        store.read_cache.put("A", "1", "v", b"uncommitted")  # a read inside the transaction
        raise RuntimeError("roll back")
    assert store.read_cache.get("A", "1", "v") is None
    assert store.get("A", "1") == {"Id": "1", "Name": "one"}


def test_the_cache_is_bounded_oldest_out() -> None:
    cache = ReadCache(max_entries=3)
    for i in range(5):
        cache.put("A", str(i), "v", i)
    assert len(cache) == 3
    assert cache.get("A", "0", "v") is None and cache.get("A", "4", "v") == 4


def test_eviction_keeps_putting_out_the_oldest_long_after_the_bound() -> None:
    cache = ReadCache(max_entries=4)
    for i in range(1000):  # many evictions: the order must hold however many came before
        cache.put("A", str(i), "v", i)
    cache.drop("A", "997")
    cache.put("A", "998", "v2", "again")  # a put of a cached record keeps its place
    cache.put("A", "1000", "v", 1000)  # room left by the drop: nothing goes
    assert [i for i in range(990, 1001) if cache.get("A", str(i), "v") is not None] == [
        996,
        999,
        1000,
    ]
    cache.put("A", "1001", "v", 1001)  # full: the oldest (996) goes, then 998
    assert cache.get("A", "996", "v") is None and cache.get("A", "998", "v2") == "again"
    cache.put("A", "1002", "v", 1002)
    assert cache.get("A", "998", "v2") is None and len(cache) == 4


@pytest.fixture(scope="module")
def crm() -> Iterator[tuple[SimHandle, dict[str, str]]]:
    sim = create_simulator(None, SimulatorSettings())
    server = SimulatorServer(sim, ServerOptions(port=0, backend="native")).start_in_thread()
    handle = SimHandle(server, None)
    creds = handle.admin.get("/tenants/default").json()["credentials"]
    with handle.client() as c:
        r = c.post(
            "/services/oauth2/token",
            data=crm_token_form(creds),
        )
    assert r.status_code == 200, r.text
    yield handle, {"Authorization": f"Bearer {r.json()['access_token']}"}
    handle.close()


def _get(c: httpx.Client, path: str, auth: dict[str, str]) -> httpx.Response:
    return c.get(path, headers=auth)


def test_reads_over_http_follow_every_write(crm: tuple[SimHandle, dict[str, str]]) -> None:
    handle, auth = crm
    with handle.client() as c:
        r = c.post(f"{V}/sobjects/Account/", json={"Name": "Cached"}, headers=auth)
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
        url = f"{V}/sobjects/Account/{rid}"
        first, second = _get(c, url, auth), _get(c, url, auth)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content and first.json()["Name"] == "Cached"
        assert first.json()["attributes"]["url"] == url
        # another API version: its own attributes, not the cached body of v68.0
        old = _get(c, f"/services/data/v60.0/sobjects/Account/{rid}", auth).json()
        assert old["attributes"]["url"] == f"/services/data/v60.0/sobjects/Account/{rid}"
        picked = _get(c, url + "?fields=Name", auth).json()
        assert picked["Name"] == "Cached" and "Industry" not in picked
        # a failed all-or-none composite changes nothing, cache included
        r = c.post(
            f"{V}/composite",
            headers=auth,
            json={
                "allOrNone": True,
                "compositeRequest": [
                    {
                        "method": "PATCH",
                        "url": url,
                        "referenceId": "rename",
                        "body": {"Name": "Rolled back"},
                    },
                    {"method": "GET", "url": url, "referenceId": "read"},
                    {
                        "method": "PATCH",
                        "url": f"{V}/sobjects/Account/001000000000000AAA",
                        "referenceId": "missing",
                        "body": {"Name": "x"},
                    },
                ],
            },
        )
        assert r.status_code == 200, r.text
        answers = {x["referenceId"]: x for x in r.json()["compositeResponse"]}
        assert answers["missing"]["httpStatusCode"] == 404, answers
        assert _get(c, url, auth).json()["Name"] == "Cached"
        assert c.patch(url, json={"Name": "Renamed"}, headers=auth).status_code == 204
        assert _get(c, url, auth).json()["Name"] == "Renamed"
        assert c.delete(url, headers=auth).status_code == 204
        gone = _get(c, url, auth)
        assert gone.status_code == 404 and gone.json()[0]["errorCode"] == "ENTITY_IS_DELETED"
        # an admin reset empties the tenant: the record is gone, not served from memory
        r = c.post(f"{V}/sobjects/Account/", json={"Name": "Before reset"}, headers=auth)
        url2 = f"{V}/sobjects/Account/{r.json()['id']}"
        assert _get(c, url2, auth).status_code == 200
    assert handle.admin.post("/tenants/default/reset").status_code in (200, 204)
    with handle.client() as c:
        r = _get(c, url2, auth)
        assert r.status_code in (401, 404), r.text
