"""The record types the simulator serves, their fields, sublists and SuiteQL tables.

Field kinds: string, integer, float, boolean, date, datetime, duration (hours), ref
(another record, or a fixed list when ``choices`` is set). Records are stored flat:
references as the referenced id, sublists as lists of line dicts. ``family`` names the
id sequence; NetSuite numbers entities, transactions and items in shared spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["string", "integer", "float", "boolean", "date", "datetime", "duration", "ref"]


@dataclass(slots=True, frozen=True)
class FieldDef:
    name: str
    kind: Kind = "string"
    #: for refs: the record types the reference may point at (empty = unchecked)
    targets: tuple[str, ...] = ()
    #: for refs to fixed lists: id -> refName
    choices: tuple[tuple[str, str], ...] = ()
    readonly: bool = False
    required: bool = False

    @property
    def is_ref(self) -> bool:
        return self.kind == "ref"


@dataclass(slots=True)
class SublistDef:
    name: str
    fields: dict[str, FieldDef]  # lower-case name -> field


@dataclass(slots=True, frozen=True)
class WritePlan:
    """What every write of a type checks, from its fields (``RecordType.plan``)."""

    #: checkbox fields, in field order (never left empty)
    booleans: tuple[str, ...]
    #: required fields, in field order
    required: tuple[str, ...]
    #: whether the type has its ``created_field``
    has_created: bool
    #: the checkboxes as a set, for finding which a record sets
    boolean_set: frozenset[str] = frozenset()
    #: checkboxes not set -> those checkboxes false, in field order (filled in as writes meet them)
    unset_false: dict[frozenset[str], dict[str, bool]] = field(default_factory=dict)
    #: what a key of a request body names: see ``RecordType.member``
    members: dict[str, tuple[int, FieldDef | SublistDef | None]] = field(default_factory=dict)


#: what a key of a request body names (``RecordType.member``): nothing to write (links,
#: refName, a read-only field), a field, a sublist, or nothing the type knows
SKIP, FIELD, SUBLIST, UNKNOWN = range(4)
#: at most this many spellings of keys remembered per type (a client inventing keys cannot
#: grow it further)
_MEMBERS_MAX = 1024


@dataclass(slots=True)
class RecordType:
    name: str
    family: str
    #: SuiteScript record.type, used in change notifications
    script_type: str
    fields: dict[str, FieldDef]  # lower-case name -> field
    sublists: dict[str, SublistDef] = field(default_factory=dict)
    #: fields the refName is built from, first non-empty wins
    ref_name_fields: tuple[str, ...] = ("name",)
    created_field: str = "dateCreated"
    is_transaction: bool = False
    #: SuiteQL transaction.type of this record (transactions only)
    tran_type: str = ""
    tran_prefix: str = ""
    #: built from ``fields`` on first use; ``set_field`` drops it
    _plan: WritePlan | None = field(default=None, repr=False, compare=False)

    def field(self, name: str) -> FieldDef | None:
        return self.fields.get(name.lower())

    def set_field(self, key: str, f: FieldDef) -> None:
        """Add or replace a field (a release's or the referenced schema's); key: lower-case."""
        self.fields[key] = f
        self._plan = None

    def plan(self) -> WritePlan:
        """The type's write plan, built once rather than from every field on every write."""
        if self._plan is None:
            fs = self.fields.values()
            booleans = tuple(f.name for f in fs if f.kind == "boolean")
            self._plan = WritePlan(
                booleans,
                tuple(f.name for f in fs if f.required),
                any(f.name == self.created_field for f in fs),
                frozenset(booleans),
            )
        return self._plan

    def member(self, key: str) -> tuple[int, FieldDef | SublistDef | None]:
        """What ``key`` of a request body names (``SKIP``, ``FIELD`` or ``SUBLIST`` with its
        definition, ``UNKNOWN``), remembered per spelling in the write plan."""
        members = self.plan().members
        hit = members.get(key)
        if hit is not None:
            return hit
        low = key.lower()
        f = self.fields.get(low)
        sl = self.sublists.get(low)
        m: tuple[int, FieldDef | SublistDef | None]
        if low in ("links", "refname"):
            m = (SKIP, None)
        elif f is not None:
            m = (SKIP, f) if f.readonly else (FIELD, f)
        elif sl is not None:
            m = (SUBLIST, sl)
        else:
            m = (UNKNOWN, None)
        if len(members) < _MEMBERS_MAX:
            members[key] = m
        return m

    def sublist(self, name: str) -> SublistDef | None:
        return self.sublists.get(name.lower())


