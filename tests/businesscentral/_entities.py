"""An entity created through the API, as the tests set up the parties and items they need."""

from __future__ import annotations

from typing import Any

import httpx


def created(api: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to the entity set at ``path``; the created entity (201)."""
    r = api.post(path, json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out
