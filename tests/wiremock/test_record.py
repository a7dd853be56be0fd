"""Recording a sandbox (here: a simulator as upstream) through WireMock's recorder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.stack import Stack, StackSettings, endpoints_document
from harness.wiremock import WireMockAdmin, WireMockRuntime, WireMockServer
from harness.wiremock._record import record, redact_mapping, shape_of
from harness.wiremock._redact import REDACTED, redact

from .._clients import crm_login


@pytest.fixture(scope="module")
def crm_doc() -> Iterator[dict[str, Any]]:
    stack = Stack(StackSettings(port_base=None, systems=["crm"])).start()
    try:
        yield endpoints_document(stack)
    finally:
        stack.stop()


def test_recording_is_redacted_and_turned_into_examples_and_fixtures(
    crm_doc: dict[str, Any],
    wiremock_runtime: WireMockRuntime,
    wiremock: WireMockAdmin,
    wiremock_server: WireMockServer,
    tmp_path: Path,
) -> None:
    ep = crm_doc["crm"]
    api = f"/services/data/v{ep['api_version']}"
    email = "ada.lovelace@firm.example"

    def drive(proxy: str) -> None:
        with httpx.Client(base_url=proxy, trust_env=False, timeout=30) as c:
            crm_login(c, ep)
            made = c.post(
                f"{api}/sobjects/Contact/",
                json={"LastName": "Lovelace", "FirstName": "Ada", "Email": email},
            )
            assert made.status_code == 201, made.text
            got = c.get(f"{api}/sobjects/Contact/{made.json()['id']}")
            assert got.json()["Email"] == email  # the proxy answers as the upstream does

    report = record(wiremock_runtime, ep["base_url"], tmp_path, drive)
    assert report.mappings == 3 and report.fixtures == {"Contact": 1}
    everything = "".join(p.read_text() for p in tmp_path.rglob("*.json"))
    for secret in (ep["client_secret"], "ada.lovelace", "Lovelace", "Bearer 00D"):
        assert secret not in everything
    fixture = json.loads((tmp_path / "fixtures" / "Contact.json").read_text())["records"][0]
    assert fixture["Email"].endswith("@example.invalid") and "attributes" not in fixture
    example = json.loads(
        (tmp_path / "examples" / "GET-services-data-v68-0-sobjects-Contact-id.json").read_text()
    )
    assert example["request"]["path"] == f"{api}/sobjects/Contact/{{id}}"
    token = next(p for p in (tmp_path / "examples").glob("POST-services-oauth2-token*"))
    assert json.loads(token.read_text())["response"]["body"]["access_token"] == REDACTED

    # the redacted mappings still serve the recorded read on a real WireMock
    assert wiremock.load_dir(tmp_path / "mappings") == 3
    read = next(p for p in (tmp_path / "mappings").glob("*GET*Contact*"))
    url = json.loads(read.read_text())["request"]["url"]
    replay = httpx.get(f"{wiremock_server.base_url}{url}", trust_env=False)
    assert replay.status_code == 200 and replay.json()["LastName"].startswith("Person ")


def test_shapes_and_redaction_rules() -> None:
    assert shape_of("/services/data/v68.0/sobjects/Account/001RO0000000001YAA") == (
        "/services/data/v68.0/sobjects/Account/{id}",
        "Account",
    )
    assert shape_of("/api/v1/workspaces/123.json") == ("/api/v1/workspaces/{id}.json", "workspaces")
    assert shape_of("/services/data/v68.0/sobjects/Account/describe") == (
        "/services/data/v68.0/sobjects/Account/describe",
        None,
    )
    doc = redact(
        {
            "Name": "Acme Corp",
            "refresh_token": "5Aep",
            "Phone": "+1 415 555 0100",
            "notes": "mail bob@acme.example",
            "client_secret": "s",
        }
    )
    assert doc["Name"] == "Acme Corp" and doc["refresh_token"] == REDACTED
    assert doc["Phone"].startswith("+1-555-") and "bob@" not in doc["notes"]
    form = redact_mapping(
        {
            "request": {
                "method": "POST",
                "url": "/services/oauth2/token",
                "bodyPatterns": [{"equalTo": "grant_type=password&username=u&password=p4ss"}],
            },
            "response": {"status": 200, "body": "{}"},
        }
    )
    assert "p4ss" not in json.dumps(form)
