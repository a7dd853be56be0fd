"""Redaction of recorded vendor traffic: secrets removed, personal data replaced.

Secrets (tokens, passwords, client secrets, signatures, session ids) become ``REDACTED``.
Personal data (e-mail addresses, phone numbers, people's names, street addresses, birth
dates, national ids) becomes a stable placeholder derived from a hash of the value, so
the same person is the same placeholder everywhere in one recording and relations hold.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

REDACTED = "REDACTED"
_SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|signature|session_?id|sessionid|api_?key|private_?key"
    r"|authorization|cookie|client_assertion|security_?token|sig$)",
    re.IGNORECASE,
)
_EMAIL_KEY = re.compile(r"e_?mail", re.IGNORECASE)
_PHONE_KEY = re.compile(r"(phone|mobile|fax)", re.IGNORECASE)
_NAME_KEY = re.compile(
    r"^(first_?name|last_?name|middle_?name|full_?name|legal_?name|preferred_?name|"
    r"worker|descriptor|name_?on_?card|contact_?name)$",
    re.IGNORECASE,
)
_PERSONAL_KEY = re.compile(
    r"(street|address_?line|postal_?code|zip|birth|ssn|national_?id|tax_?id|passport|iban)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(Bearer|OAuth)\s+\S+")
#: header names whose values are credentials
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-api-key"})


def _tag(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:8]


def _text(value: str) -> str:
    value = _EMAIL.sub(lambda m: f"person-{_tag(m.group(0).lower())}@example.invalid", value)
    return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", value)


def redact_value(key: str, value: Any) -> Any:
    """One field: by its name first, then e-mail addresses and tokens in any text."""
    if isinstance(value, dict | list):
        return redact(value)
    if value is None or isinstance(value, bool):
        return value
    if _SECRET_KEY.search(key):
        return REDACTED
    text = str(value)
    if _EMAIL_KEY.search(key):
        return f"person-{_tag(text.lower())}@example.invalid"
    if _PHONE_KEY.search(key):
        return f"+1-555-{int(_tag(text), 16) % 10_000:04d}"
    if _NAME_KEY.search(key):
        return f"Person {_tag(text)}"
    if _PERSONAL_KEY.search(key):
        return f"redacted-{_tag(text)}"
    return _text(value) if isinstance(value, str) else value


_PERSON_MARKERS = frozenset({"firstname", "lastname", "first_name", "last_name", "full_name"})


def redact(doc: Any) -> Any:
    """A JSON document with secrets removed and personal data replaced.

    In a record that describes a person (it has a first or last name), its plain
    ``Name``/``name`` is the person's name too (Salesforce Contact, Lead, User).
    """
    if isinstance(doc, dict):
        person = any(str(k).lower() in _PERSON_MARKERS for k in doc)
        return {
            k: (
                f"Person {_tag(str(v))}"
                if person and str(k).lower() == "name" and isinstance(v, str)
                else redact_value(str(k), v)
            )
            for k, v in doc.items()
        }
    if isinstance(doc, list):
        return [redact(v) for v in doc]
    if isinstance(doc, str):
        return _text(doc)
    return doc