def _f(
    name: str,
    kind: Kind = "string",
    *targets: str,
    readonly: bool = False,
    required: bool = False,
    choices: tuple[tuple[str, str], ...] = (),
) -> FieldDef:
    return FieldDef(name, kind, tuple(targets), choices, readonly, required)


def _fields(*defs: FieldDef) -> dict[str, FieldDef]:
    return {d.name.lower(): d for d in defs}


SO_STATUS = (
    ("A", "Pending Approval"),
    ("B", "Pending Fulfillment"),
    ("E", "Pending Billing/Partially Fulfilled"),
    ("F", "Pending Billing"),
    ("G", "Billed"),
    ("H", "Closed"),
)
INV_STATUS = (("A", "Open"), ("B", "Paid In Full"))
#: credit memo status: CustCred:A Open, CustCred:B Fully Applied, CustCred:V Voided
CREDIT_STATUS = (("A", "Open"), ("B", "Fully Applied"), ("V", "Voided"))
PAYMENT_STATUS = (("A", "Unapproved Payment"), ("B", "Not Deposited"), ("C", "Deposited"))
EXP_STATUS = (
    ("A", "In Progress"),
    ("B", "Pending Supervisor Approval"),
    ("F", "Approved by Accounting"),
)
#: vendor bill status: VendBill:A Open, VendBill:B Paid In Full, VendBill:D Pending Approval
VENDBILL_STATUS = (("A", "Open"), ("B", "Paid In Full"), ("D", "Pending Approval"))
TIME_APPROVAL = (("1", "Open"), ("2", "Pending Approval"), ("3", "Approved"), ("4", "Rejected"))
JOB_STATUS = (
    ("1", "Closed"),
    ("2", "In Progress"),
    ("3", "Not Awarded"),
    ("4", "Pending"),
    ("5", "Awarded"),
)
#: project billing types; the record browser lists select ids 1-5 for job.jobBillingType
JOB_BILLING_TYPE = (
    ("1", "Charge-Based"),
    ("2", "Fixed Bid, Interval"),
    ("3", "Fixed Bid, Milestone"),
    ("4", "Time and Materials"),
    ("5", "None"),
)
TASK_STATUS = (("NOTSTART", "Not Started"), ("PROGRESS", "In Progress"), ("COMPLETE", "Completed"))
TIME_TYPE = (("A", "Actual Time"), ("P", "Planned Time"))

_SYSTEM = (
    _f("id", readonly=True),
    _f("externalId"),
    _f("lastModifiedDate", "datetime", readonly=True),
)
_ENTITY_SYS = (*_SYSTEM, _f("dateCreated", "datetime", readonly=True), _f("isInactive", "boolean"))
_TRAN_SYS = (*_SYSTEM, _f("createdDate", "datetime", readonly=True))
ENTITY = ("customer", "job")

_ITEM_LINE = _fields(
    _f("line", "integer"),
    _f("item", "ref", "serviceItem", required=True),
    _f("description"),
    _f("quantity", "float"),
    _f("rate", "float"),
    _f("amount", "float"),
    _f("isClosed", "boolean"),
    _f("customer", "ref", *ENTITY),
    _f("isBillable", "boolean"),
)
_TIME_LINE = _fields(
    _f("line", "integer"),
    _f("apply", "boolean"),
    _f("doc", "ref", "timeBill", required=True),
    _f("employee", "ref", "employee", readonly=True),
    _f("item", "ref", "serviceItem", readonly=True),
    _f("quantity", "float"),
    _f("rate", "float"),
    _f("amount", "float"),
    _f("billedDate", "date", readonly=True),
    _f("memo"),
)
_EXPENSE_LINE = _fields(
    _f("line", "integer"),
    _f("category", "ref"),
    _f("expenseDate", "date"),
    _f("amount", "float", required=True),
    _f("memo"),
    _f("customer", "ref", *ENTITY),
    _f("isBillable", "boolean"),
    _f("currency", "ref", "currency"),
)

