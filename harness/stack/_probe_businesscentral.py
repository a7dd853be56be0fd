"""Smoke probe of a Business Central simulator: token, companies, create, query, update, delete."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._probes import _Steps


def probe_businesscentral(s: _Steps, ep: dict[str, Any]) -> None:
    tok = s.call(
        "oauth2 token (client credentials)",
        "POST",
        ep["token_url"],
        200,
        data={
            "grant_type": "client_credentials",
            "client_id": ep["client_id"],
            "client_secret": ep["client_secret"],
            "scope": ep["scope"],
        },
    )
    h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    api = ep["api_url"]
    companies = s.call("list companies", "GET", f"{api}/companies", 200, headers=h).json()["value"]
    if not any(c["id"] == ep["company_id"] for c in companies):
        raise AssertionError(
            f"company {ep['company_id']} is not among the {len(companies)} companies"
        )
    base = f"{api}/companies({ep['company_id']})"
    name = f"Harness Probe {time.time_ns()}"
    created = s.call(
        "create customer", "POST", f"{base}/customers", 201, headers=h, json={"displayName": name}
    ).json()
    q = s.call(
        "query customers ($filter)",
        "GET",
        f"{base}/customers",
        200,
        headers=h,
        params={"$filter": f"displayName eq '{name}'", "$select": "id,number"},
    ).json()
    if [c["id"] for c in q["value"]] != [created["id"]]:
        raise AssertionError(f"$filter found {len(q['value'])} probe customers, expected 1")
    updated = s.call(
        "update customer (If-Match)",
        "PATCH",
        f"{base}/customers({created['id']})",
        200,
        headers={**h, "If-Match": created["@odata.etag"]},
        json={"phoneNumber": "555-0100"},
    ).json()
    s.call(
        "delete customer (If-Match)",
        "DELETE",
        f"{base}/customers({created['id']})",
        204,
        headers={**h, "If-Match": updated["@odata.etag"]},
    )
