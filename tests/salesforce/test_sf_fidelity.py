"""Wire shapes checked against the vendor's public material; each test names its source."""

from __future__ import annotations

from typing import Any

import httpx

from harness.testing import SimHandle, start_simulator

from .._clients import crm_client
from ._bodies import sub

V = "/services/data/v68.0"


def _account_posts(n: int) -> list[dict[str, Any]]:
    return [sub("POST", f"{V}/sobjects/Account", f"a{i}", {"Name": f"Bulk {i}"}) for i in range(n)]


def test_composite_over_25_subrequests_answers_inside_the_envelope(api: httpx.Client) -> None:
    # Source: guardian/support-service-lambdas PR #766 logged Salesforce's answer:
    # {"compositeResponse":[{"body":[{"errorCode":"LIMIT_EXCEEDED","message":"The request
    # can't contain more than 25 operations."}],"httpHeaders":{},"httpStatusCode":400,
    # "referenceId":null}]}
    r = api.post(f"{V}/composite", json={"compositeRequest": _account_posts(26)})
    assert r.status_code == 200
    assert r.json() == {
        "compositeResponse": [
            {
                "body": [
                    {
                        "errorCode": "LIMIT_EXCEEDED",
                        "message": "The request can\u2019t contain more than 25 operations.",
                    }
                ],
                "httpHeaders": {},
                "httpStatusCode": 400,
                "referenceId": None,
            }
        ]
    }
    q = api.get(f"{V}/query/", params={"q": "SELECT COUNT() FROM Account"}).json()
    assert q["totalSize"] == 0  # nothing of the refused request ran
    ok = api.post(f"{V}/composite", json={"compositeRequest": _account_posts(25)})
    assert [x["httpStatusCode"] for x in ok.json()["compositeResponse"]] == [201] * 25


def test_composite_limit_outer_status_is_a_setting(tls_files: Any) -> None:
    from simulators.salesforce import SalesforceSettings, create_simulator

    handle = start_simulator(create_simulator(SalesforceSettings(composite_limit_status=400)))
    try:
        c = crm_client(handle, grant="password")
        r = c.post(f"{V}/composite", json={"compositeRequest": _account_posts(26)})
        assert r.status_code == 400
        assert r.json()["compositeResponse"][0]["referenceId"] is None
    finally:
        handle.close()


def test_other_composite_limits(api: httpx.Client) -> None:
    # sObject Collections: 200 records per call. Salesforce's message is quoted in
    # sorenkrabbe/Chrome-Salesforce-inspector issue #134: "EXCEEDED_ID_LIMIT: record limit
    # reached. cannot submit more than 200 records into this call".
    recs = [{"attributes": {"type": "Account"}, "Name": f"C{i}"} for i in range(201)]
    r = api.post(f"{V}/composite/sobjects", json={"records": recs})
    assert r.status_code == 400
    assert r.json() == [
        {
            "message": "record limit reached. cannot submit more than 200 records into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
        }
    ]
    assert api.post(f"{V}/composite/sobjects", json={"records": recs[:200]}).status_code == 200
    # Batch: "up to 25 subrequests" (resources_composite_batch.htm); tree: "up to a total of
    # 200 records across all trees" (resources_composite_sobject_tree.htm). The error bodies
    # of these two are not public (docs/vendor-variants.md); the limits themselves are.
    subs = [{"method": "GET", "url": "v68.0/limits"}] * 26
    assert api.post(f"{V}/composite/batch", json={"batchRequests": subs}).status_code == 400
    ok = api.post(f"{V}/composite/batch", json={"batchRequests": subs[:25]})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 25
    tree = [
        {"attributes": {"type": "Account", "referenceId": f"r{i}"}, "Name": f"T{i}"}
        for i in range(201)
    ]
    r = api.post(f"{V}/composite/tree/Account", json={"records": tree})
    assert r.status_code == 400 and r.json()[0]["errorCode"] == "LIMIT_EXCEEDED"
    assert api.post(f"{V}/composite/tree/Account", json={"records": tree[:200]}).status_code == 201


def test_retired_version_is_410_gone(crm: SimHandle, api: httpx.Client) -> None:
    # Source: help.salesforce.com article 000354473, "REST API returns 410: GONE"; the body's
    # errorCode "GONE" as restforce issue #941 reports it ("Unhandled Salesforce error: GONE").
    r = api.get("/services/data/v30.0/sobjects/")
    assert r.status_code == 410
    (err,) = r.json()
    assert err["errorCode"] == "GONE" and "31.0" in err["message"]
    assert crm.client().get("/services/data/v20.0/limits").status_code == 410
