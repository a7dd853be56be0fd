"""Fixtures for the HCM simulator: one server per session, reset per test, a loaded firm."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle, start_simulator

from .._clients import hcm_token


@pytest.fixture(scope="session")
def wd_server() -> Iterator[SimHandle]:
    from simulators.workday import create_simulator

    handle = start_simulator(create_simulator())
    yield handle
    handle.close()


@pytest.fixture
def wd(wd_server: SimHandle) -> Iterator[SimHandle]:
    """The HCM simulator, reset after the test."""
    yield wd_server
    wd_server.reset()


@pytest.fixture
def creds(wd: SimHandle) -> dict[str, Any]:
    r = wd.admin.get("/tenants/default")
    assert r.status_code == 200
    return r.json()["credentials"]  # type: ignore[no-any-return]


TokenFn = Callable[[httpx.Client, dict[str, Any]], str]
LoadFn = Callable[..., dict[str, list[str]]]


@pytest.fixture(scope="session")
def get_token() -> TokenFn:
    """get_token(client, creds): a fresh access token through the refresh-token grant."""
    return hcm_token


@pytest.fixture
def api(wd: SimHandle, creds: dict[str, Any]) -> Iterator[httpx.Client]:
    """A client with a bearer token for the default tenant; paths relative to the Common v1 base."""
    with wd.client() as c:
        token = hcm_token(c, creds)
    with httpx.Client(
        base_url=creds["common_base_url"] + "/",
        headers={"authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=30.0,
    ) as client:
        yield client


FIRM: dict[str, list[dict[str, Any]]] = {
    "locations": [
        {
            "name": "New York Office",
            "code": "NYC",
            "country": "US",
            "countryName": "United States of America",
        },
        {"name": "London Office", "code": "LON", "country": "GB", "countryName": "United Kingdom"},
    ],
    "jobProfiles": [
        {
            "name": "Consultant",
            "code": "JP-CONS",
            "jobFamily": "Consulting",
            "managementLevel": "Individual Contributor",
        },
        {"name": "Senior Consultant", "code": "JP-SCONS", "jobFamily": "Consulting"},
        {
            "name": "Practice Director",
            "code": "JP-DIR",
            "jobFamily": "Consulting",
            "managementLevel": "Director",
        },
        {"name": "Retired Profile", "code": "JP-OLD", "inactive": True},
    ],
    "costCenters": [
        {"name": "CC100 Consulting US", "code": "CC100"},
        {"name": "CC200 Consulting UK", "code": "CC200"},
    ],
    "supervisoryOrganizations": [
        {"name": "Professional Services", "code": "SO-PS", "manager": "1000"},
        {"name": "Consulting US", "code": "SO-US", "manager": "1001", "superior": "SO-PS"},
        {"name": "Consulting UK", "code": "SO-UK", "manager": "1002", "superior": "SO-PS"},
        {"name": "Closed Team", "code": "SO-OLD", "inactive": True, "superior": "SO-PS"},
    ],
    "workers": [
        {
            "employeeId": "1000",
            "firstName": "Grace",
            "lastName": "Hopper",
            "email": "grace.hopper@firm.example",
            "businessTitle": "Head of Services",
            "jobProfile": "JP-DIR",
            "supervisoryOrganization": "SO-PS",
            "location": "NYC",
            "costCenter": "CC100",
            "costRate": 150,
            "currency": "USD",
            "fte": 1.0,
            "skills": ["Leadership"],
            "hireDate": "2015-01-05",
        },
        {
            "employeeId": "1001",
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada.lovelace@firm.example",
            "phone": "+1 212 555 0101",
            "businessTitle": "Director US",
            "jobProfile": "JP-DIR",
            "supervisoryOrganization": "SO-US",
            "location": "NYC",
            "costCenter": "CC100",
            "costRate": 120,
            "currency": "USD",
            "fte": 1.0,
            "skills": ["Salesforce", "Workday"],
            "hireDate": "2018-03-01",
        },
        {
            "employeeId": "1002",
            "firstName": "Alan",
            "lastName": "Turing",
            "email": "alan.turing@firm.example",
            "businessTitle": "Director UK",
            "jobProfile": "JP-DIR",
            "supervisoryOrganization": "SO-UK",
            "location": "LON",
            "costCenter": "CC200",
            "costRate": 110,
            "currency": "GBP",
            "fte": 1.0,
            "hireDate": "2019-06-03",
        },
    ]
    + [
        {
            "employeeId": str(2000 + i),
            "firstName": f"Consultant{i:02d}",
            "lastName": "Smith" if i % 2 else "Jones",
            "email": f"c{i}@firm.example",
            "jobProfile": "JP-CONS",
            "supervisoryOrganization": "SO-US" if i < 20 else "SO-UK",
            "location": "NYC" if i < 20 else "LON",
            "costCenter": "CC100" if i < 20 else "CC200",
            "costRate": 80 + i,
            "currency": "USD" if i < 20 else "GBP",
            "fte": 0.8 if i == 3 else 1.0,
            "scheduledWeeklyHours": 40,
            "skills": ["Java", "Python"],
            "hireDate": "2021-01-04",
        }
        for i in range(25)
    ]
    + [
        {
            "employeeId": "3000",
            "firstName": "Former",
            "lastName": "Employee",
            "jobProfile": "JP-CONS",
            "supervisoryOrganization": "SO-US",
            "hireDate": "2019-01-07",
            "terminationDate": "2020-12-31",
        },
    ],
}


def _load_firm(handle: SimHandle, tenant: str = "default") -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for type_, records in FIRM.items():
        r = handle.admin.post(f"/tenants/{tenant}/records/{type_}", json={"records": records})
        assert r.status_code in (200, 201), r.text
        ids[type_] = r.json()["ids"]
    return ids


@pytest.fixture
def firm(wd: SimHandle) -> dict[str, list[str]]:
    """The small firm above, loaded into the default tenant: 29 workers (28 active)."""
    return _load_firm(wd)


@pytest.fixture(scope="session")
def load_firm() -> LoadFn:
    """load_firm(handle, tenant="default"): bulk load the small firm into a tenant."""
    return _load_firm


class NotificationListener:
    """A receiver on 127.0.0.1 for Workday's outbound notifications: each POST's headers
    (lower-cased) and raw body, kept in order."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with outer.cond:
                    outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    outer.cond.notify_all()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/workday/notifications"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, timeout: float = 10.0) -> list[tuple[dict[str, str], bytes]]:
        """The first ``n`` notifications (headers, body), waiting up to ``timeout`` seconds."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.received) >= n, timeout), self.received
            return list(self.received)

    def wait_json(self, n: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """The first ``n`` notification bodies, parsed as JSON."""
        return [json.loads(body) for _, body in self.wait(n, timeout)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def subscribed_listener(wd: SimHandle) -> Iterator[NotificationListener]:
    """A listener subscribed to the default tenant's Worker notifications."""
    lst = NotificationListener()
    r = wd.admin.post(
        "/subscriptions", json={"url": lst.url, "tenant": "default", "types": ["Worker"]}
    )
    assert r.status_code in (200, 201), r.text
    try:
        yield lst
    finally:
        lst.close()
