"""One client per vendor, each speaking only that vendor's documented wire API."""

from .businesscentral import BusinessCentralClient
from .kantata import KantataClient
from .netsuite import NetSuiteClient
from .salesforce import SalesforceClient
from .workday import WorkdayClient

__all__ = [
    "BusinessCentralClient",
    "KantataClient",
    "NetSuiteClient",
    "SalesforceClient",
    "WorkdayClient",
]
