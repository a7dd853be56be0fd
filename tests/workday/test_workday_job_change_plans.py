"""The same job change body sent for many workers: checked once, then applied to each, and
checked again as soon as a record it names changes; what is stored is what a parse and a
fresh serialisation of the event give."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import orjson

from harness.testing import SimHandle, start_simulator
from simulators.engine import SimulatorSettings
from simulators.workday import create_simulator

from .._clients import hcm_token
from .conftest import LoadFn


def _body(org: str, reason: str) -> dict[str, Any]:
    return {
        "jobChangeReason": {"id": reason},
        "supervisoryOrganization": {"id": org},
        "businessTitle": 'Lead "Consultant" \u00e9',
    }


def _stored_events(wd: SimHandle) -> list[tuple[str, str]]:
    store = wd.sim.tenants.get("default").store
    rows = store.conn.execute(
        "SELECT id, data FROM records WHERE type = 'BusinessProcessEvent'"
        " AND data LIKE '%Job Change%' ORDER BY rowid"
    ).fetchall()
    return [(str(k), str(v)) for k, v in rows]


def test_a_body_sent_for_many_workers_stores_and_answers_as_the_first(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    org = firm["supervisoryOrganizations"][2]
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    workers = firm["workers"][3:8]
    answers = []
    for wid in workers:
        r = api.post(f"workers/{wid}/jobChanges", json=_body(org, reason))
        assert r.status_code == 201, r.text
        answers.append(r.json())
    first = answers[0]
    for a, wid in zip(answers, workers, strict=True):
        assert a["supervisoryOrganization"] == first["supervisoryOrganization"]
        assert a["jobChangeReason"] == first["jobChangeReason"]
        assert a["moveManagersTeam"] is False
        assert a["descriptor"].startswith("Job Change: ")
        assert api.get(f"workers/{wid}/history").json()["data"][0]["id"] == a["id"]
    stored = _stored_events(wd)
    assert len(stored) == len(workers)
    for (key, raw), wid, a in zip(stored, workers, answers, strict=True):
        event = orjson.loads(raw)
        # the stored text is exactly what serialising the parsed event gives, keys in order
        assert orjson.dumps(event).decode() == raw
        assert list(event) == [
            "seq",
            "effective",
            "type",
            "eventId",
            "completedOn",
            "changes",
            "reason",
            "worker",
        ]
        assert event["worker"] == wid and event["eventId"] == a["id"]
        assert event["changes"] == {
            "supervisoryOrganizationId": org,
            "businessTitle": 'Lead "Consultant" \u00e9',
        }
        assert key == f"{wid}|J|{event['effective']}|{event['seq']:012d}"


def test_a_planned_body_is_checked_again_when_a_record_it_names_changes(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    org = firm["supervisoryOrganizations"][1]
    reason = api.get("jobChangeReasons").json()["data"][1]["id"]
    body = _body(org, reason)
    w1, w2 = firm["workers"][3], firm["workers"][4]
    assert api.post(f"workers/{w1}/jobChanges", json=body).status_code == 201
    closed = {"id": org, "name": "Consulting US", "code": "SO-US", "inactive": True}
    r = wd.admin.post(
        "/tenants/default/records/supervisoryOrganizations", json={"records": [closed]}
    )
    assert r.status_code in (200, 201), r.text
    r = api.post(f"workers/{w2}/jobChanges", json=body)
    assert r.status_code == 400
    assert r.json()["errors"][0]["error"] == "Supervisory Organization must be active."
    renamed = {"id": org, "name": "Consulting Americas", "code": "SO-US"}
    r = wd.admin.post(
        "/tenants/default/records/supervisoryOrganizations", json={"records": [renamed]}
    )
    assert r.status_code in (200, 201), r.text
    for wid in (w2, w1):
        r = api.post(f"workers/{wid}/jobChanges", json=body)
        assert r.status_code == 201, r.text
        assert r.json()["supervisoryOrganization"]["descriptor"] == "Consulting Americas"


def test_a_planned_reason_still_checks_each_worker(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    r = wd.admin.post(
        "/tenants/default/records/jobChangeReasons",
        json={"records": [{"name": "Employees only", "isForContingentWorker": False}]},
    )
    assert r.status_code in (200, 201), r.text
    reason = r.json()["ids"][0]
    contingent = {
        "employeeId": "9100",
        "firstName": "Casey",
        "lastName": "Contractor",
        "workerType": "Contingent Worker",
        "hireDate": "2022-02-02",
        "supervisoryOrganization": "SO-US",
    }
    r = wd.admin.post("/tenants/default/records/workers", json={"records": [contingent]})
    assert r.status_code in (200, 201), r.text
    cw = r.json()["ids"][0]
    body = _body(firm["supervisoryOrganizations"][1], reason)
    for wid in firm["workers"][3:5]:
        assert api.post(f"workers/{wid}/jobChanges", json=body).status_code == 201
    for _ in range(2):
        r = api.post(f"workers/{cw}/jobChanges", json=body)
        assert r.status_code == 400
        assert r.json()["errors"][0]["field"] == "jobChangeReason"
    before = dict(body, effective="2000-01-01")
    for _ in range(2):
        r = api.post(f"workers/{firm['workers'][3]}/jobChanges", json=before)
        assert r.status_code == 400
        assert r.json()["errors"][0]["field"] == "effective"


def test_a_tenant_persisted_with_code_indexes_opens_without_them_and_finds_codes(
    tmp_path: Path, load_firm: LoadFn
) -> None:
    """Earlier versions kept a partial index per reference type and code (every insert paid
    their conditions); a tenant reopened drops them and still finds records by code."""
    first = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        ids = load_firm(first)
        store = first.sim.tenants.get("default").store
        for t in ("SupervisoryOrganization", "JobProfile", "CostCenter", "Location"):
            store.ensure_index("code", t)
        store.ensure_index("name", "SupervisoryOrganization")
    finally:
        first.close()
    conn = sqlite3.connect(tmp_path / "tenants" / "default.sqlite3")
    before = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    conn.close()
    assert "ix_supervisoryorganization__code" in before

    again = start_simulator(create_simulator(None, SimulatorSettings(data_dir=tmp_path)))
    try:
        store = again.sim.tenants.get("default").store
        names = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        dropped = before - names
        assert dropped == {
            "ix_supervisoryorganization__code",
            "ix_supervisoryorganization__name",
            "ix_jobprofile__code",
            "ix_costcenter__code",
            "ix_location__code",
        }
        assert "ix_worker__employeeid" in names
        creds = again.admin.get("/tenants/default").json()["credentials"]
        with again.client() as c:
            token = hcm_token(c, creds)
        with httpx.Client(
            base_url=creds["common_base_url"] + "/",
            headers={"authorization": f"Bearer {token}"},
            trust_env=False,
            timeout=30.0,
        ) as api:
            reason = api.get("jobChangeReasons").json()["data"][0]["id"]
            r = api.post(
                f"workers/{ids['workers'][3]}/jobChanges",
                json={
                    "jobChangeReason": {"id": reason},
                    "supervisoryOrganization": {"id": "Organization_Reference_ID=SO-UK"},
                    "jobProfile": {"id": "JP-SCONS"},
                    "location": {"id": "LON"},
                    "proposedOrganizations": [{"id": "CC200"}],
                },
            )
            assert r.status_code == 201, r.text
            out = r.json()
            assert out["supervisoryOrganization"]["id"] == ids["supervisoryOrganizations"][2]
            assert out["proposedOrganizations"][0]["id"] == ids["costCenters"][1]
            worker = api.get(f"workers/{ids['workers'][3]}").json()
            assert worker["primaryJob"]["location"]["id"] == ids["locations"][1]
            r = api.post(
                f"workers/{ids['workers'][3]}/jobChanges",
                json={
                    "jobChangeReason": {"id": reason},
                    "supervisoryOrganization": {"id": "SO-NONE"},
                },
            )
            assert r.status_code == 400
        names = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
        assert not any("__code" in n or "__name" in n for n in names)
    finally:
        again.close()


def test_a_name_search_finds_what_the_names_hold_whatever_their_spelling(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    """The search skips parsing records whose JSON cannot hold a term; names with quotes,
    backslashes, non-ASCII letters and case folds that change length are all still found."""
    names = [
        ("Zo\u00eb", 'O"Brien'),
        ("\u212aelvin", "Back\\slash"),
        ("\u039f\u0394\u039f\u03a3", "\u0130stanbul"),
        ("Plain", "Ascii"),
    ]
    people = [
        {"employeeId": f"95{i}", "firstName": f, "lastName": last, "hireDate": "2020-01-01"}
        for i, (f, last) in enumerate(names)
    ]
    r = wd.admin.post("/tenants/default/records/workers", json={"records": people})
    assert r.status_code in (200, 201), r.text
    everyone = api.get("workers", params={"limit": 100}).json()["data"]
    for term in [
        "zo\u00eb",
        'o"b',
        "kelvin",
        "k",
        "back\\",
        "\u03bf\u03b4\u03bf\u03c2",
        "i",
        "ascii",
        "zz",
    ]:
        expected = [w["id"] for w in everyone if term in w["descriptor"].lower()]
        found = api.get("workers", params={"search": term, "limit": 100}).json()
        assert [w["id"] for w in found["data"]] == expected, term
        assert found["total"] == len(expected)
    many = ["q" * (i + 2) for i in range(20)]
    for terms in (["plain", "\u212aelvin"], ["zz", 'o"b', "\u0130"], [*many, "ascii"]):
        query = " ".join(terms)
        lowered = query.lower().split()  # as the simulator reads the query
        expected = [w["id"] for w in everyone if any(t in w["descriptor"].lower() for t in lowered)]
        found = api.get("workers", params={"search": query, "limit": 100}).json()
        assert [w["id"] for w in found["data"]] == expected, terms


def test_a_large_body_is_applied_but_not_remembered(
    wd: SimHandle, api: httpx.Client, firm: dict[str, list[str]]
) -> None:
    reason = api.get("jobChangeReasons").json()["data"][0]["id"]
    small = _body(firm["supervisoryOrganizations"][1], reason)
    large = dict(small, descriptor="x" * 8000)  # an ignored field, however long
    for body in (small, large, large):
        r = api.post(f"workers/{firm['workers'][3]}/jobChanges", json=body)
        assert r.status_code == 201, r.text
    plans = wd.sim.tenants.get("default").state.job_change_plans
    assert len(plans) == 1
    assert all(len(raw) < 1000 for raw in plans)
