"""The engine on its own: router, faults, journal, limits, events and admin, driven through
the minimal probe dialect (tests/engine/_probe.py) instead of a vendor's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import (
    OPTIONAL_SLASH,
    Clock,
    ConfigError,
    FaultRules,
    HttpError,
    Journal,
    JournalEntry,
    JournalFilter,
    Request,
    Response,
    Router,
    Simulator,
    SimulatorSettings,
    TokenBucket,
)

from ._probe import ProbeDialect

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _ok(req: Request) -> Response:
    return Response.json({})


def _other(req: Request) -> Response:
    return Response.json({"other": True})


# -- units, no server --------------------------------------------------------------------


def test_router_suffixes_serve_every_form_under_one_name() -> None:
    r = Router()
    r.add("GET", "/things", _ok, name="things", suffixes=OPTIONAL_SLASH)
    r.add("GET", "/things/{id}", _other, name="thing", suffixes=(".json", ""))
    for path, name, params in (
        ("/things", "things", {}),
        ("/things/", "things", {}),
        ("/things/7.json", "thing", {"id": "7"}),
        ("/things/7", "thing", {"id": "7"}),
    ):
        route, got, _ = r.match("GET", path)
        assert route is not None and route.name == name, path
        assert got == params, path
    assert r.match("GET", "/things//")[0] is None


def test_router_tells_405_from_404_and_serves_head_as_get() -> None:
    r = Router()
    r.add("GET", "/a/{rest:path}", _ok, name="a")
    assert r.match("HEAD", "/a/b/c")[0] is not None
    assert r.match("GET", "/a/b/c")[1] == {"rest": "b/c"}
    route, _, other_method = r.match("DELETE", "/a/b")
    assert route is None and other_method is True
    route, _, other_method = r.match("GET", "/nowhere")
    assert route is None and other_method is False


def test_router_first_registration_wins() -> None:
    r = Router()
    r.add("GET", "/x/special", _other, name="special")
    r.add("GET", "/x/{id}", _ok, name="generic")
    assert r.match("GET", "/x/special")[0].name == "special"  # type: ignore[union-attr]
    assert r.match("GET", "/x/1")[0].name == "generic"  # type: ignore[union-attr]


def test_router_refuses_a_parameter_named_twice() -> None:
    with pytest.raises(ValueError, match="'id' twice"):
        Router().add("GET", "/a/{id}/b/{id}", _ok)


def test_http_error_repr_shows_status_and_code() -> None:
    err = HttpError(404, "NOT_FOUND", "no such thing")
    assert repr(err) == "HttpError(status=404, code='NOT_FOUND', message='no such thing')"
    assert str(err) == "no such thing"  # what vendors' error bodies carry stays the message


def test_fault_rules_fire_after_calls_and_times_and_refuse_unknown_keys() -> None:
    rules = FaultRules()
    rules.add({"path": "^/items", "after_calls": 1, "times": 2, "fault": {"kind": "error"}})
    fired = [rules.match("default", "GET", "/items", NOW) is not None for _ in range(5)]
    assert fired == [False, True, True, False, False]
    assert rules.match("default", "GET", "/other", NOW) is None
    with pytest.raises(ConfigError, match="unknown fault rule keys"):
        rules.add({"paht": "^/items", "fault": {"kind": "error"}})


def test_fault_percentage_is_seeded_and_repeatable() -> None:
    def run() -> list[bool]:
        rules = FaultRules()
        rules.add({"percentage": 50, "seed": 7, "fault": {"kind": "error"}})
        return [rules.match("t", "GET", "/p", NOW) is not None for _ in range(40)]

    first = run()
    assert first == run()
    assert 0 < sum(first) < 40


def _entry(journal: Journal, path: str, status: int) -> JournalEntry:
    return JournalEntry(
        seq=journal.next_seq(),
        at=0.0,
        tenant="default",
        method="GET",
        path=path,
        query="",
        route=path,
        status=status,
        duration_ms=1.0,
        correlation_id="c",
        request_headers={},
        request_body="",
        response_body="",
    )


def test_journal_is_a_bounded_ring_with_filters() -> None:
    journal = Journal(3, 1024, True)
    for i in range(5):
        journal.record(_entry(journal, f"/items/{i}", 200 if i % 2 else 404))
    assert len(journal) == 3
    kept = [e.path for e in journal.query(JournalFilter(), 10)]
    assert kept == ["/items/2", "/items/3", "/items/4"]
    assert [e.path for e in journal.query(JournalFilter(status=404), 10)] == [
        "/items/2",
        "/items/4",
    ]


def test_token_bucket_refuses_past_its_burst_until_time_passes() -> None:
    clock = Clock()
    clock.freeze(NOW)
    bucket = TokenBucket(1.0, 2.0)
    assert [bucket.try_take(clock) for _ in range(3)] == [True, True, False]
    assert bucket.retry_after() == pytest.approx(1.0)
    clock.advance(1.0)
    assert bucket.try_take(clock) is True


# -- over HTTP, through the probe dialect -------------------------------------------------


@pytest.fixture(scope="module")
def probe_server() -> Iterator[SimHandle]:
    handle = start_simulator(Simulator(ProbeDialect(rate=1.0, burst=50.0), SimulatorSettings()))
    yield handle
    handle.close()


@pytest.fixture
def probe(probe_server: SimHandle) -> Iterator[SimHandle]:
    yield probe_server
    probe_server.reset()


def _api(probe: SimHandle, tenant: str = "default") -> httpx.Client:
    r = probe.admin.post(f"/tenants/{tenant}/tokens", json={"subject": "tester"})
    assert r.status_code == 201, r.text
    return probe.client(headers={"Authorization": f"Bearer {r.json()['token']}"})


def test_probe_routes_auth_404_and_405_in_the_dialect_format(probe: SimHandle) -> None:
    api = _api(probe)
    assert api.get("/items").status_code == 200
    assert api.get("/items/").status_code == 200
    assert api.get("/files/a/b.txt").json() == {"rest": "a/b.txt"}
    nope = api.get("/nowhere")
    assert nope.status_code == 404 and nope.json()["error"] == "NOT_FOUND"
    wrong = api.delete("/items")
    assert wrong.status_code == 405 and wrong.json()["error"] == "METHOD_NOT_ALLOWED"
    anon = probe.client().get("/items")
    assert anon.status_code == 401 and anon.json()["error"] == "UNAUTHORIZED"
    assert probe.client().get("/open").status_code == 200


def test_probe_writes_make_events_and_journal_entries(probe: SimHandle) -> None:
    api = _api(probe)
    made = api.post("/items", json={"name": "first"})
    assert made.status_code == 201, made.text
    item_id = made.json()["id"]
    assert api.get(f"/items/{item_id}.json").json()["name"] == "first"
    bad = api.post("/items", json={"nom": "x"})
    assert bad.status_code == 400 and bad.json()["error"] == "INVALID_INPUT"
    events = probe.admin.get("/tenants/default/events").json()["events"]
    assert [(e["op"], e["record_id"], e["payload"]["name"]) for e in events] == [
        ("create", item_id, "first")
    ]
    journal = probe.admin.get("/journal", params={"route": "items.create"}).json()["entries"]
    assert [e["status"] for e in journal] == [201, 400]


def test_probe_error_fault_is_rendered_by_the_dialect_and_journaled(probe: SimHandle) -> None:
    api = _api(probe)
    rule = {"path": "^/items$", "method": "GET", "times": 1}
    rule["fault"] = {"kind": "error", "status": 503, "code": "MAINTENANCE", "message": "later"}
    assert probe.admin.post("/faults", json=rule).status_code in (200, 201)
    hit = api.get("/items")
    assert hit.status_code == 503
    assert hit.json() == {"error": "MAINTENANCE", "message": "later"}
    assert api.get("/items").status_code == 200  # fired once
    faulted = probe.admin.get("/journal", params={"status": 503}).json()["entries"]
    assert len(faulted) == 1 and faulted[0]["fault"]


def test_probe_limits_answer_429_with_retry_after(probe: SimHandle) -> None:
    api = _api(probe)
    assert probe.admin.post("/tenants/default/clock", json={"freeze": True}).status_code == 200
    statuses = [api.get("/items").status_code for _ in range(51)]
    assert statuses == [200] * 50 + [429]  # the burst, then refused: the clock stands still
    refused = api.get("/items")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert (
        probe.admin.post("/tenants/default/clock", json={"advance_seconds": 2}).status_code == 200
    )
    assert api.get("/items").status_code == 200


def test_probe_admin_tenants_are_isolated_and_reset(probe: SimHandle) -> None:
    assert probe.admin.post("/tenants", json={"name": "other"}).status_code in (200, 201)
    mine, theirs = _api(probe), _api(probe, "other")
    mine.post("/items", json={"name": "mine"})
    assert theirs.get("/items").json() == {"items": []}
    assert len(mine.get("/items").json()["items"]) == 1
    assert probe.admin.post("/tenants/default/reset").status_code == 200
    assert _api(probe).get("/items").json() == {"items": []}


def test_unexpected_handler_errors_fail_the_test_not_only_the_client(probe: SimHandle) -> None:
    api = _api(probe)
    answer = api.get("/boom")
    assert answer.status_code == 500 and answer.json()["error"] == "UNKNOWN_EXCEPTION"
    with pytest.raises(AssertionError, match="unexpected handler error") as raised:
        probe.check()
    assert isinstance(raised.value.__cause__, RuntimeError)
    probe.check()  # reported once: the next check is clean
