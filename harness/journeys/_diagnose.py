"""What broke: the stack's own failing vendor calls (from the simulators' journals) and the
target's log lines from the same moment, for a wait that timed out.

The harness's own calls carry the ``HARNESS_AGENT`` user agent, so whatever else answered
4xx/5xx in a journal was the stack's call. The vendor's error code and message are read
from the error body each vendor uses.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._errors import JourneyFailure

HARNESS_AGENT = "ps-integration-harness"


def vendor_error(body: Any) -> str:
    """``CODE: message`` from a Salesforce, NetSuite, Kantata or Workday error body."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return body[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):  # Salesforce
        return f"{body[0].get('errorCode')}: {body[0].get('message')}"
    if isinstance(body, dict):
        details = body.get("o:errorDetails")  # NetSuite
        if isinstance(details, list) and details:
            return f"{details[0].get('o:errorCode')}: {details[0].get('detail')}"
        errors = body.get("errors")  # Kantata, Workday
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return f"{first.get('type') or first.get('code') or body.get('error')}: {first.get('message') or first.get('error')}"
        if body.get("error"):
            return (
                f"{body.get('error')}: {body.get('message') or body.get('error_description') or ''}"
            )
    return str(body)[:200]


def failing_calls(admins: dict[str, Any], since: dict[str, int]) -> list[dict[str, Any]]:
    """The stack's calls answered 4xx/5xx since ``since`` (journal seq per system), oldest first."""
    out = []
    for system, admin in admins.items():
        try:
            entries = admin.journal(since_seq=since.get(system, 0))
        except JourneyFailure:
            continue
        for e in entries:
            agent = str((e.get("request_headers") or {}).get("user-agent") or "")
            status = int(e.get("status") or 0)
            lookup = status == 404 and e.get("method") == "GET"  # "not there yet" is an answer
            if status >= 400 and not lookup and not agent.startswith(HARNESS_AGENT):
                out.append({**e, "system": system})
    return sorted(out, key=lambda e: float(e.get("at") or 0))


def describe_call(e: dict[str, Any]) -> str:
    return (
        f"{e['system']} {e['method']} {e['path']} answered {e['status']}"
        f" {vendor_error(e.get('response_body'))}"
    )


def log_lines_near(log: Path, at: float, window: float = 2.0, most: int = 3) -> list[str]:
    """The target's JSON log lines within ``window`` seconds of ``at`` (epoch), warnings first."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    near = []
    for line in lines:
        try:
            rec = json.loads(line)
            ts = datetime.fromisoformat(str(rec["ts"]).replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            continue
        gap = abs(ts.replace(tzinfo=ts.tzinfo or UTC).timestamp() - at)
        if gap <= window:
            near.append((rec.get("level") not in ("warning", "error"), gap, line))
    near.sort(key=lambda x: (x[0], x[1]))
    return [line[:240] for _, _, line in near[:most]]


def explain(admins: dict[str, Any], since: dict[str, int], log: Path | None) -> str | None:
    """One sentence: the stack's last failing vendor call and its log from that moment."""
    calls = failing_calls(admins, since)
    if not calls:
        return None
    last = calls[-1]
    text = f"the stack's last failing vendor call: {describe_call(last)}"
    if len(calls) > 1:
        text += f" ({len(calls)} failing calls in this journey)"
    if log is not None:
        lines = log_lines_near(log, float(last.get("at") or 0), most=2)
        if lines:
            text += f"; target log ({log.name}) at that moment: " + " | ".join(lines)
    return text
