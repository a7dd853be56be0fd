"""Webhook subscriptions and notifications as Business Central sends them.

learn.microsoft.com, "Working with webhooks in Dynamics 365 Business Central": POST
/api/v2.0/subscriptions {notificationUrl, resource, clientState}; the handshake POSTs
notificationUrl?validationToken=... and the subscriber returns the token with 200;
subscriptions expire after three days and are renewed by PATCH (handshake again);
notifications arrive as {"value": [{subscriptionId, clientState, expirationDateTime,
resource, changeType, lastModifiedDateTime}]}.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx


def _root(api: httpx.Client, creds: dict[str, Any]) -> httpx.Client:
    return httpx.Client(base_url=creds["api_url"], headers=api.headers, trust_env=False)


def test_handshake_subscription_and_notification_batch(
    api: httpx.Client, creds: dict[str, Any], make_subscriber: Any
) -> None:
    sub_server = make_subscriber()
    root = _root(api, creds)
    resource = f"/api/v2.0/companies({creds['company_id']})/customers"
    r = root.post(
        "/subscriptions",
        json={"notificationUrl": sub_server.url, "resource": resource, "clientState": "s3cret"},
    )
    assert r.status_code == 201, r.text
    sub = r.json()
    assert len(sub_server.handshakes) == 1
    assert set(sub) >= {
        "subscriptionId",
        "notificationUrl",
        "resource",
        "userId",
        "lastModifiedDateTime",
        "clientState",
        "expirationDateTime",
        "@odata.etag",
    }
    expires = datetime.fromisoformat(sub["expirationDateTime"].replace("Z", "+00:00"))
    assert abs((expires - datetime.now(UTC)).total_seconds() - 3 * 86400) < 120
    assert [s["subscriptionId"] for s in root.get("/subscriptions").json()["value"]] == [
        sub["subscriptionId"]
    ]

    c = api.post("/customers", json={"displayName": "Adatum"}).json()
    api.patch(
        f"/customers({c['id']})", json={"city": "Atlanta"}, headers={"If-Match": c["@odata.etag"]}
    )
    api.post("/items", json={"displayName": "not subscribed"})
    got = sub_server.wait_for(2)
    items = [n for batch in got for n in batch["value"]]
    assert [n["changeType"] for n in items] == ["created", "updated"]
    first = items[0]
    assert first["subscriptionId"] == sub["subscriptionId"] and first["clientState"] == "s3cret"
    assert first["resource"] == f"api/v2.0/companies({creds['company_id']})/customers({c['id']})"
    assert first["expirationDateTime"] == sub["expirationDateTime"]
    assert set(first) == {
        "subscriptionId",
        "clientState",
        "expirationDateTime",
        "resource",
        "changeType",
        "lastModifiedDateTime",
    }
    assert len(got) == 1  # both changes arrived in one batch

    renewed = root.patch(
        f"/subscriptions('{sub['subscriptionId']}')",
        json={"clientState": "next"},
        headers={"If-Match": sub["@odata.etag"]},
    )
    assert renewed.status_code == 200 and renewed.json()["clientState"] == "next"
    assert len(sub_server.handshakes) == 2
    gone = root.delete(
        f"/subscriptions('{sub['subscriptionId']}')",
        headers={"If-Match": renewed.json()["@odata.etag"]},
    )
    assert gone.status_code == 204
    assert root.get("/subscriptions").json()["value"] == []
    root.close()


def test_subscription_refused_without_handshake_and_expired_after_three_days(
    bc: Any, api: httpx.Client, creds: dict[str, Any], make_subscriber: Any, token_for: Any
) -> None:
    root = _root(api, creds)
    resource = f"/api/v2.0/companies({creds['company_id']})/salesInvoices"
    silent = make_subscriber(echo=False)
    r = root.post("/subscriptions", json={"notificationUrl": silent.url, "resource": resource})
    assert r.status_code == 400 and "validationToken" in r.json()["error"]["message"]
    bad = root.post(
        "/subscriptions", json={"notificationUrl": silent.url, "resource": "/api/v2.0/widgets"}
    )
    assert bad.status_code == 400
    remote = root.post(
        "/subscriptions",
        json={"notificationUrl": "https://example.invalid/hook", "resource": resource},
    )
    assert remote.status_code == 400

    ok = make_subscriber()
    assert (
        root.post(
            "/subscriptions", json={"notificationUrl": ok.url, "resource": resource}
        ).status_code
        == 201
    )
    bc.admin.post("/tenants/default/clock", json={"advance_seconds": 3 * 86400 + 1})
    assert root.get("/subscriptions").status_code == 401  # the hour-long token expired too
    root.headers["Authorization"] = f"Bearer {token_for(creds).json()['access_token']}"
    assert root.get("/subscriptions").json()["value"] == []
    root.close()
