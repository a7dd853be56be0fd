"""Secrets out of the request journal: what a saved journal or its export may never hold.

Token requests and responses, SOAP logins and credential headers are recorded with the
secret values replaced by ``[redacted]``: form fields and query parameters (password,
client_secret, refresh_token, client_assertion ...), JSON members (access_token,
refresh_token ...) and SOAP elements (password, sessionId). A cheap byte search keeps the
ordinary request, which holds none of them, off the parsing path.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import orjson

REDACTED = "[redacted]"

#: field names whose values are secrets, in forms, queries and JSON bodies
SECRET_FIELDS = frozenset(
    {
        "password",
        "client_secret",
        "refresh_token",
        "access_token",
        "id_token",
        "assertion",
        "client_assertion",
        "code_verifier",
        "token",
        "security_token",
        "consumer_secret",
        "token_secret",
        "private_key_pem",
        "sessionid",
        "session_id",
    }
)
_MARKERS = (
    b"password",
    b"secret",
    b"token",
    b"assertion",
    b"sessionId",
    b"private_key",
)
_XML_SECRET = re.compile(
    r"<((?:\w+:)?(?:password|sessionId|Password|BinarySecurityToken))(\s[^>]*)?>[^<]*</\1>"
)
#: headers recorded shortened (their first characters tell the scheme apart)
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "proxy-authorization"}
)


def _may_hold_secret(text: str) -> bool:
    raw = text.encode("utf-8", "replace") if len(text) < 1_000_000 else text[:1_000_000].encode()
    return any(m in raw for m in _MARKERS)


def _redact_json(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: REDACTED
            if str(k).lower() in SECRET_FIELDS and isinstance(v, str | int) and v != ""
            else _redact_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def redact_text(text: str) -> str:
    """``text`` (a clipped body or a query string) with secret values replaced."""
    if not text or not _may_hold_secret(text):
        return text
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # clipped or not JSON: fall through to the other shapes
        else:
            cleaned = _redact_json(data)
            return text if cleaned == data else orjson.dumps(cleaned).decode()
    if stripped[:1] == "<":
        return _XML_SECRET.sub(
            lambda m: f"<{m.group(1)}{m.group(2) or ''}>{REDACTED}</{m.group(1)}>", text
        )
    if "=" in text and "\n" not in text:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs and any(k.lower() in SECRET_FIELDS for k, _ in pairs):
            return urlencode(
                [(k, REDACTED if k.lower() in SECRET_FIELDS and v else v) for k, v in pairs],
                safe="[]",
            )
    return _redact_loose(text)


_LOOSE = re.compile(
    r'("?(?:' + "|".join(sorted(SECRET_FIELDS)) + r')"?\s*[:=]\s*"?)([^"&\s,}<]+)', re.IGNORECASE
)


def _redact_loose(text: str) -> str:
    """Clipped JSON or odd shapes: cut any ``name: value`` / ``name=value`` of a secret field."""
    return _LOOSE.sub(lambda m: m.group(1) + REDACTED, text)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Credential headers cut: ``authorization`` to its first 16 characters, the rest whole."""
    if not any(h in headers for h in SECRET_HEADERS):
        return headers
    out = dict(headers)
    for h in SECRET_HEADERS:
        v = out.get(h)
        if v is None:
            continue
        if h == "authorization":
            out[h] = v[:16] + "..." if len(v) > 16 else v
        else:
            out[h] = REDACTED
    return out
