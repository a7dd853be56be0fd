"""The Business Central simulator: Dynamics 365 Business Central API v2.0 (OData v4) on the wire."""

from ._dialect import BusinessCentralDialect, create_simulator
from ._settings import BusinessCentralSettings

__all__ = ["BusinessCentralDialect", "BusinessCentralSettings", "create_simulator"]
