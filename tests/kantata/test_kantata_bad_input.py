"""Bad input never yields a 500 or a traceback: every error is Kantata's {"errors": [...]} body."""

from __future__ import annotations

import httpx
import pytest

from harness.testing import SimHandle

COLLECTIONS = [
    "workspaces",
    "stories",
    "workspace_resources",
    "assignments",
    "roles",
    "time_entries",
    "expenses",
    "invoices",
    "rate_cards",
    "rate_card_sets",
    "rate_card_roles",
    "rate_card_versions",
    "rate_card_set_versions",
    "timesheet_submissions",
]
SINGULAR = {
    "stories": "story",
    "time_entries": "time_entry",
    "expenses": "expense",
    "rate_card_sets": "rate_card_set",
}


def _singular(collection: str) -> str:
    return SINGULAR.get(collection, collection[:-1])


def _assert_kantata_error(r: httpx.Response, *statuses: int) -> None:
    assert r.status_code in statuses, (r.status_code, r.text)
    body = r.json()
    assert isinstance(body["errors"], list) and body["errors"]
    for e in body["errors"]:
        assert e["type"] in ("system", "syntax", "validation", "oauth") and isinstance(
            e["message"], str
        )


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_malformed_and_wrong_shapes(api: httpx.Client, collection: str) -> None:
    one = _singular(collection)
    cases = [
        (b"{not json", {"content-type": "application/json"}, (400,)),
        (b"[1, 2]", {"content-type": "application/json"}, (400,)),
        (b"\xff\xfe", {"content-type": "application/json"}, (400,)),
        (b'{"other": {}}', {"content-type": "application/json"}, (400,)),
        (f'{{"{one}": "text"}}'.encode(), {"content-type": "application/json"}, (422,)),
        (f'{{"{one}": {{}}}}'.encode(), {"content-type": "application/json"}, (422,)),
        (f'{{"{one}": null}}'.encode(), {"content-type": "application/json"}, (422,)),
        (f'{{"{collection}": "x"}}'.encode(), {"content-type": "application/json"}, (400,)),
        (
            f'{{"{collection}": [1, "a", null]}}'.encode(),
            {"content-type": "application/json"},
            (422,),
        ),
    ]
    for body, headers, statuses in cases:
        _assert_kantata_error(
            api.post(f"/{collection}.json", content=body, headers=headers), *statuses
        )


WRONG = [None, True, -5, 0, 1.5, "", "abc", "2024-13-45", [], {}, [1], {"a": 1}, "9" * 40, 10**30]


@pytest.mark.parametrize(
    "collection",
    [
        "workspaces",
        "stories",
        "time_entries",
        "expenses",
        "invoices",
        "workspace_resources",
        "assignments",
        "timesheet_submissions",
    ],
)
def test_wrong_types_for_every_writable_field(
    api: httpx.Client, psa: SimHandle, collection: str
) -> None:
    res = psa.sim.dialect.catalog.get(collection)  # type: ignore[attr-defined]
    one = res.singular
    for field in res.create:
        for value in WRONG:
            r = api.post(f"/{collection}.json", json={one: {field: value}})
            assert r.status_code in (200, 400, 422), (field, value, r.text)
            assert "errors" in r.json() or r.status_code == 200


def test_wrong_types_on_update(firm: object) -> None:
    api = firm.api  # type: ignore[attr-defined]
    tid = firm.time().json()["results"][0]["id"]  # type: ignore[attr-defined]
    for field in (
        "time_in_minutes",
        "date_performed",
        "billable",
        "workspace_id",
        "story_id",
        "notes",
    ):
        for value in WRONG:
            r = api.put(f"/time_entries/{tid}.json", json={"time_entry": {field: value}})
            assert r.status_code in (200, 422), (field, value, r.text)
    _assert_kantata_error(
        api.put(
            f"/time_entries/{tid}.json", content=b"{", headers={"content-type": "application/json"}
        ),
        400,
    )
    _assert_kantata_error(api.put(f"/time_entries/{tid}.json", json={"nope": 1}), 400)


def test_unknown_fields_are_ignored(api: httpx.Client) -> None:
    r = api.post(
        "/roles.json", json={"role": {"name": "Dev", "hacker": True, "id": "5", "created_at": "x"}}
    )
    assert r.status_code == 200
    role = next(iter(r.json()["roles"].values()))
    assert ("hacker" not in role and role["id"] != "5") or role["id"] == "1"


