"""A create that runs without a transaction numbers as one that ran in it: a refused create
takes no id, and the next good one starts a new block of ids exactly as after a rollback; the
records a create reads (the subsidiary's currency) follow every change of them."""

from __future__ import annotations

import httpx

_BLOCK = 64  # ids the store reserves at once


def _create(api: httpx.Client, body: dict[str, object]) -> httpx.Response:
    return api.post("/record/v1/customer", json=body)


def _id(resp: httpx.Response) -> int:
    assert resp.status_code == 204, resp.text
    return int(resp.headers["location"].rsplit("/", 1)[-1])


_GOOD = {"companyName": "Ids", "subsidiary": {"id": "1"}}


def test_a_refused_create_takes_no_id_and_the_next_starts_a_new_block(api: httpx.Client) -> None:
    first = _id(_create(api, _GOOD))
    assert _id(_create(api, _GOOD)) == first + 1
    refused = _create(api, {"companyName": "No subsidiary"})
    assert refused.status_code == 400 and refused.json()["o:errorDetails"][0]["o:errorPath"]
    after = _id(_create(api, _GOOD))
    # the ids reserved ahead went with the refusal, as a rolled-back transaction drops them
    assert after > first + 1 and (after - first) % _BLOCK != 1
    assert _id(_create(api, _GOOD)) == after + 1
    # two refusals in a row: the second reserves a block and gives it back
    assert _create(api, {"companyName": "a"}).status_code == 400
    assert _create(api, {"companyName": "b"}).status_code == 400
    assert _id(_create(api, _GOOD)) == after + 2 + _BLOCK - 2
    # a refused reference and a refused external id behave alike
    bad_ref = _create(api, {"companyName": "x", "subsidiary": {"id": "999"}})
    assert bad_ref.status_code == 400
    again = _id(_create(api, {**_GOOD, "externalId": "IDS-1"}))
    assert _create(api, {**_GOOD, "externalId": "IDS-1"}).status_code == 400
    assert _id(_create(api, _GOOD)) > again + 1
    listed = api.get("/record/v1/customer", params={"q": 'companyName IS "Ids"', "limit": 1000})
    assert listed.json()["totalResults"] == 7


def test_numbering_across_a_block_runs_on_without_gaps(api: httpx.Client) -> None:
    ids = [_id(_create(api, _GOOD)) for _ in range(_BLOCK + 3)]
    assert ids == list(range(ids[0], ids[0] + _BLOCK + 3))


def test_a_create_reads_the_subsidiary_as_it_is_now(api: httpx.Client) -> None:
    sub = api.post("/record/v1/subsidiary", json={"name": "Sub Two", "currency": {"id": "1"}})
    sid = sub.headers["location"].rsplit("/", 1)[-1]
    body = {"companyName": "Follows", "subsidiary": {"id": sid}}
    first = _id(_create(api, body))
    assert api.get(f"/record/v1/customer/{first}").json()["currency"]["id"] == "1"
    assert (
        api.patch(f"/record/v1/subsidiary/{sid}", json={"currency": {"id": "2"}}).status_code == 204
    )
    second = _id(_create(api, body))
    assert api.get(f"/record/v1/customer/{second}").json()["currency"]["id"] == "2"
    assert api.get(f"/record/v1/customer/{first}").json()["subsidiary"]["refName"] == "Sub Two"
    assert api.delete(f"/record/v1/subsidiary/{sid}").status_code == 204
    gone = _create(api, body)
    assert gone.status_code == 400 and "subsidiary" in gone.text


def test_an_id_of_other_digits_is_an_invalid_id_not_an_error(api: httpx.Client) -> None:
    for raw in ("%C2%B2", "%D9%A3"):  # superscript two, Arabic-Indic three: digits, not ids
        r = api.get(f"/record/v1/customer/{raw}")
        assert r.status_code == 400, r.text
        assert r.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_ID"
    ref = _create(api, {"companyName": "x", "subsidiary": {"id": "\u00b9"}})
    assert ref.status_code == 400 and "subsidiary" in ref.text
