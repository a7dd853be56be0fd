"""The create path: one serialisation of a new entity for the store and the answer, the
number check before the other checks, entity set paths resolved once per tenant (its state, rebuilt on reset), and
timestamps as Business Central writes them."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from harness.testing import SimHandle
from simulators.businesscentral._wire import GuidPool, bc_datetime

CUSTOMER = {"displayName": "Coho Winery", "email": "robert@coho.example", "city": "Boston"}


def test_create_answer_is_the_stored_entity(api: httpx.Client, bc: SimHandle) -> None:
    r = api.post("/customers", json=CUSTOMER)
    assert r.status_code == 201
    made = r.json()
    # the entity read back (answered from the stored row, not from the create) is the same
    got = api.get(f"/customers({made['id']})")
    assert got.json() == made and list(got.json()) == list(made)
    assert got.headers["etag"] == r.headers["etag"] == made["@odata.etag"]
    stored = bc.sim.tenants.get("default").store.get("customer", made["id"])
    assert stored is not None
    assert {k: v for k, v in stored.items() if not k.startswith("_")} == {
        k: v for k, v in made.items() if not k.startswith("@")
    }
    assert stored["_v"] == 1 and isinstance(stored["_seq"], int)
    ts = made["lastModifiedDateTime"]
    assert len(ts) == 24 and ts[10] == "T" and ts.endswith("Z") and ts[19] == "."


def test_taken_number_is_refused_before_missing_properties(api: httpx.Client) -> None:
    first = api.post("/customers", json={**CUSTOMER, "number": "K100"})
    assert first.status_code == 201
    # the number is checked before what the body lacks or names wrongly
    for body in (
        {"number": "K100"},
        {**CUSTOMER, "number": "K100", "currencyId": "11111111-1111-1111-1111-111111111111"},
    ):
        r = api.post("/customers", json=body)
        assert r.status_code == 400, r.text
        err = r.json()["error"]
        assert err["code"] == "Internal_EntityWithSameKeyExists"
        assert "No.='K100'" in err["message"]
    missing = api.post("/customers", json={"number": "K101"})
    assert missing.status_code == 400 and "displayName" in missing.json()["error"]["message"]


def test_entity_set_paths_follow_the_company_spelling(
    api: httpx.Client, creds: dict[str, Any]
) -> None:
    company = creds["company_id"]
    upper = f"{creds['api_url']}/companies({company.upper()})/customers"
    for _ in range(2):  # resolved, then remembered
        r = api.post(upper, json=CUSTOMER)
        assert r.status_code == 201
        assert f"#companies({company})/customers/$entity" in r.json()["@odata.context"]
        assert r.headers["location"].startswith(upper + "(")
    other = f"{creds['api_url']}/companies(33333333-3333-3333-3333-333333333333)/customers"
    for _ in range(2):
        assert api.post(other, json=CUSTOMER).status_code == 404


def test_bc_datetime_matches_datetime_rounding() -> None:
    def reference(ts: float) -> str:
        return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"

    rng = random.Random(17)
    edges = [0.0, 1e-7, 0.0005, 0.9995, 0.9999995, 0.9999994999, 0.0000015, 0.5]
    values = [rng.uniform(0, 4e9) for _ in range(2000)]
    values += [float(rng.randrange(0, 4 * 10**9)) + e for e in edges for _ in range(100)]
    for ts in values:
        assert bc_datetime(ts) == reference(ts), f"seed 17, ts={ts!r}"


def test_series_numbers_never_repeat_a_number_a_client_gave(api: httpx.Client) -> None:
    def auto() -> httpx.Response:
        return api.post("/customers", json=CUSTOMER)

    first = auto().json()["number"]  # looked up; the series above it is known free
    step = int(first[1:])
    ahead = [f"C{step * k:05d}" for k in range(2, 6)]  # the series' next numbers
    assert auto().json()["number"] == ahead[0]
    # a PATCH and a create give records the series' coming numbers
    made = auto().json()
    assert made["number"] == ahead[1]
    patched = api.patch(
        f"/customers({made['id']})", json={"number": ahead[2]}, headers={"If-Match": "*"}
    )
    assert patched.status_code == 200 and patched.json()["number"] == ahead[2]
    taken = auto()
    assert taken.status_code == 400, taken.text
    assert f"No.='{ahead[2]}'" in taken.json()["error"]["message"]
    assert api.post("/customers", json={**CUSTOMER, "number": ahead[3]}).status_code == 201
    again = auto()
    assert again.status_code == 400 and f"No.='{ahead[3]}'" in again.json()["error"]["message"]
    assert auto().json()["number"] == f"C{step * 6:05d}"
    # the number freed by the PATCH is taken by no one
    assert api.get(f"/customers?$filter=number eq '{ahead[1]}'").json()["value"] == []


def test_reads_by_id_in_any_spelling_after_the_first(api: httpx.Client) -> None:
    made = api.post("/customers", json=CUSTOMER).json()
    rid = made["id"]
    for _ in range(2):  # answered, then kept
        assert api.get(f"/customers({rid})").json() == made
    assert api.get(f"/customers({rid.upper()})").json() == made
    # an unclosed key, a key with a character after it, or a path beyond the entity are not
    # the kept entity
    assert api.get(f"/customers({rid}").status_code == 404
    assert api.get(f"/customers({rid}x)").status_code == 404
    assert api.get(f"/customers({rid})/nope").status_code == 404
    assert api.get(f"/customers({rid[:-1]}").status_code == 404


def test_new_ids_are_random_version_4_guids() -> None:
    pool = GuidPool()
    made = [pool.take() for _ in range(600)]  # more than one batch
    assert len(set(made)) == len(made)
    for g in made:
        u = uuid.UUID(g)
        assert str(u) == g and u.version == 4 and u.variant == uuid.RFC_4122
    # every digit's random bits are used: the variant digit takes all four of its values
    assert {g[19] for g in made} == set("89ab")
    assert {g[14] for g in made} == {"4"}
    assert len({g[0] for g in made}) == 16 and len({g[-1] for g in made}) == 16


def test_series_past_five_digits_is_looked_up_once_and_repeats_no_clients_number(
    api: httpx.Client, bc: SimHandle, creds: dict[str, Any]
) -> None:
    store = bc.sim.tenants.get("default").store
    store.bump_sequence(f"bc:no:{creds['company_id']}:C", 9998)
    selects: list[str] = []

    def auto() -> httpx.Response:
        selects.clear()
        store.conn.set_trace_callback(
            lambda sql: selects.append(sql) if sql.startswith("SELECT") else None
        )
        try:
            return api.post("/customers", json=CUSTOMER)
        finally:
            store.conn.set_trace_callback(None)

    # a client's five-digit number sorts among the six-digit ones ("C20000" > "C100000")
    assert api.post("/customers", json={**CUSTOMER, "number": "C20000"}).status_code == 201
    assert auto().json()["number"] == "C99990"
    assert auto().json()["number"] == "C100000" and selects  # a new length: looked up
    assert auto().json()["number"] == "C100010" and not selects  # known free
    # a client's number of another length, or below the last one looked up, changes nothing
    for number in ("C10002", "C099995"):
        assert api.post("/customers", json={**CUSTOMER, "number": number}).status_code == 201
    assert auto().json()["number"] == "C100020" and not selects
    # one the series would give next is never repeated
    assert api.post("/customers", json={**CUSTOMER, "number": "C100040"}).status_code == 201
    assert auto().json()["number"] == "C100030" and selects
    taken = auto()
    assert taken.status_code == 400 and "No.='C100040'" in taken.json()["error"]["message"]
    assert auto().json()["number"] == "C100050"
    assert auto().json()["number"] == "C100060" and not selects
