"""One client per vendor, each speaking only that vendor's documented wire API."""

from .kantata import KantataClient
from .netsuite import NetSuiteClient
from .salesforce import SalesforceClient
from .workday import WorkdayClient

__all__ = ["KantataClient", "NetSuiteClient", "SalesforceClient", "WorkdayClient"]
