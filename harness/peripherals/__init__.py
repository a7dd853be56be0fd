"""The firm's landscape beyond the four simulators, on a real WireMock server.

Collaboration (Slack incoming webhook and ``chat.postMessage``, a Microsoft Teams
workflow webhook) and analytics (Power BI push dataset rows) answer with each vendor's
own bodies; journeys read what arrived from WireMock's request journal.
"""

from ._faults import PeripheralFault, add_fault
from ._peripherals import Peripherals, start_peripherals
from ._stubs import ANALYTICS, COLLAB, PeripheralIds, all_stubs

__all__ = [
    "ANALYTICS",
    "COLLAB",
    "PeripheralFault",
    "PeripheralIds",
    "Peripherals",
    "add_fault",
    "all_stubs",
    "start_peripherals",
]
