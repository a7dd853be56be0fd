"""Salesforce field types as its JSON carries them, shared by the CRM simulator, the contract
generator and the drift check (``harness contracts verify``)."""

from __future__ import annotations

#: describe field types whose values are text (a JSON string)
SALESFORCE_TEXT_TYPES = frozenset(
    {
        "string",
        "textarea",
        "picklist",
        "multipicklist",
        "phone",
        "url",
        "email",
        "combobox",
        "encryptedstring",
    }
)