#: customerPayment's apply sublist: the invoices a payment pays (doc) and how much of each
_APPLY_LINE = _fields(
    _f("line", "integer"),
    _f("apply", "boolean"),
    _f("doc", "ref", "invoice", required=True),
    _f("amount", "float"),
    _f("type", readonly=True),
    _f("refNum", readonly=True),
    _f("applyDate", "date", readonly=True),
    _f("total", "float", readonly=True),
    _f("due", "float", readonly=True),
    _f("currency", "ref", "currency", readonly=True),
    _f("job", "ref", "job", readonly=True),
)

#: creditMemo's apply sublist: the invoices a credit is applied to (doc) and how much
_CREDIT_APPLY_LINE = _fields(
    *(f for f in _APPLY_LINE.values() if f.name != "doc"),
    _f("doc", "ref", "invoice", required=True),
)


def _tran_head(party: str, targets: tuple[str, ...]) -> tuple[FieldDef, ...]:
    """The fields every transaction starts with; ``party`` names its entity or customer."""
    return (
        *_TRAN_SYS,
        _f("tranId"),
        _f(party, "ref", *targets, required=True),
        _f("tranDate", "date"),
        _f("subsidiary", "ref", "subsidiary"),
        _f("currency", "ref", "currency"),
        _f("exchangeRate", "float"),
        _f("memo"),
    )


def _transaction_type(
    name: str,
    script_type: str,
    fields: dict[str, FieldDef],
    sublists: dict[str, SublistDef],
    tran_type: str,
    prefix: str,
) -> RecordType:
    """A transaction record type: named by ``tranId``, stamped ``createdDate``."""
    return RecordType(
        name,
        "transaction",
        script_type,
        fields,
        sublists,
        ref_name_fields=("tranId",),
        created_field="createdDate",
        is_transaction=True,
        tran_type=tran_type,
        tran_prefix=prefix,
    )


def _transaction(
    name: str,
    script_type: str,
    tran_type: str,
    prefix: str,
    *extra: FieldDef,
    sublists: dict[str, SublistDef],
    status: tuple[tuple[str, str], ...],
    entity_targets: tuple[str, ...] = ENTITY,
) -> RecordType:
    fields = _fields(
        *_tran_head("entity", entity_targets),
        _f("otherRefNum"),
        _f("status", "ref", readonly=True, choices=status),
        _f("total", "float", readonly=True),
        _f("subtotal", "float", readonly=True),
        *extra,
    )
    return _transaction_type(name, script_type, fields, sublists, tran_type, prefix)


def _customer_payment() -> RecordType:
    """A payment received from a customer (``customer``, not ``entity``), applied to invoices."""
    fields = _fields(
        *_tran_head("customer", ENTITY),
        _f("status", "ref", readonly=True, choices=PAYMENT_STATUS),
        _f("payment", "float"),
        _f("applied", "float", readonly=True),
        _f("unapplied", "float", readonly=True),
        _f("total", "float", readonly=True),
        _f("account", "ref"),
        _f("arAcct", "ref"),
        _f("undepFunds", "boolean"),
        _f("checkNum"),
    )
    return _transaction_type(
        "customerPayment",
        "customerpayment",
        fields,
        {"apply": SublistDef("apply", _APPLY_LINE)},
        "CustPymt",
        "PYMT",
    )


