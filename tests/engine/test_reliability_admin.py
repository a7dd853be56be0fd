"""Admin API hardening: names that reach the file system are validated, bad parameters are 400s."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.salesforce import create_simulator

TRAVERSAL = "..%252F..%252Ftenants%252Fdefault"


@pytest.fixture
def persistent(tmp_path: Path) -> SimHandle:
    handle = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    yield handle  # type: ignore[misc]
    handle.close()


def test_snapshot_name_cannot_reach_the_tenant_database(
    persistent: SimHandle, tmp_path: Path
) -> None:
    db = tmp_path / "tenants" / "default.sqlite3"
    assert (
        persistent.admin.post("/tenants/default/snapshots", json={"name": "base"}).status_code
        == 201
    )
    assert db.exists()
    r = persistent.admin.delete(f"/tenants/default/snapshots/{TRAVERSAL}")
    assert r.status_code == 400, r.text
    assert "invalid snapshot name" in r.json()["error"]["message"]
    r = persistent.admin.post(f"/tenants/default/snapshots/{TRAVERSAL}/restore")
    assert r.status_code == 400, r.text
    assert db.exists()
    assert "base" in persistent.admin.get("/tenants/default/snapshots").json()["snapshots"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", f"/tenants/{TRAVERSAL}"),
        ("POST", f"/tenants/{TRAVERSAL}/snapshots"),
        ("POST", "/tenants/..%252Fdefault/reset"),
        ("GET", "/tenants/%252E%252E/clock"),
    ],
)
def test_tenant_names_in_admin_paths_are_validated(
    persistent: SimHandle, method: str, path: str
) -> None:
    r = persistent.admin.request(method, path)
    assert r.status_code == 400, r.text
    assert "invalid tenant name" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/journal?status=abc",
        "/journal?since_seq=x",
        "/journal?limit=ten",
        "/journal?path=(unclosed",
        "/journal/export?path=[",
        "/journal/export?status=2e",
        "/tenants/default/events?after_seq=zz",
        "/tenants/default/records/Account?limit=999999999999999999999999",
    ],
)
def test_bad_admin_query_parameters_are_a_400(persistent: SimHandle, path: str) -> None:
    r = persistent.admin.get(path)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert err["code"] == "INVALID_INPUT"
    assert "Traceback" not in err["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/journal/settings", {"max_entries": "many"}),
        ("/journal/settings", {"max_body_bytes": [1]}),
        ("/tenants/default/tokens", {"ttl_seconds": "long"}),
        ("/wait-for", {"journal": {"path": "(", "status": "x"}, "timeout": 0}),
        ("/wait-for", {"record": {"type": "Account", "count": "two"}, "timeout": 0}),
        ("/wait-for", {"record": {"type": "Account", "match": "x"}, "timeout": 0}),
        ("/wait-for", {"record": {"type": "Account"}, "timeout": "nan"}),
        ("/tenants/default/tokens", {"ttl_seconds": "nan"}),
    ],
)
def test_bad_admin_body_values_are_a_400(persistent: SimHandle, path: str, body: object) -> None:
    send = persistent.admin.put if path.endswith("settings") else persistent.admin.post
    r = send(path, json=body)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "INVALID_INPUT"
