"""A bounded, seeded fuzz of every simulator: no input makes a server error.

Operations come from each simulator's own description of itself: the ERP's OpenAPI
document (its REST metadata catalog) and the route tables of the others, plus the admin
API's read and snapshot routes. Hypothesis draws path values, query parameters and JSON
bodies (known field names with odd values, or arbitrary JSON) with a fixed seed
(``derandomize``), so a failure repeats; it prints the request that failed. The only
5xx allowed is the one the vendor itself sends: Salesforce's SOAP login fault.

Reproduce: ``python -m pytest tests/engine/test_reliability_fuzz.py -p no:cacheprovider``
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.testing import SimHandle, start_simulator

EXAMPLES = 200  # per simulator: about 15-20 s for all four

ODD_TEXT = [
    "",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999",
    "-99999999999999999999",
    "1e999",
    "NaN",
    "null",
    "true",
    "'",
    '"',
    "%",
    "%00",
    "../../etc/passwd",
    "..%2F..%2Ftenants%2Fdefault",
    "(",
    "[",
    "*",
    "\\",
    "x" * 300,
    "\U0001f600",
    "\u202eevil",
    "1,2,3",
    "2024-13-45",
    "2024-01-31T09:00:00Z",
    "T",
    "eid:",
    "eid:X",
    "' OR 1=1 --",
    "a:desc",
]
ODD = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=12),
)
JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=12),
)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # {name} path parameters
    query: tuple[str, ...] = ()
    body_keys: tuple[str, ...] = ()
    wrap: str | None = None  # Kantata's {"workspace": {...}} envelope


@dataclass
class Target:
    vendor: str
    handle: SimHandle
    headers: dict[str, str]
    operations: list[Operation]
    path_values: dict[str, list[str]] = field(default_factory=dict)
    allowed_5xx: Callable[[str, httpx.Response], bool] = lambda path, r: False


def _admin_operations() -> list[Operation]:
    t = "/__admin/tenants/{tenant}"
    journal = ("method", "path", "route", "status", "tenant", "since_seq", "limit")
    return [
        Operation("GET", "/__admin/health"),
        Operation("GET", "/__admin/tenants"),
        Operation("GET", t),
        Operation("GET", f"{t}/records/{{type}}", ("limit", "include_deleted", "Name", "id")),
        Operation("GET", f"{t}/events", ("after_seq", "type", "limit")),
        Operation("GET", f"{t}/snapshots"),
        Operation("POST", f"{t}/snapshots", body_keys=("name",)),
        Operation("POST", f"{t}/snapshots/{{name}}/restore"),
        Operation("DELETE", f"{t}/snapshots/{{name}}"),
        Operation("GET", "/__admin/journal", journal),
        Operation("GET", "/__admin/journal/export", journal),
        Operation("GET", "/__admin/tokens", ("tenant",)),
        Operation("GET", "/__admin/deliveries", ("subscription", "status")),
        Operation("GET", "/__admin/faults"),
    ]


def _route_operations(handle: SimHandle, skip: Callable[[str], bool]) -> list[Operation]:
    ops = []
    for route in handle.sim.router.routes:
        if skip(route.pattern):
            continue
        template = re.sub(r"\{(\w+):path\}", r"{\1}", route.pattern)
        for method in route.methods:
            ops.append(Operation(method, template))
    return ops


def _token(handle: SimHandle) -> str:
    r = handle.admin.post("/tenants/default/tokens", json={"subject": "fuzz"})
    assert r.status_code == 201, r.text
    return str(r.json()["token"])


def _salesforce() -> Target:
    from simulators.salesforce import create_simulator

    h = start_simulator(create_simulator())
    headers = {"Authorization": f"Bearer {_token(h)}"}
    with h.client() as c:
        r = c.post("/services/data/v68.0/sobjects/Account/", json={"Name": "Fuzz"}, headers=headers)
        assert r.status_code == 201, r.text
        account = r.json()["id"]
    fields = tuple(f.name for f in h.sim.dialect.schema.get("Account").fields.values())[:40]
    ops = [
        Operation(
            o.method,
            o.template,
            ("q", "fields", "batchSize", "start", "end", "allOrNone", "ids", "limit"),
            fields if o.method in ("POST", "PATCH", "PUT") else (),
        )
        for o in _route_operations(h, lambda p: "streaming" in p or "cometd" in p)
    ]

    def soap_fault(path: str, r: httpx.Response) -> bool:
        return path.startswith("/services/Soap/") and r.status_code == 500 and b"Fault" in r.content

    return Target(
        "salesforce",
        h,
        headers,
        ops,
        {
            "version": ["68.0", "v68.0", "1.0", "999.0"],
            "sobject": ["Account", "Contact", "Opportunity", "Nope"],
            "id": [account, account[:15], "001RO0000000001AAA"],
            "field": ["Name", "External_Id__c", "Id"],
            "value": ["Fuzz", "X-1"],
        },
        soap_fault,
    )


def _netsuite() -> Target:
    from simulators.netsuite import create_simulator

    h = start_simulator(create_simulator())
    headers = {"Authorization": f"Bearer {_token(h)}"}
    with h.client() as c:
        spec = c.get(
            "/services/rest/record/v1/metadata-catalog",
            headers={**headers, "Accept": "application/swagger+json"},
        ).json()
    schemas = spec["components"]["schemas"]
    ops = []
    for path, item in spec["paths"].items():
        shared = [p["name"] for p in item.get("parameters", []) if p.get("in") == "query"]
        for method in ("get", "post", "put", "patch", "delete"):
            op = item.get(method)
            if op is None:
                continue
            query = shared + [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            keys: tuple[str, ...] = ()
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                ref = body["schema"].get("$ref", "")
                keys = tuple(schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {}))[:40]
            ops.append(
                Operation(method.upper(), "/services/rest/record/v1" + path, tuple(query), keys)
            )
    ops.append(Operation("POST", "/services/rest/query/v1/suiteql", ("limit", "offset"), ("q",)))
    return Target(
        "netsuite",
        h,
        {**headers, "Prefer": "transient"},
        ops,
        {"id": ["1", "-5", "eid:EXT-1"], "type": ["customer", "invoice"]},
    )


def _kantata() -> Target:
    from simulators.kantata import create_simulator

    h = start_simulator(create_simulator())
    headers = {"Authorization": f"Bearer {_token(h)}"}
    catalog = h.sim.dialect.catalog
    ops = []
    query = ("page", "per_page", "only", "order", "include", "matching", "search", "workspace_id")
    for o in _route_operations(h, lambda p: False):
        res = next((r for r in catalog if f"/{r.collection}" in o.template), None)
        keys = tuple(res.stored)[:40] if res is not None else ()
        wrap = res.singular if res is not None and o.method in ("POST", "PUT", "PATCH") else None
        ops.append(Operation(o.method, o.template, query, keys, wrap))
    return Target("kantata", h, headers, ops, {"id": ["1", "2", "0"]})


def _workday() -> Target:
    from simulators.workday import create_simulator

    h = start_simulator(create_simulator())
    headers = {"Authorization": f"Bearer {_token(h)}"}
    wd = h.admin.get("/tenants/default").json()["credentials"]["tenant"]
    query = ("limit", "offset", "search", "format", "Effective_as_of_Date", "asOfDate")
    ops = [
        Operation(o.method, o.template, query, ("effective", "reason", "position", "job"))
        for o in _route_operations(h, lambda p: False)
    ]
    return Target(
        "workday",
        h,
        headers,
        ops,
        {
            "tenant": [wd],
            "sver": ["v6", "v1"],
            "gver": ["v1", "v2"],
            "owner": ["ISU_Integration"],
            "report": ["Workers"],
        },
    )


BUILDERS = {
    "salesforce": _salesforce,
    "netsuite": _netsuite,
    "kantata": _kantata,
    "workday": _workday,
}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    t = BUILDERS[request.param]()
    t.operations += _admin_operations()
    yield t
    t.handle.close()


@st.composite
def requests(draw: st.DrawFn, t: Target) -> tuple[str, str, dict[str, str], bytes | None]:
    op = draw(st.sampled_from(t.operations))
    values = {
        "tenant": ["default"],
        "name": ["base"],
        "type": ["Account", "customer", "workspaces"],
    }
    values.update(t.path_values)

    def fill(m: re.Match[str]) -> str:
        good = values.get(m.group(1), [])
        raw = draw(st.sampled_from(good) | ODD) if good else draw(ODD)
        return quote(raw, safe="") or "x"

    path = re.sub(r"\{(\w+)\}", fill, op.template)
    names = list(op.query)
    query = draw(st.dictionaries(st.sampled_from(names), ODD, max_size=3)) if names else {}
    body: bytes | None = None
    if op.method in ("POST", "PUT", "PATCH"):
        keys = list(op.body_keys)
        fields = st.dictionaries(st.sampled_from(keys), JSON_ANY, max_size=4) if keys else JSON_ANY
        doc = draw(fields | JSON_ANY)
        if op.wrap and draw(st.booleans()):
            doc = {op.wrap: doc}
        body = json.dumps(doc).encode() if draw(st.integers(0, 9)) else draw(st.binary(max_size=40))
    return op.method, path, query, body


def test_fuzz_finds_no_server_error(target: Target) -> None:
    client = target.handle.client()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(requests(target))
    def one(req: tuple[str, str, dict[str, str], bytes | None]) -> None:
        method, path, query, body = req
        # admin calls carry whatever the harness's admin client sends (its credentials)
        admin = path.startswith("/__admin")
        headers = dict(target.handle.admin.headers) if admin else dict(target.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        r = client.request(method, path, params=query, content=body, headers=headers)
        if r.status_code >= 500 and not target.allowed_5xx(path, r):
            raise AssertionError(
                f"{target.vendor}: {method} {path} {query} body={body!r:.300} -> "
                f"{r.status_code} {r.text[:300]}"
            )

    try:
        one()
    finally:
        client.close()
