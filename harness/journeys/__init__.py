"""Journeys: the firm's people acting on the vendors' APIs, and the checks across systems.

The public scenario API: the people (``SalesRep``, ``Consultant``, ``ProjectManager``,
``Customer``, ``HrPartner``, ``BillingOffice``), the ``Scene`` a journey plays in, the
``StepRunner`` that times and records each step, the building blocks the bundled
journeys are made of, the invariants, and ``JourneySpec`` to add your own journey with
its own invariants. See docs/writing-a-journey.md.

>>> with Session(SessionOptions(seed=1)) as s:
...     result = s.play("tm")
"""

from ._actors import (
    BillingOffice,
    Consultant,
    Customer,
    HrPartner,
    ProjectManager,
    SalesRep,
)
from ._applied_faults import describe_fault
from ._canon import Canon, Ledger
from ._erp import BusinessCentralReader, ErpReader, NetSuiteReader, erp_reader
from ._errors import JourneyFailure, TargetDown, WaitTimeout
from ._events import (
    Event,
    EventBus,
    JourneyFinished,
    JourneyStarted,
    PhaseStarted,
    RunFinished,
    RunStarted,
    StepFinished,
)
from ._faults import check_fault_rules, load_faults
from ._invariants import INVARIANTS, Facts, check_invariants
from ._journeys import (
    JOURNEYS,
    SUITES,
    JourneySpec,
    Scene,
    bill_time,
    complete,
    invoice_link,
    log_and_approve,
    milestones,
    note_invoiced,
    open_project,
    pay_and_flow_back,
    settle,
    wait_crm_status,
    wait_invoices,
    wait_time_invoiced,
)
from ._mapping import MappingSpec, load_mapping, parse_mapping
from ._model import Exchange, InvariantResult, JourneyResult, RunResult, StepResult
from ._runner import run_journeys
from ._select import select_journeys
from ._session import Session, SessionOptions
from ._session import _crm_settings as journey_simulator_sections
from ._steps import StepRunner
from ._target import TargetSpec, embedded_spec, load_target_file

__all__ = [
    "INVARIANTS",
    "JOURNEYS",
    "SUITES",
    "BillingOffice",
    "BusinessCentralReader",
    "Canon",
    "Consultant",
    "Customer",
    "ErpReader",
    "Event",
    "EventBus",
    "Exchange",
    "Facts",
    "HrPartner",
    "InvariantResult",
    "JourneyFailure",
    "JourneyFinished",
    "JourneyResult",
    "JourneySpec",
    "JourneyStarted",
    "Ledger",
    "MappingSpec",
    "NetSuiteReader",
    "PhaseStarted",
    "ProjectManager",
    "RunFinished",
    "RunResult",
    "RunStarted",
    "SalesRep",
    "Scene",
    "Session",
    "SessionOptions",
    "StepFinished",
    "StepResult",
    "StepRunner",
    "TargetDown",
    "TargetSpec",
    "WaitTimeout",
    "bill_time",
    "check_fault_rules",
    "check_invariants",
    "complete",
    "describe_fault",
    "embedded_spec",
    "erp_reader",
    "invoice_link",
    "journey_simulator_sections",
    "load_faults",
    "load_mapping",
    "load_target_file",
    "log_and_approve",
    "milestones",
    "note_invoiced",
    "open_project",
    "parse_mapping",
    "pay_and_flow_back",
    "run_journeys",
    "select_journeys",
    "settle",
    "wait_crm_status",
    "wait_invoices",
    "wait_time_invoiced",
]