def test_bad_ids_paths_and_methods(api: httpx.Client) -> None:
    for path in (
        "/workspaces/abc.json",
        "/workspaces/-1.json",
        "/workspaces/99999999999999999999.json",
        "/nothing.json",
        "/workspaces/1/2/3.json",
        "/time_entries/%00.json",
    ):
        _assert_kantata_error(api.get(path), 404)
    _assert_kantata_error(api.request("PATCH", "/workspaces.json"), 405)
    _assert_kantata_error(api.delete("/subscribed_events/1.json"), 404, 405)
    _assert_kantata_error(api.delete("/time_entries.json"), 400)
    _assert_kantata_error(api.delete("/time_entries.json", params={"ids": "a,b"}), 404)


@pytest.mark.parametrize(
    "params",
    [
        {"page": "x"},
        {"per_page": "many"},
        {"page": "-3"},
        {"per_page": "0"},
        {"order": "title"},
        {"order": "title:sideways"},
        {"only": "a,b,,"},
        {"include": "nope,,workspace.."},
        {"updated_after": "2024-99-99"},
        {"created_before": ""},
        {"date_performed_between": "x:y"},
        {"workspace_id": "'; DROP TABLE records; --"},
        {"optional_fields": "x"},
        {"subject_id": "a,b"},
    ],
)
def test_bad_query_parameters(api: httpx.Client, params: dict[str, str]) -> None:
    for collection in ("workspaces", "time_entries", "stories", "subscribed_events", "users"):
        r = api.get(f"/{collection}.json", params=params)
        assert r.status_code in (200, 400), (collection, params, r.text)
        if r.status_code == 400:
            _assert_kantata_error(r, 400)
        else:
            assert "meta" in r.json()


def test_oversized_body(psa: SimHandle) -> None:
    from harness.testing import start_simulator
    from simulators.engine import SimulatorSettings
    from simulators.kantata import KantataSettings, create_simulator

    small = start_simulator(
        create_simulator(KantataSettings(token="t"), SimulatorSettings(max_body_bytes=1024))
    )
    try:
        with httpx.Client(
            base_url=f"{small.base_url}/api/v1",
            headers={"Authorization": "Bearer t"},
            trust_env=False,
        ) as c:
            r = c.post("/roles.json", json={"role": {"name": "x" * 5000}})
            _assert_kantata_error(r, 413)
            assert c.get("/roles.json").status_code == 200
    finally:
        small.close()


def test_huge_bulk_and_deep_nesting(api: httpx.Client) -> None:
    _assert_kantata_error(
        api.post("/roles.json", json={"roles": [{"name": str(i)} for i in range(500)]}), 422
    )
    deep: object = "x"
    for _ in range(200):
        deep = {"a": deep}
    r = api.post("/roles.json", json={"role": {"name": deep}})
    _assert_kantata_error(r, 400, 422)
    r = api.post(
        "/roles.json", content=b"[" * 100_000, headers={"content-type": "application/json"}
    )
    _assert_kantata_error(r, 400)


def test_form_body_garbage(api: httpx.Client) -> None:
    for data in ({"role[name][]": "x"}, {"role": "x"}, {"role[[]": "x"}, {"[]": "x"}):
        r = api.post("/roles.json", data=data)
        assert r.status_code in (200, 400, 422), r.text
        assert r.status_code == 200 or "errors" in r.json()


def test_missing_auth_on_every_route(psa: SimHandle) -> None:
    with httpx.Client(base_url=psa.base_url, trust_env=False) as anon:
        for route in psa.sim.router.routes:
            if not route.auth:
                continue
            path = route.pattern.replace("{id}", "1")
            r = anon.request(route.methods[0], path)
            _assert_kantata_error(r, 401)


def test_oauth_endpoint_garbage(psa: SimHandle) -> None:
    with httpx.Client(base_url=psa.base_url, trust_env=False) as web:
        for kwargs in (
            {"content": b"\xff"},
            {"data": {"grant_type": "password"}},
            {"json": [1]},
            {"content": b"{", "headers": {"content-type": "application/json"}},
        ):
            r = web.post("/oauth/token", **kwargs)  # type: ignore[arg-type]
            assert r.status_code in (400, 401) and "error" in r.json()
        assert web.get("/oauth/authorize").status_code in (400, 401)
