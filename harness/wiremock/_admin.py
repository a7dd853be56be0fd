"""WireMock's admin API through the ``wiremock`` package, one server per adapter.

The package keeps its base URL in a process-wide ``Config`` and every resource class
shares one class-level REST client. The adapter gives each server its own resource
subclasses bound to their own client, so two servers (or two test workers) never
see each other's URL, and nothing global is ever changed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from wiremock.base.base_resource import RestClient
from wiremock.constants import make_headers
from wiremock.exceptions import ApiException
from wiremock.resources.mappings.resource import Mappings
from wiremock.resources.near_misses import NearMissMatchPatternRequest
from wiremock.resources.requests.resource import Requests

from .._errors import StackError


class WireMockAdmin:
    """Stubs in, journal out, for the WireMock server at ``admin_url`` (``.../__admin``)."""

    def __init__(self, admin_url: str, *, timeout: float = 10.0) -> None:
        self.admin_url = admin_url.rstrip("/")
        client = RestClient(base_url=self.admin_url, timeout=timeout)
        self._client = client
        self._mappings: type[Mappings] = type("Mappings", (Mappings,), {"REST_CLIENT": client})
        self._requests: type[Requests] = type("Requests", (Requests,), {"REST_CLIENT": client})

    # stubs
    def add(self, mapping: dict[str, Any]) -> str:
        """Create one stub mapping from WireMock's own JSON; returns its id.

        The JSON goes through the package's REST client as it is: the package's ``Mapping``
        model would drop fields it does not know (``name``, ``urlPathTemplate``).
        """
        try:
            resp = self._client.handle_response(
                self._client.post("/mappings", json=mapping, headers=make_headers())
            )
        except ApiException as exc:
            raise StackError(
                f"WireMock refused the stub mapping {mapping.get('name')!r}: {exc}"
            ) from None
        return str(resp.json()["id"])

    def load_dir(self, folder: Path) -> int:
        """Load every ``*.json`` mapping file under ``folder`` (``{"mappings": [...]}`` too)."""
        count = 0
        for path in sorted(folder.rglob("*.json")):
            doc = json.loads(path.read_text())
            for mapping in doc.get("mappings", [doc]) if isinstance(doc, dict) else doc:
                self.add(mapping)
                count += 1
        return count

    def add_all(self, mappings: list[dict[str, Any]]) -> list[str]:
        return [self.add(m) for m in mappings]

    def mappings(self) -> list[dict[str, Any]]:
        found = self._mappings.retrieve_all_mappings(parameters={})
        return [m.get_json_data() for m in (found.mappings or [])]

    def reset(self) -> None:
        """Drop every stub, scenario state and the request journal (``POST /__admin/reset``)."""
        self._client.handle_response(self._client.post("/reset", headers=make_headers()))

    def reset_journal(self) -> None:
        """Empty the request journal (``DELETE /__admin/requests``; the package's own
        ``reset_request_journal`` uses a route WireMock 3 no longer serves)."""
        self._client.handle_response(self._client.delete("/requests", headers=make_headers()))

    # recording
    def start_recording(self, spec: dict[str, Any]) -> None:
        """``POST /__admin/recordings/start``: proxy to ``spec["targetBaseUrl"]`` and record."""
        try:
            self._client.handle_response(
                self._client.post("/recordings/start", json=spec, headers=make_headers())
            )
        except ApiException as exc:
            raise StackError(f"WireMock could not start recording: {exc}") from None

    def stop_recording(self) -> list[dict[str, Any]]:
        """``POST /__admin/recordings/stop``: the recorded stub mappings."""
        resp = self._client.handle_response(
            self._client.post("/recordings/stop", headers=make_headers())
        )
        return list(resp.json().get("mappings") or [])

    # journal
    def find(
        self,
        method: str = "ANY",
        *,
        url_path: str | None = None,
        url_path_pattern: str | None = None,
        body_contains: str | None = None,
    ) -> list[dict[str, Any]]:
        """Requests in the journal that match (oldest first), each as WireMock logs it."""
        pattern = NearMissMatchPatternRequest(
            method=method, url_path=url_path, url_path_pattern=url_path_pattern
        )
        if body_contains is not None:
            pattern.body_patterns = [{"contains": body_contains}]
        found = self._requests.get_matching_requests(pattern, parameters={})
        return [r.get_json_data() for r in (found.requests or [])]

    def unmatched(self) -> list[dict[str, Any]]:
        found = self._requests.get_unmatched_requests(parameters={})
        return [r.get_json_data() for r in (found.requests or [])]

    def wait_for(
        self,
        method: str,
        *,
        url_path: str | None = None,
        url_path_pattern: str | None = None,
        body_contains: str | None = None,
        count: int = 1,
        timeout: float = 30.0,
        interval: float = 0.05,
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` matching requests are in the journal; returns them.

        WireMock has no long-poll on its journal, so this reads it until the count is
        reached or ``timeout`` passes, and then raises naming what it found instead.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.find(
                method,
                url_path=url_path,
                url_path_pattern=url_path_pattern,
                body_contains=body_contains,
            )
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                what = (url_path or url_path_pattern or "any path") + (
                    f" with {body_contains!r} in the body" if body_contains else ""
                )
                raise TimeoutError(
                    f"waited {timeout:.0f}s for {count} {method} {what} at {self.admin_url}; "
                    f"found {len(found)}"
                )
            time.sleep(interval)
