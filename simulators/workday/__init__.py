"""The HCM simulator: Workday's REST API (Common v1, Staffing, the global form), OAuth and RaaS."""

from ._dialect import WorkdayDialect, create_simulator
from ._settings import REPORT_FIELDS, ReportColumn, ReportConfig, WorkdaySettings

__all__ = [
    "REPORT_FIELDS",
    "ReportColumn",
    "ReportConfig",
    "WorkdayDialect",
    "WorkdaySettings",
    "create_simulator",
]
