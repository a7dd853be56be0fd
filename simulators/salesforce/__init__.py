"""The CRM simulator: Salesforce's REST API, OAuth, SOQL and Change Data Capture on the wire."""

from ._dialect import SalesforceDialect, create_simulator
from ._schema import CustomFieldConfig, CustomObjectConfig, Schema, build_schema
from ._settings import PlatformEventConfig, SalesforceSettings

__all__ = [
    "CustomFieldConfig",
    "CustomObjectConfig",
    "PlatformEventConfig",
    "SalesforceDialect",
    "SalesforceSettings",
    "Schema",
    "build_schema",
    "create_simulator",
]
