"""The ERP simulator: NetSuite's REST record service, SuiteQL, TBA and OAuth 2.0 on the wire."""

from ._dialect import NetSuiteDialect, create_simulator
from ._settings import NetSuiteSettings

__all__ = ["NetSuiteDialect", "NetSuiteSettings", "create_simulator"]
