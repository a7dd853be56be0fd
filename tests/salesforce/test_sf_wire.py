"""Wire-level checks of the CRM simulator: auth, versions, records, composite, feeds, bad input."""

from __future__ import annotations

import base64

import httpx
import requests
from simple_salesforce import SalesforceLogin

from harness.testing import SimHandle

from .._clients import crm_client, refresh_form
from ._bodies import collection, composite, sub, typed

V = "/services/data/v68.0"


def _creds(crm: SimHandle) -> dict[str, str]:
    return dict(crm.admin.get("/tenants/default").json()["credentials"])


# -- auth ------------------------------------------------------------------------------


def test_oauth_errors(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    cases = [
        (
            {"grant_type": "client_credentials", "client_id": "nope", "client_secret": "x"},
            {"error": "invalid_client_id", "error_description": "client identifier invalid"},
        ),
        (
            {
                "grant_type": "client_credentials",
                "client_id": creds["client_id"],
                "client_secret": "wrong",
            },
            {"error": "invalid_client", "error_description": "invalid client credentials"},
        ),
        (
            {
                "grant_type": "password",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
                "username": creds["username"],
                "password": "wrong",
            },
            {"error": "invalid_grant", "error_description": "authentication failure"},
        ),
        (
            {"grant_type": "magic"},
            {"error": "unsupported_grant_type", "error_description": "grant type not supported"},
        ),
        (
            {
                "grant_type": "refresh_token",
                "refresh_token": "stale",
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
            {"error": "invalid_grant", "error_description": "expired access/refresh token"},
        ),
    ]
    for form, expected in cases:
        r = c.post("/services/oauth2/token", data=form)
        assert (r.status_code, r.json()) == (400, expected), form


def test_client_credentials_with_basic_auth_and_refresh_grant(crm: SimHandle) -> None:
    c, creds = crm.client(), _creds(crm)
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
    r = c.post(
        "/services/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200
    r2 = c.post(
        "/services/oauth2/token",
        data=refresh_form(creds),
    )
    assert r2.status_code == 200 and r2.json()["access_token"] != r.json()["access_token"]


def test_soap_login_through_simple_salesforce(crm: SimHandle) -> None:
    """SalesforceLogin speaks https://login.salesforce.com; an adapter sends it to the simulator."""
    creds = _creds(crm)

    class ToSimulator(requests.adapters.HTTPAdapter):
        def send(self, request: requests.PreparedRequest, **kw: object) -> requests.Response:  # type: ignore[override]
            assert request.url is not None
            request.url = request.url.replace("https://login.salesforce.com", crm.base_url)
            return super().send(request, **kw)  # type: ignore[arg-type]

    s = requests.Session()
    s.trust_env = False
    s.verify = crm.ca_bundle
    s.mount("https://login.salesforce.com", ToSimulator())
    session_id, instance = SalesforceLogin(
        username=creds["username"],
        password=creds["password"],
        security_token=creds["security_token"],
        session=s,
    )
    assert session_id.startswith("00D")
    assert instance == crm.base_url.removeprefix("https://")
    r = crm.client().get(f"{V}/limits/", headers={"Authorization": f"Bearer {session_id}"})
    assert r.status_code == 200
    bad = s.post(
        f"{crm.base_url}/services/Soap/u/59.0", data="<x/>", headers={"SOAPAction": "login"}
    )
    assert bad.status_code == 500 and "INVALID_LOGIN" in bad.text


def test_missing_and_wrong_bearer_tokens(crm: SimHandle) -> None:
    c = crm.client()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        r = c.get(f"{V}/sobjects/Account/describe", headers=headers)
        assert r.status_code == 401
        assert r.json() == [
            {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
        ]


def test_revoked_token_is_refused(crm: SimHandle, api: httpx.Client) -> None:
    token = api.headers["Authorization"].split()[1]
    r = crm.client().post("/services/oauth2/revoke", data={"token": token})
    assert r.status_code == 200
    assert api.get(f"{V}/limits/").status_code == 401


# -- versions --------------------------------------------------------------------------


def test_versions_and_retired_versions(crm: SimHandle, api: httpx.Client) -> None:
    r = crm.client().get("/services/data/")
    assert r.status_code == 200 and "sforce-limit-info" not in r.headers
    versions = r.json()
    assert versions[0]["version"] == "31.0" and versions[-1] == {
        "label": "Winter '27",
        "url": "/services/data/v68.0",
        "version": "68.0",
    }
    assert {"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"} in versions
    assert api.get("/services/data/v60.0/limits/").status_code == 200
    gone = api.get("/services/data/v30.0/sobjects/")
    assert gone.status_code == 410 and gone.json()[0]["errorCode"] == "GONE"
    assert api.get("/services/data/v69.0/sobjects/").status_code == 404
    res = api.get(f"{V}/").json()
    assert res["sobjects"] == f"{V}/sobjects" and res["query"] == f"{V}/query"


def test_upsert_status_codes_by_version(api: httpx.Client) -> None:
    old = "/services/data/v45.0/sobjects/Account/External_Id__c/OLD-1"
    assert api.patch(old, json={"Name": "Old"}).status_code == 201
    r = api.patch(old, json={"Name": "Older"})
    assert r.status_code == 204 and r.content == b""


# -- records ---------------------------------------------------------------------------


def test_get_with_fields_and_unknown_field(api: httpx.Client) -> None:
    rid = api.post(f"{V}/sobjects/Account/", json={"Name": "Fields Inc", "Phone": "555"}).json()[
        "id"
    ]
    r = api.get(f"{V}/sobjects/Account/{rid}", params={"fields": "Name,Phone"})
    assert set(r.json()) == {"attributes", "Name", "Phone"}
    bad = api.get(f"{V}/sobjects/Account/{rid}", params={"fields": "Nope"})
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "INVALID_FIELD"
    assert api.get(f"{V}/sobjects/Account/{rid[:15]}").json()["Id"] == rid  # 15-char ids accepted


def test_ids_have_prefix_and_checksum(api: httpx.Client) -> None:
    from simulators.salesforce._ids import normalize

    for sobject, body, prefix in [
        ("Account", {"Name": "A"}, "001"),
        ("Contact", {"LastName": "B"}, "003"),
        ("Product2", {"Name": "Advisory"}, "01t"),
    ]:
        rid = api.post(f"{V}/sobjects/{sobject}/", json=body).json()["id"]
        assert rid.startswith(prefix) and len(rid) == 18 and normalize(rid[:15]) == rid


def test_read_only_fields_are_refused(api: httpx.Client) -> None:
    r = api.post(
        f"{V}/sobjects/Opportunity/",
        json={"Name": "x", "StageName": "Prospecting", "CloseDate": "2026-01-01", "IsWon": True},
    )
    assert r.status_code == 400
    err = r.json()[0]
    assert err["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and err["fields"] == ["IsWon"]


def test_external_id_several_matches_is_300(crm: SimHandle, api: httpx.Client) -> None:
    crm.admin.post(
        "/tenants/default/records/Contact",
        json={
            "records": [
                {"LastName": "Twin", "External_Id__c": "DUP"},
                {"LastName": "Twin", "External_Id__c": "DUP"},
            ]
        },
    )
    r = api.patch(f"{V}/sobjects/Contact/External_Id__c/DUP", json={"FirstName": "x"})
    assert r.status_code == 300 and len(r.json()) == 2
    assert all(u.startswith(f"{V}/sobjects/Contact/003") for u in r.json())


def test_unique_external_id_refuses_duplicates(api: httpx.Client) -> None:
    assert (
        api.post(f"{V}/sobjects/Account/", json={"Name": "a", "External_Id__c": "U-1"}).status_code
        == 201
    )
    r = api.post(f"{V}/sobjects/Account/", json={"Name": "b", "External_Id__c": "U-1"})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "DUPLICATE_VALUE"


def test_line_items_drive_opportunity_amount(api: httpx.Client) -> None:
    prod = api.post(f"{V}/sobjects/Product2/", json={"Name": "Senior Consultant Day"}).json()["id"]
    pb = api.get(
        f"{V}/query/", params={"q": "SELECT Id FROM Pricebook2 WHERE IsStandard = true"}
    ).json()
    pbe = api.post(
        f"{V}/sobjects/PricebookEntry/",
        json={
            "Pricebook2Id": pb["records"][0]["Id"],
            "Product2Id": prod,
            "UnitPrice": 1800,
            "IsActive": True,
        },
    ).json()["id"]
    opp = api.post(
        f"{V}/sobjects/Opportunity/",
        json={
            "Name": "Advisory",
            "StageName": "Qualification",
            "CloseDate": "2026-09-30",
            "Amount": 5,
        },
    ).json()["id"]
    for qty in (10, 5):
        r = api.post(
            f"{V}/sobjects/OpportunityLineItem/",
            json={
                "OpportunityId": opp,
                "PricebookEntryId": pbe,
                "Quantity": qty,
                "UnitPrice": 1800,
            },
        )
        assert r.status_code == 201, r.text
    o = api.get(f"{V}/sobjects/Opportunity/{opp}").json()
    assert o["Amount"] == 27000.0 and o["HasOpportunityLineItem"] is True
    both = api.post(
        f"{V}/sobjects/OpportunityLineItem/",
        json={
            "OpportunityId": opp,
            "PricebookEntryId": pbe,
            "Quantity": 1,
            "UnitPrice": 1,
            "TotalPrice": 1,
        },
    )
    assert both.status_code == 400 and both.json()[0]["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    q = api.get(
        f"{V}/query/",
        params={
            "q": f"SELECT Name, (SELECT Quantity, TotalPrice FROM OpportunityLineItems) FROM Opportunity WHERE Id = '{opp}'"
        },
    )
    lines = q.json()["records"][0]["OpportunityLineItems"]
    assert lines["totalSize"] == 2 and sorted(x["TotalPrice"] for x in lines["records"]) == [
        9000.0,
        18000.0,
    ]


def test_updated_and_deleted_feeds(crm: SimHandle, api: httpx.Client) -> None:
    crm.admin.post("/tenants/default/clock", json={"freeze": True, "at": "2026-05-04T10:00:00Z"})
    keep = api.post(f"{V}/sobjects/Account/", json={"Name": "Keep"}).json()["id"]
    gone = api.post(f"{V}/sobjects/Account/", json={"Name": "Gone"}).json()["id"]
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 300})
    api.delete(f"{V}/sobjects/Account/{gone}")
    crm.admin.post("/tenants/default/clock", json={"advance_seconds": 300})
    params = {"start": "2026-05-04T09:00:00+00:00", "end": "2026-05-04T11:00:00+00:00"}
    upd = api.get(f"{V}/sobjects/Account/updated/", params=params).json()
    assert keep in upd["ids"] and gone not in upd["ids"]
    assert upd["latestDateCovered"] == "2026-05-04T10:10:00.000+0000"
    dele = api.get(f"{V}/sobjects/Account/deleted/", params=params).json()
    assert dele["deletedRecords"] == [{"id": gone, "deletedDate": "2026-05-04T10:05:00.000+0000"}]
    assert api.get(f"{V}/sobjects/Account/updated/").status_code == 400


def test_sobject_basic_info_and_limits(api: httpx.Client) -> None:
    api.post(f"{V}/sobjects/Account/", json={"Name": "Recent One"})
    info = api.get(f"{V}/sobjects/Account/").json()
    assert info["objectDescribe"]["keyPrefix"] == "001"
    assert info["recentItems"][0]["Name"] == "Recent One"
    limits = api.get(f"{V}/limits/").json()
    assert limits["DailyApiRequests"]["Max"] == 100_000
    assert 0 < limits["DailyApiRequests"]["Remaining"] < 100_000


# -- composite and collections ---------------------------------------------------------


def test_composite_with_references(api: httpx.Client) -> None:
    body = composite(
        sub("POST", f"{V}/sobjects/Account", "acc", {"Name": "Composite Co"}),
        sub("POST", f"{V}/sobjects/Contact", "con", {"LastName": "Ref", "AccountId": "@{acc.id}"}),
        sub("GET", f"{V}/sobjects/Contact/@{{con.id}}?fields=AccountId", "get"),
    )
    r = api.post(f"{V}/composite", json=body)
    assert r.status_code == 200
    out = r.json()["compositeResponse"]
    assert [x["httpStatusCode"] for x in out] == [201, 201, 200]
    assert out[2]["body"]["AccountId"] == out[0]["body"]["id"]


def test_composite_all_or_none_rolls_back(crm: SimHandle, api: httpx.Client) -> None:
    body = composite(
        sub("POST", f"{V}/sobjects/Account", "ok", {"Name": "Rolled Back"}),
        sub("POST", f"{V}/sobjects/Opportunity", "bad", {"Name": "x"}),
    )
    r = api.post(f"{V}/composite", json=body)
    out = r.json()["compositeResponse"]
    assert out[0]["httpStatusCode"] == 400 and out[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert out[1]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    q = api.get(
        f"{V}/query/", params={"q": "SELECT Id FROM Account WHERE Name = 'Rolled Back'"}
    ).json()
    assert q["totalSize"] == 0
    events = crm.admin.get("/tenants/default/events", params={"type": "Account"}).json()
    assert events["count"] == 0  # a rolled-back insert announces nothing


def test_sobject_collections(api: httpx.Client) -> None:
    body = collection(
        typed("Account", Name="C1"),
        typed("Contact"),
        typed("Account", Name="C3", External_Id__c="COL-3"),
    )
    created = api.post(f"{V}/composite/sobjects", json=body).json()
    assert [c["success"] for c in created] == [True, False, True]
    assert created[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    ids = [created[0]["id"], created[2]["id"]]
    upd = api.patch(
        f"{V}/composite/sobjects",
        json={"records": [typed("Account", Id=ids[0], Industry="Media")]},
    ).json()
    assert upd == [{"id": ids[0], "success": True, "errors": []}]
    got = api.get(
        f"{V}/composite/sobjects/Account", params={"ids": ",".join(ids), "fields": "Name,Industry"}
    ).json()
    assert [g["Industry"] for g in got] == ["Media", None]
    ups = api.patch(
        f"{V}/composite/sobjects/Account/External_Id__c",
        json={
            "records": [
                typed("Account", External_Id__c="COL-3", Name="C3b"),
                typed("Account", External_Id__c="COL-4", Name="C4"),
            ]
        },
    ).json()
    assert [(u["created"], u["success"]) for u in ups] == [(False, True), (True, True)]
    dele = api.delete(f"{V}/composite/sobjects", params={"ids": ",".join(ids)}).json()
    assert all(d["success"] for d in dele)


# -- bad input -------------------------------------------------------------------------


def test_bad_input_never_yields_a_500(api: httpx.Client) -> None:
    from simulators.salesforce._ids import make_id

    acc = api.post(f"{V}/sobjects/Account/", json={"Name": "Target"}).json()["id"]
    cases = [
        ("POST", f"{V}/sobjects/Account/", b"{not json", "JSON_PARSER_ERROR"),
        ("POST", f"{V}/sobjects/Account/", b"\xff\xfe\xfa", "JSON_PARSER_ERROR"),
        ("POST", f"{V}/sobjects/Account/", b"", "JSON_PARSER_ERROR"),
        ("POST", f"{V}/sobjects/Account/", b"[1, 2]", "JSON_PARSER_ERROR"),
        ("POST", f"{V}/sobjects/Account/", b'{"Name": "x", "Bogus__c": 1}', "INVALID_FIELD"),
        ("POST", f"{V}/sobjects/Account/", b'{"Name": {"nested": true}}', "JSON_PARSER_ERROR"),
        (
            "POST",
            f"{V}/sobjects/Account/",
            b'{"Name": "x", "NumberOfEmployees": "many"}',
            "JSON_PARSER_ERROR",
        ),
        ("POST", f"{V}/sobjects/Account/", b'{"Name": "x", "ParentId": "garbage"}', "MALFORMED_ID"),
        ("POST", f"{V}/sobjects/Account/", b'{"Name": "' + b"x" * 300 + b'"}', "STRING_TOO_LONG"),
        (
            "POST",
            f"{V}/sobjects/Opportunity/",
            b'{"Name": "x", "StageName": "Nope", "CloseDate": "2026-01-01"}',
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ),
        (
            "POST",
            f"{V}/sobjects/Opportunity/",
            b'{"Name": "x", "StageName": "Prospecting", "CloseDate": "soon"}',
            "JSON_PARSER_ERROR",
        ),
        ("PATCH", f"{V}/sobjects/Account/{acc}", b'{"Name": null}', "REQUIRED_FIELD_MISSING"),
        ("PATCH", f"{V}/sobjects/Account/{acc}", b"42", "JSON_PARSER_ERROR"),
        ("GET", f"{V}/sobjects/Nope__c/describe", b"", "NOT_FOUND"),
        ("GET", f"{V}/sobjects/Account/{make_id('006', 1)}", b"", "MALFORMED_ID"),
        ("GET", f"{V}/sobjects/Account/006RO0000000001AAA", b"", "NOT_FOUND"),
        ("GET", f"{V}/query/?q=SELEC+Id", b"", "MALFORMED_QUERY"),
        ("GET", f"{V}/query/?q=SELECT+Nope+FROM+Account", b"", "INVALID_FIELD"),
        ("GET", f"{V}/query/?q=SELECT+Id+FROM+Nope", b"", "INVALID_TYPE"),
        ("GET", f"{V}/query/01gBAD-2000", b"", "INVALID_QUERY_LOCATOR"),
        ("GET", f"{V}/no/such/resource", b"", "NOT_FOUND"),
        ("PUT", f"{V}/sobjects/Account/{acc}", b"{}", "METHOD_NOT_ALLOWED"),
        ("POST", f"{V}/composite", b'{"compositeRequest": "x"}', "JSON_PARSER_ERROR"),
        ("POST", f"{V}/composite/sobjects", b'{"records": [{"Name": "no type"}]}', None),
    ]
    for method, url, body, code in cases:
        r = api.request(method, url, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code < 500, (method, url, r.status_code, r.text)
        assert r.status_code in (200, 400, 404, 405), (method, url, r.status_code)
        if code is not None:
            payload = r.json()
            assert isinstance(payload, list) and payload[0]["errorCode"] == code, (
                url,
                body[:40],
                payload,
            )
            assert payload[0]["message"]


def test_oversized_body_is_413_in_vendor_format(crm: SimHandle) -> None:
    from harness.testing import start_simulator
    from simulators.engine import SimulatorSettings
    from simulators.salesforce import create_simulator

    small = start_simulator(create_simulator(None, SimulatorSettings(max_body_bytes=1024)))
    try:
        r = crm_client(small).post(
            f"{V}/sobjects/Account/",
            content=b'{"Name": "' + b"x" * 5000 + b'"}',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 413 and r.json()[0]["errorCode"] == "REQUEST_ENTITY_TOO_LARGE"
    finally:
        small.close()


def test_composite_batch(api: httpx.Client) -> None:
    acc = api.post(f"{V}/sobjects/Account/", json={"Name": "Batch Co"}).json()["id"]
    r = api.post(
        f"{V}/composite/batch",
        json={
            "batchRequests": [
                {
                    "method": "PATCH",
                    "url": f"v68.0/sobjects/Account/{acc}",
                    "richInput": {"Industry": "Retail"},
                },
                {"method": "GET", "url": f"v68.0/sobjects/Account/{acc}?fields=Industry"},
                {"method": "GET", "url": "v68.0/sobjects/Nope__c/describe"},
            ]
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert body["hasErrors"] is True
    assert [x["statusCode"] for x in body["results"]] == [204, 200, 404]
    assert body["results"][1]["result"]["Industry"] == "Retail"
    halted = api.post(
        f"{V}/composite/batch",
        json={
            "haltOnError": True,
            "batchRequests": [
                {"method": "GET", "url": "v68.0/sobjects/Nope__c/describe"},
                {"method": "GET", "url": "v68.0/limits"},
            ],
        },
    ).json()
    assert [x["statusCode"] for x in halted["results"]] == [404, 412]


def test_composite_tree(api: httpx.Client) -> None:
    r = api.post(
        f"{V}/composite/tree/Account",
        json={
            "records": [
                {
                    "attributes": {"type": "Account", "referenceId": "ref1"},
                    "Name": "Tree Co",
                    "Contacts": {
                        "records": [
                            {
                                "attributes": {"type": "Contact", "referenceId": "ref2"},
                                "LastName": "Leaf",
                            },
                            {
                                "attributes": {"type": "Contact", "referenceId": "ref3"},
                                "LastName": "Twig",
                            },
                        ]
                    },
                }
            ]
        },
    )
    assert r.status_code == 201, r.text
    res = r.json()
    assert res["hasErrors"] is False and [x["referenceId"] for x in res["results"]] == [
        "ref1",
        "ref2",
        "ref3",
    ]
    acc = res["results"][0]["id"]
    q = api.get(
        f"{V}/query/", params={"q": f"SELECT COUNT() FROM Contact WHERE AccountId = '{acc}'"}
    ).json()
    assert q["totalSize"] == 2
    bad = api.post(
        f"{V}/composite/tree/Account",
        json={
            "records": [
                {"attributes": {"type": "Account", "referenceId": "ok"}, "Name": "Rolled"},
                {"attributes": {"type": "Account", "referenceId": "bad"}},
            ]
        },
    )
    assert bad.status_code == 400
    assert bad.json()["results"][0]["referenceId"] == "bad"
    assert bad.json()["results"][0]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    q = api.get(
        f"{V}/query/", params={"q": "SELECT COUNT() FROM Account WHERE Name = 'Rolled'"}
    ).json()
    assert q["totalSize"] == 0
