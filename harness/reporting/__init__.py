"""Reporters: subscribers to the run's events (console, JUnit XML, JSON summary, HTML)."""

from ._allure import AllureReporter
from ._console import ConsoleReporter
from ._html import HtmlReporter, html_report
from ._junit import JUnitReporter, junit_xml
from ._kpi_history import KpiHistory, compare, read_history
from ._summary import JsonSummaryReporter, summary
from ._timeline import timeline_svg

__all__ = [
    "AllureReporter",
    "ConsoleReporter",
    "HtmlReporter",
    "JUnitReporter",
    "JsonSummaryReporter",
    "KpiHistory",
    "compare",
    "html_report",
    "junit_xml",
    "read_history",
    "summary",
    "timeline_svg",
]
