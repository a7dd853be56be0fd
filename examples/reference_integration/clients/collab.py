"""Collaboration and analytics: Slack, a Microsoft Teams workflow webhook, Power BI push rows.

- Slack ``chat.postMessage`` answers HTTP 200 for its own errors, with ``{"ok": false,
  "error"}``; only ``ratelimited`` (HTTP 429 with Retry-After) is worth retrying. The
  incoming webhook answers errors as plain-text codes with 4xx statuses.
- A Teams workflow webhook (Power Automate trigger) answers 202 with no body; its
  signature is the ``sig`` query parameter of the URL it was given.
- Power BI push dataset rows: ``POST .../datasets/{id}/tables/{table}/rows`` with
  ``{"rows": [...]}``, at most 10,000 rows a request; 429 with Retry-After when over the
  dataset's request rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import RateLimited, VendorError
from ..settings import RetrySettings
from ._http import TRANSIENT, HttpClient, body_of, retry_after

#: Power BI's limit of rows in one POST rows request
POWERBI_MAX_ROWS = 10_000


class SlackClient(HttpClient):
    system = "slack"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.api = str(cfg["slack_api_url"]).rstrip("/")
        self.token = str(cfg["slack_bot_token"])
        self.channel = str(cfg["slack_channel"])
        self.webhook_url = cfg.get("slack_webhook_url")

    def error(self, resp: httpx.Response) -> VendorError:
        text = str(body_of(resp))[:300]
        if resp.status_code == 429:
            return RateLimited(self.system, 429, "rate_limited", text, retry_after(resp))
        return VendorError(
            self.system,
            resp.status_code,
            text or "HTTP_ERROR",
            text,
            retryable=resp.status_code in TRANSIENT,
        )

    async def post_message(self, text: str) -> str:
        """``chat.postMessage`` to the configured channel; returns the message ``ts``."""
        resp = await self.send(
            "POST",
            f"{self.api}/chat.postMessage",
            json={"channel": self.channel, "text": text},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        body = resp.json()
        if not body.get("ok"):
            raise VendorError(
                self.system,
                resp.status_code,
                str(body.get("error")),
                f"chat.postMessage refused: {body.get('error')}",
                hint="check the bot token and that the bot is in the channel",
            )
        return str(body["ts"])

    async def post_webhook(self, text: str) -> None:
        """The incoming webhook (``ok`` on success)."""
        if not self.webhook_url:
            return
        await self.send("POST", str(self.webhook_url), json={"text": text})


def microsoft_error(system: str, resp: httpx.Response) -> VendorError:
    """Teams workflows and Power BI answer ``{"error": {"code", "message"}}``."""
    body = body_of(resp)
    err = body.get("error") if isinstance(body, dict) else None
    code = str((err or {}).get("code") or resp.status_code)
    msg = str((err or {}).get("message") or body)[:300]
    if resp.status_code == 429:
        return RateLimited(system, 429, code, msg, retry_after(resp))
    return VendorError(system, resp.status_code, code, msg, retryable=resp.status_code in TRANSIENT)


class TeamsClient(HttpClient):
    system = "teams"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.url = str(cfg["teams_webhook_url"])

    def error(self, resp: httpx.Response) -> VendorError:
        return microsoft_error(self.system, resp)

    async def post_card(self, title: str, facts: Mapping[str, str]) -> None:
        """An Adaptive Card with a title and a fact set, as a Teams workflow expects it."""
        card = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "text": title},
                {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts.items()]},
            ],
        }
        await self.send(
            "POST",
            self.url,
            json={
                "type": "message",
                "attachments": [
                    {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
                ],
            },
        )


class PowerBIClient(HttpClient):
    system = "powerbi"

    def __init__(self, cfg: Mapping[str, Any], ca_bundle: str | None, retry: RetrySettings) -> None:
        super().__init__(ca_bundle, retry)
        self.rows_url = str(cfg["rows_url"])
        self.token = str(cfg["access_token"])

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def error(self, resp: httpx.Response) -> VendorError:
        return microsoft_error(self.system, resp)

    async def push_rows(self, rows: list[dict[str, Any]]) -> int:
        """Push ``rows`` in requests of at most 10,000; returns the number of requests."""
        requests = 0
        for start in range(0, len(rows), POWERBI_MAX_ROWS):
            await self.send(
                "POST", self.rows_url, json={"rows": rows[start : start + POWERBI_MAX_ROWS]}
            )
            requests += 1
        return requests
