"""Mappings exported from a simulator tenant answer, on a real WireMock, as the simulator does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.data import generate_firm
from harness.loaders import load_firm
from harness.stack import Stack, StackSettings, endpoints_document
from harness.wiremock import WireMockAdmin, WireMockServer
from harness.wiremock._export import export_wiremock
from harness.wiremock._reads import iter_reads, read_plan


@pytest.fixture(scope="module")
def loaded_stack() -> Iterator[dict[str, Any]]:
    stack = Stack(StackSettings(port_base=None)).start()
    try:
        doc = endpoints_document(stack)
        load_firm(generate_firm(3, "small"), doc)
        yield doc
    finally:
        stack.stop()


def _json_or_text(resp: httpx.Response, origin: str) -> Any:
    text = resp.text.replace(origin, "<base>")
    try:
        return json.loads(text)
    except ValueError:
        return text


@pytest.mark.parametrize("system", ["crm", "erp", "psa", "hcm"])
def test_export_round_trip(
    system: str,
    loaded_stack: dict[str, Any],
    wiremock: WireMockAdmin,
    wiremock_server: WireMockServer,
    tmp_path: Path,
) -> None:
    report = export_wiremock(loaded_stack, system, tmp_path, limit=4)
    assert report.skipped == []
    files = sorted((tmp_path / "mappings").glob("*.json"))
    assert len(files) == report.written > 3
    assert wiremock.load_dir(tmp_path / "mappings") == report.written

    ep = loaded_stack[system]
    sim_origin = ep["base_url"]
    with httpx.Client(trust_env=False, timeout=30) as client:
        plan = read_plan(client, ep, 4)
        sim = dict(iter_reads(client, sim_origin, plan))
        wm = dict(iter_reads(client, wiremock_server.base_url, plan))
    compared = 0
    for url, sim_resp in sim.items():
        wm_resp = wm[url]
        assert wm_resp.status_code == sim_resp.status_code, url
        assert wm_resp.headers["content-type"] == sim_resp.headers["content-type"], url
        if url.rstrip("/").endswith("/limits"):
            continue  # the remaining daily quota moves with every call
        assert _json_or_text(wm_resp, wiremock_server.base_url) == _json_or_text(
            sim_resp, sim_origin
        ), url
        compared += 1
    assert compared >= 3
    # a read without the vendor's authentication is not answered by the exported stubs
    first = next(iter(sim))
    assert httpx.get(f"{wiremock_server.base_url}{first}", trust_env=False).status_code == 404


def test_export_names_an_unknown_system(loaded_stack: dict[str, Any], tmp_path: Path) -> None:
    from harness._errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"no system 'crn'.*crm, erp, psa, hcm"):
        export_wiremock(loaded_stack, "crn", tmp_path)
