"""The reference integration: a middleware service that runs the opportunity-to-invoice
journey across Salesforce, NetSuite, Kantata OX and Workday through their wire APIs."""

from .app import Integration, create_app
from .errors import ConfigurationError, IntegrationError, VendorError
from .server import RunningIntegration, serve
from .settings import Settings, load_settings

__all__ = [
    "ConfigurationError",
    "Integration",
    "IntegrationError",
    "RunningIntegration",
    "Settings",
    "VendorError",
    "create_app",
    "load_settings",
    "serve",
]
