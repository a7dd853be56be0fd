"""The collaboration and analytics stubs answer with each vendor's own bodies on a real WireMock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from harness._errors import ConfigurationError
from harness.peripherals import PeripheralFault, PeripheralIds, add_fault, all_stubs
from harness.peripherals._stubs import endpoints_section
from harness.wiremock import WireMockAdmin, WireMockServer


@pytest.fixture
def peripherals(
    wiremock: WireMockAdmin, wiremock_server: WireMockServer
) -> Iterator[dict[str, Any]]:
    ids = PeripheralIds()
    wiremock.add_all(all_stubs(ids))
    yield endpoints_section(wiremock_server.base_url, wiremock_server.admin_url, ids)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=10) as client:
        yield client


def test_slack_incoming_webhook(peripherals: dict[str, Any], http: httpx.Client) -> None:
    url = peripherals["collab"]["slack_webhook_url"]
    ok = http.post(url, json={"text": "Project P-1 is active"})
    assert (ok.status_code, ok.text) == (200, "ok")
    assert ok.headers["content-type"].startswith("text/html")
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "*Invoice* sent"}}
    assert http.post(url, json={"blocks": [section]}).status_code == 200
    assert http.post(url, json={"attachments": []}).text == "no_text"
    bad = http.post(url, content=b"not json", headers={"Content-Type": "application/json"})
    assert (bad.status_code, bad.text) == (400, "invalid_payload")
    gone = http.post(url.rsplit("/", 1)[0] + "/wrong", json={"text": "x"})
    assert (gone.status_code, gone.text) == (404, "no_service")


def test_slack_chat_post_message(peripherals: dict[str, Any], http: httpx.Client) -> None:
    col = peripherals["collab"]
    url = f"{col['slack_api_url']}/chat.postMessage"
    auth = {"Authorization": f"Bearer {col['slack_bot_token']}"}
    text = 'Invoice INV-7 "paid" \\ ünï'
    ok = http.post(url, json={"channel": col["slack_channel"], "text": text}, headers=auth)
    body = ok.json()
    assert ok.status_code == 200 and body["ok"] is True
    assert body["channel"] == col["slack_channel"] and body["message"]["text"] == text
    assert body["ts"] == body["message"]["ts"] and body["ts"].count(".") == 1

    def error(payload: dict[str, Any], headers: dict[str, str] | None) -> tuple[int, Any]:
        r = http.post(url, json=payload, headers=headers)
        return r.status_code, r.json()

    msg = {"channel": col["slack_channel"], "text": "x"}
    assert error(msg, None) == (200, {"ok": False, "error": "not_authed"})
    assert error(msg, {"Authorization": "Bearer xoxb-other"}) == (
        200,
        {"ok": False, "error": "invalid_auth"},
    )
    assert error({"channel": "C0NOPE", "text": "x"}, auth)[1]["error"] == "channel_not_found"
    assert error({"channel": col["slack_channel"]}, auth)[1]["error"] == "no_text"


def test_teams_workflow_webhook(peripherals: dict[str, Any], http: httpx.Client) -> None:
    url = peripherals["collab"]["teams_webhook_url"]
    card = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": {"body": []}}
        ],
    }
    ok = http.post(url, json=card)
    assert (ok.status_code, ok.text) == (202, "")
    denied = http.post(url.replace("sig=", "sig=x"), json=card)
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "DirectApiAuthorizationRequired"


def test_powerbi_push_rows(peripherals: dict[str, Any], http: httpx.Client) -> None:
    an = peripherals["analytics"]
    auth = {"Authorization": f"Bearer {an['access_token']}"}
    rows = {"rows": [{"consultant": "W-1", "project": "P-1", "hours": 7.25}]}
    assert http.post(an["rows_url"], json=rows, headers=auth).status_code == 200
    too_many = http.post(an["rows_url"], json={"rows": [{"h": 1}] * 10_001}, headers=auth)
    assert too_many.status_code == 400
    assert http.post(an["rows_url"], json=rows).json()["error"]["code"] == (
        "PowerBINotAuthorizedException"
    )
    other = an["rows_url"].replace(an["table"], "Nope")
    assert http.post(other, json=rows, headers=auth).json()["error"]["code"] == "ItemNotFound"


def test_faults_fail_n_requests_then_recover(
    peripherals: dict[str, Any], wiremock: WireMockAdmin, http: httpx.Client
) -> None:
    an = peripherals["analytics"]
    auth = {"Authorization": f"Bearer {an['access_token']}"}
    add_fault(wiremock, PeripheralFault("powerbi", "rate_limit", times=2, retry_after=7))
    add_fault(wiremock, PeripheralFault("slack-webhook", "connection_reset", times=1))
    answers = [http.post(an["rows_url"], json={"rows": []}, headers=auth) for _ in range(3)]
    assert [r.status_code for r in answers] == [429, 429, 200]
    assert answers[0].headers["retry-after"] == "7"
    hook = peripherals["collab"]["slack_webhook_url"]
    with pytest.raises(httpx.TransportError):
        http.post(hook, json={"text": "x"})
    assert http.post(hook, json={"text": "x"}).text == "ok"
    # the journal saw every attempt, the failed ones included
    assert len(wiremock.find("POST", url_path_pattern="/v1.0/myorg/.*")) == 3


def test_fault_rule_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="unknown peripheral 'slack'"):
        PeripheralFault("slack")
    with pytest.raises(ConfigurationError, match="fault kind 'timeout'"):
        PeripheralFault("powerbi", "timeout")


def test_wait_for_names_what_it_found(wiremock: WireMockAdmin) -> None:
    with pytest.raises(TimeoutError, match=r"for 1 POST /api/chat\.postMessage .*found 0"):
        wiremock.wait_for("POST", url_path="/api/chat.postMessage", timeout=0.2)