def build_types() -> dict[str, RecordType]:
    """Lower-case type name -> RecordType."""
    types = [
        RecordType(
            "subsidiary",
            "subsidiary",
            "subsidiary",
            _fields(
                *_SYSTEM,
                _f("isInactive", "boolean"),
                _f("name", required=True),
                _f("parent", "ref", "subsidiary"),
                _f("currency", "ref", "currency"),
                _f("country"),
                _f("legalName"),
                _f("isElimination", "boolean"),
            ),
            ref_name_fields=("name",),
        ),
        RecordType(
            "currency",
            "currency",
            "currency",
            _fields(
                *_SYSTEM,
                _f("isInactive", "boolean"),
                _f("name", required=True),
                _f("symbol", required=True),
                _f("displaySymbol"),
                _f("exchangeRate", "float"),
                _f("isBaseCurrency", "boolean"),
            ),
            ref_name_fields=("name",),
        ),
        RecordType(
            "customer",
            "entity",
            "customer",
            _fields(
                *_ENTITY_SYS,
                _f("entityId"),
                _f("companyName"),
                _f("isPerson", "boolean"),
                _f("firstName"),
                _f("lastName"),
                _f("email"),
                _f("phone"),
                _f("subsidiary", "ref", "subsidiary", required=True),
                _f("currency", "ref", "currency"),
                _f("parent", "ref", "customer"),
                _f("comments"),
                _f("url"),
                _f("balance", "float", readonly=True),
                _f("creditLimit", "float"),
            ),
            ref_name_fields=("entityId", "companyName"),
        ),
        RecordType(
            "contact",
            "entity",
            "contact",
            _fields(
                *_ENTITY_SYS,
                _f("entityId"),
                _f("firstName"),
                _f("lastName"),
                _f("email"),
                _f("phone"),
                _f("title"),
                _f("company", "ref", *ENTITY),
                _f("subsidiary", "ref", "subsidiary"),
            ),
            ref_name_fields=("entityId",),
        ),
        RecordType(
            "vendor",
            "entity",
            "vendor",
            _fields(
                *_ENTITY_SYS,
                _f("entityId"),
                _f("companyName", required=True),
                _f("isPerson", "boolean"),
                _f("firstName"),
                _f("lastName"),
                _f("email"),
                _f("phone"),
                _f("subsidiary", "ref", "subsidiary", required=True),
                _f("currency", "ref", "currency"),
                _f("accountNumber"),
                _f("is1099Eligible", "boolean"),
            ),
            ref_name_fields=("companyName", "entityId"),
        ),
        RecordType(
            "employee",
            "entity",
            "employee",
            _fields(
                *_ENTITY_SYS,
                _f("entityId"),
                _f("firstName"),
                _f("lastName"),
                _f("email"),
                _f("phone"),
                _f("title"),
                _f("subsidiary", "ref", "subsidiary", required=True),
                _f("currency", "ref", "currency"),
                _f("supervisor", "ref", "employee"),
                _f("laborCost", "float"),
                _f("hireDate", "date"),
                _f("isJobResource", "boolean"),
            ),
            ref_name_fields=("entityId",),
        ),
        RecordType(
            "job",
            "entity",
            "job",
            _fields(
                *_ENTITY_SYS,
                _f("entityId"),
                _f("companyName"),
                _f("parent", "ref", "customer", required=True),
                _f("subsidiary", "ref", "subsidiary"),
                _f("currency", "ref", "currency"),
                _f("entityStatus", "ref", choices=JOB_STATUS),
                _f("startDate", "date"),
                _f("projectedEndDate", "date"),
                _f("endDate", "date"),
                _f("projectManager", "ref", "employee"),
                _f("jobBillingType", "ref", choices=JOB_BILLING_TYPE),
                _f("comments"),
            ),
            ref_name_fields=("entityId", "companyName"),
        ),
        RecordType(
            "projectTask",
            "projecttask",
            "projecttask",
            _fields(
                *_SYSTEM,
                _f("title", required=True),
                _f("company", "ref", "job", required=True),
                _f("status", "ref", choices=TASK_STATUS),
                _f("startDate", "date"),
                _f("endDate", "date"),
                _f("estimatedWork", "float"),
                _f("plannedWork", "float"),
                _f("actualWork", "float", readonly=True),
                _f("parent", "ref", "projectTask"),
                _f("message"),
                _f("dateCreated", "datetime", readonly=True),
            ),
            ref_name_fields=("title",),
        ),
        RecordType(
            "serviceItem",
            "item",
            "serviceitem",
            _fields(
                *_SYSTEM,
                _f("dateCreated", "datetime", readonly=True),
                _f("isInactive", "boolean"),
                _f("itemId", required=True),
                _f("displayName"),
                _f("description"),
                _f("salesDescription"),
                _f("rate", "float"),
                _f("cost", "float"),
                _f("subsidiary", "ref", "subsidiary"),
                _f("includeChildren", "boolean"),
            ),
            ref_name_fields=("itemId",),
        ),
        _transaction(
            "salesOrder",
            "salesorder",
            "SalesOrd",
            "SO",
            _f("startDate", "date"),
            _f("endDate", "date"),
            _f("job", "ref", "job"),
            sublists={"item": SublistDef("item", _ITEM_LINE)},
            status=SO_STATUS,
        ),
        _transaction(
            "invoice",
            "invoice",
            "CustInvc",
            "INV",
            _f("dueDate", "date"),
            _f("createdFrom", "ref", "salesOrder", readonly=True),
            _f("amountRemaining", "float", readonly=True),
            _f("amountPaid", "float", readonly=True),
            _f("job", "ref", "job"),
            sublists={
                "item": SublistDef("item", _ITEM_LINE),
                "time": SublistDef("time", _TIME_LINE),
            },
            status=INV_STATUS,
        ),
        _customer_payment(),
        _transaction(
            "creditMemo",
            "creditmemo",
            "CustCred",
            "CM",
            _f("createdFrom", "ref", "invoice", readonly=True),
            _f("amountRemaining", "float", readonly=True),
            _f("applied", "float", readonly=True),
            _f("unapplied", "float", readonly=True),
            _f("job", "ref", "job"),
            sublists={
                "item": SublistDef("item", _ITEM_LINE),
                "apply": SublistDef("apply", _CREDIT_APPLY_LINE),
            },
            status=CREDIT_STATUS,
        ),
        _transaction(
            "expenseReport",
            "expensereport",
            "ExpRept",
            "EXP",
            _f("approvalStatus", "ref", choices=TIME_APPROVAL),
            _f("accountingApproval", "boolean"),
            _f("supervisorApproval", "boolean"),
            sublists={"expense": SublistDef("expense", _EXPENSE_LINE)},
            status=EXP_STATUS,
            entity_targets=("employee",),
        ),
        _transaction(
            "vendorBill",
            "vendorbill",
            "VendBill",
            "BILL",
            _f("dueDate", "date"),
            _f("approvalStatus", "ref", choices=TIME_APPROVAL),
            sublists={"expense": SublistDef("expense", _EXPENSE_LINE)},
            status=VENDBILL_STATUS,
            entity_targets=("vendor",),
        ),
        RecordType(
            "timeBill",
            "timebill",
            "timebill",
            _fields(
                *_SYSTEM,
                _f("dateCreated", "datetime", readonly=True),
                _f("employee", "ref", "employee", required=True),
                _f("customer", "ref", *ENTITY),
                _f("caseTaskEvent", "ref", "projectTask"),
                _f("item", "ref", "serviceItem"),
                _f("hours", "duration", required=True),
                _f("tranDate", "date"),
                _f("isBillable", "boolean"),
                _f("rate", "float"),
                _f("price", "ref"),
                _f("memo"),
                _f("subsidiary", "ref", "subsidiary"),
                _f("approvalStatus", "ref", choices=TIME_APPROVAL),
                _f("supervisorApproval", "boolean"),
                _f("timeType", "ref", choices=TIME_TYPE),
                _f("isBilled", "boolean", readonly=True),
                _f("invoice", "ref", "invoice", readonly=True),
            ),
            ref_name_fields=(),
        ),
    ]
    out = {t.name.lower(): t for t in types}
    from ._referenced import add_reference_fields  # late import: it builds on this module

    add_reference_fields(out)
    return out
