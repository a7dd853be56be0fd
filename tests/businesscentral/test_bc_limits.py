"""Business Central's documented OData limits: requests per user in a 5-minute window.

learn.microsoft.com, "Operational limits for Business Central online": 6,000 OData
requests per user in a 5-minute sliding window, then HTTP 429 Too Many Requests.
The Retry-After header and the error code are named settings (not documented).
"""

from __future__ import annotations

from typing import Any

import httpx


def test_rate_limit_answers_429_until_the_window_slides(bc: Any, api: httpx.Client) -> None:
    limits = bc.admin.get("/tenants/default/businesscentral/limits").json()
    assert (limits["rate_limit_requests"], limits["rate_limit_window_seconds"]) == (6000, 300.0)
    bc.admin.put(
        "/tenants/default/businesscentral/limits", json={"rate_limit_requests": 3, "reset": True}
    )
    statuses = [api.get("/customers").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = api.get("/customers")
    assert r.status_code == 429 and r.headers["retry-after"] == "30"
    assert r.json()["error"]["message"].startswith("Too Many Requests.")
    bc.admin.post("/tenants/default/clock", json={"advance_seconds": 301})
    assert api.get("/customers").status_code == 200
