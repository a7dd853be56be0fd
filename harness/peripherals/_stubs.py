"""The collaboration and analytics vendors as WireMock stubs, with each vendor's own bodies.

- Slack incoming webhook ``POST /services/{team}/{bot}/{secret}``: 200 ``ok`` (text/html);
  400 ``no_text`` for JSON without ``text`` or ``blocks``, 400 ``invalid_payload`` for a
  body that is not JSON, 404 ``no_service`` for an unknown hook (Slack's "Handling errors"
  table for incoming webhooks).
- Slack Web API ``POST /api/chat.postMessage``: HTTP 200 with ``{"ok": true, "channel",
  "ts", "message"}``; errors are HTTP 200 with ``{"ok": false, "error"}``: ``not_authed``
  (no token), ``invalid_auth`` (another token), ``channel_not_found``, ``no_text``.
- Microsoft Teams workflow webhook (a Power Automate "When a Teams webhook request is
  received" trigger) ``POST /workflows/{id}/triggers/manual/paths/invoke?...&sig=``:
  202 with no body; a wrong or missing ``sig`` 401 ``DirectApiAuthorizationRequired``
  (the code public reports show; Microsoft's reference does not list it).
- Power BI push dataset rows ``POST /v1.0/myorg/datasets/{id}/tables/{table}/rows``
  (the executive-reporting ingest): 200 with no body; no bearer token 401
  ``PowerBINotAuthorizedException``; unknown dataset or table 404 ``ItemNotFound``;
  more than 10,000 rows in one request 400 (Power BI's push dataset limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SLACK_WEBHOOK = "slack-webhook"
SLACK_API = "slack-api"
TEAMS = "teams-workflow"
POWERBI = "powerbi"

#: the two peripheral systems, as the endpoints file names them
COLLAB = "collab"
ANALYTICS = "analytics"

#: which stub families serve each peripheral system
FAMILIES = {COLLAB: (SLACK_WEBHOOK, SLACK_API, TEAMS), ANALYTICS: (POWERBI,)}


@dataclass(frozen=True, slots=True)
class PeripheralIds:
    """The identifiers and secrets the stubs accept (a stack is configured with these)."""

    slack_team: str = "T0HARNESS"
    slack_bot: str = "B0HARNESS"
    slack_hook_secret: str = "hArNeSsWeBhOoKsEcReT0001"
    slack_bot_token: str = "xoxb-0000000001-0000000002-hArNeSsBoTtOkEn"
    slack_channel: str = "C0DELIVERY1"
    teams_workflow: str = "0d3f1c2b8a7e4f6a9b5c1d2e3f4a5b6c"
    teams_sig: str = "hArNeSsTeAmSsIgNaTuRe0000000000000000000000"
    powerbi_dataset: str = "cfafbeb1-8037-4d0c-896e-a46fb27ff229"
    powerbi_table: str = "Utilization"
    powerbi_token: str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.harness-powerbi.token"

    @property
    def slack_webhook_path(self) -> str:
        return f"/services/{self.slack_team}/{self.slack_bot}/{self.slack_hook_secret}"

    @property
    def teams_path(self) -> str:
        return f"/workflows/{self.teams_workflow}/triggers/manual/paths/invoke"

    @property
    def powerbi_rows_path(self) -> str:
        return f"/v1.0/myorg/datasets/{self.powerbi_dataset}/tables/{self.powerbi_table}/rows"


def _stub(
    name: str,
    priority: int,
    request: dict[str, Any],
    response: dict[str, Any],
) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "request": request,
        "response": response,
        "metadata": {"harness": name.split(":")[0]},
    }


def _text(status: int, body: str, content_type: str = "text/html") -> dict[str, Any]:
    return {"status": status, "body": body, "headers": {"Content-Type": content_type}}


def _json(status: int, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "status": status,
        "jsonBody": body,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        **extra,
    }


def slack_webhook_stubs(ids: PeripheralIds) -> list[dict[str, Any]]:
    path = {"method": "POST", "urlPath": ids.slack_webhook_path}
    return [
        _stub(
            f"{SLACK_WEBHOOK}:text",
            1,
            {**path, "bodyPatterns": [{"matchesJsonPath": "$.text"}]},
            _text(200, "ok"),
        ),
        _stub(
            f"{SLACK_WEBHOOK}:blocks",
            1,
            {**path, "bodyPatterns": [{"matchesJsonPath": "$.blocks"}]},
            _text(200, "ok"),
        ),
        _stub(
            f"{SLACK_WEBHOOK}:no_text",
            2,
            {**path, "bodyPatterns": [{"matchesJsonSchema": '{"type": "object"}'}]},
            _text(400, "no_text"),
        ),
        _stub(f"{SLACK_WEBHOOK}:invalid_payload", 3, path, _text(400, "invalid_payload")),
        _stub(
            f"{SLACK_WEBHOOK}:no_service",
            9,
            {"method": "ANY", "urlPathPattern": "/services/.*"},
            _text(404, "no_service"),
        ),
    ]


def slack_api_stubs(ids: PeripheralIds) -> list[dict[str, Any]]:
    path = "/api/chat.postMessage"
    auth = {"Authorization": {"equalTo": f"Bearer {ids.slack_bot_token}"}}
    # One timestamp for the response and its message, as Slack sends it; channel and text
    # are echoed through toJson so that quotes in a message stay valid JSON.
    template = (
        "{{#assign 'ts'}}{{now format='unix'}}.{{randomValue length=6 type='NUMERIC'}}"
        "{{/assign}}"
        '{"ok":true,"channel":{{{toJson (jsonPath request.body \'$.channel\')}}},'
        '"ts":"{{ts}}","message":{"type":"message","subtype":"bot_message",'
        "\"text\":{{{toJson (jsonPath request.body '$.text')}}},"
        f'"bot_id":"{ids.slack_bot}","ts":"{{{{ts}}}}"}}}}'
    )
    ok = {
        "status": 200,
        "body": template,
        "headers": {"Content-Type": "application/json; charset=utf-8"},
        "transformers": ["response-template"],
    }
    return [
        _stub(
            f"{SLACK_API}:ok",
            1,
            {
                "method": "POST",
                "urlPath": path,
                "headers": auth,
                "bodyPatterns": [
                    {"matchesJsonPath": f"$[?(@.channel == '{ids.slack_channel}')]"},
                    {"matchesJsonPath": "$.text"},
                ],
            },
            ok,
        ),
        _stub(
            f"{SLACK_API}:no_text",
            2,
            {
                "method": "POST",
                "urlPath": path,
                "headers": auth,
                "bodyPatterns": [{"matchesJsonPath": f"$[?(@.channel == '{ids.slack_channel}')]"}],
            },
            _json(200, {"ok": False, "error": "no_text"}),
        ),
        _stub(
            f"{SLACK_API}:channel_not_found",
            3,
            {"method": "POST", "urlPath": path, "headers": auth},
            _json(200, {"ok": False, "error": "channel_not_found"}),
        ),
        _stub(
            f"{SLACK_API}:invalid_auth",
            4,
            {
                "method": "POST",
                "urlPath": path,
                "headers": {"Authorization": {"matches": "Bearer .+"}},
            },
            _json(200, {"ok": False, "error": "invalid_auth"}),
        ),
        _stub(
            f"{SLACK_API}:not_authed",
            5,
            {"method": "POST", "urlPath": path},
            _json(200, {"ok": False, "error": "not_authed"}),
        ),
    ]


def teams_stubs(ids: PeripheralIds) -> list[dict[str, Any]]:
    return [
        _stub(
            f"{TEAMS}:accepted",
            1,
            {
                "method": "POST",
                "urlPath": ids.teams_path,
                "queryParameters": {"sig": {"equalTo": ids.teams_sig}},
                "bodyPatterns": [{"matchesJsonPath": "$.attachments"}],
            },
            {"status": 202},
        ),
        _stub(
            f"{TEAMS}:bad_request",
            2,
            {
                "method": "POST",
                "urlPath": ids.teams_path,
                "queryParameters": {"sig": {"equalTo": ids.teams_sig}},
            },
            _json(
                400,
                {
                    "error": {
                        "code": "InvalidRequestContent",
                        "message": "The request content is not valid JSON or lacks attachments.",
                    }
                },
            ),
        ),
        _stub(
            f"{TEAMS}:unauthorized",
            3,
            {"method": "ANY", "urlPathPattern": "/workflows/.*"},
            _json(
                401,
                {
                    "error": {
                        "code": "DirectApiAuthorizationRequired",
                        "message": "The request must be authenticated only by Shared Access scheme.",
                    }
                },
            ),
        ),
    ]


_ROWS_SCHEMA = '{"type": "object", "required": ["rows"], "properties": {"rows": {"type": "array"}}}'


def powerbi_stubs(ids: PeripheralIds) -> list[dict[str, Any]]:
    rows = ids.powerbi_rows_path
    auth = {"Authorization": {"equalTo": f"Bearer {ids.powerbi_token}"}}
    return [
        _stub(
            f"{POWERBI}:too_many_rows",
            1,
            {
                "method": "POST",
                "urlPath": rows,
                "headers": auth,
                "bodyPatterns": [{"matchesJsonPath": "$.rows[10000]"}],
            },
            _json(
                400,
                {
                    "error": {
                        "code": "InvalidRequest",
                        "message": "The request has more than 10000 rows.",
                    }
                },
            ),
        ),
        _stub(
            f"{POWERBI}:ok",
            2,
            {
                "method": "POST",
                "urlPath": rows,
                "headers": auth,
                "bodyPatterns": [{"matchesJsonSchema": _ROWS_SCHEMA}],
            },
            {"status": 200},
        ),
        _stub(
            f"{POWERBI}:bad_request",
            3,
            {"method": "POST", "urlPath": rows, "headers": auth},
            _json(
                400,
                {
                    "error": {
                        "code": "InvalidRequest",
                        "message": "The request body must be an object with a rows array.",
                    }
                },
            ),
        ),
        _stub(
            f"{POWERBI}:not_found",
            4,
            {
                "method": "ANY",
                "urlPathPattern": "/v1.0/myorg/datasets/.*",
                "headers": {"Authorization": {"equalTo": f"Bearer {ids.powerbi_token}"}},
            },
            _json(
                404, {"error": {"code": "ItemNotFound", "message": "Dataset or table not found."}}
            ),
        ),
        _stub(
            f"{POWERBI}:unauthorized",
            5,
            {"method": "ANY", "urlPathPattern": "/v1.0/myorg/.*"},
            _json(401, {"error": {"code": "PowerBINotAuthorizedException"}}),
        ),
    ]


def all_stubs(ids: PeripheralIds) -> list[dict[str, Any]]:
    return [
        *slack_webhook_stubs(ids),
        *slack_api_stubs(ids),
        *teams_stubs(ids),
        *powerbi_stubs(ids),
    ]


def endpoints_section(base_url: str, admin_url: str, ids: PeripheralIds) -> dict[str, Any]:
    """What a stack needs to reach the peripherals, as the endpoints file carries it."""
    return {
        COLLAB: {
            "vendor": "slack+teams",
            "base_url": base_url,
            "admin_url": admin_url,
            "slack_webhook_url": f"{base_url}{ids.slack_webhook_path}",
            "slack_api_url": f"{base_url}/api",
            "slack_bot_token": ids.slack_bot_token,
            "slack_channel": ids.slack_channel,
            "teams_webhook_url": (
                f"{base_url}{ids.teams_path}?api-version=2016-06-01"
                f"&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={ids.teams_sig}"
            ),
        },
        ANALYTICS: {
            "vendor": "powerbi",
            "base_url": base_url,
            "admin_url": admin_url,
            "rows_url": f"{base_url}{ids.powerbi_rows_path}",
            "access_token": ids.powerbi_token,
            "dataset_id": ids.powerbi_dataset,
            "table": ids.powerbi_table,
        },
    }
