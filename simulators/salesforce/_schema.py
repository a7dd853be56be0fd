"""The sObject schema the CRM simulator serves: standard objects plus configured custom ones.

Field names, types and create/update rules follow Salesforce's describe output (see the
recorded describes of Account, Contact and Opportunity). The schema drives validation,
describe, SOQL name resolution and relationship traversal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts import SALESFORCE_TEXT_TYPES

SYSTEM_FIELDS = (
    "Id",
    "IsDeleted",
    "CreatedDate",
    "CreatedById",
    "LastModifiedDate",
    "LastModifiedById",
    "SystemModstamp",
)

# Salesforce field types whose values are numbers in JSON.
NUMERIC_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
TEXT_TYPES = SALESFORCE_TEXT_TYPES
ID_TYPES = frozenset({"id", "reference"})


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One sObject field as describe reports it."""

    name: str
    type: str
    label: str = ""
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    defaulted_on_create: bool = False
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    child_relationship_name: str | None = None
    external_id: bool = False
    unique: bool = False
    length: int = 0
    precision: int = 0
    scale: int = 0
    picklist_values: tuple[str, ...] = ()
    custom: bool = False
    name_field: bool = False
    id_lookup: bool = False
    cascade_delete: bool = False
    #: the compound field this one is part of (BillingCity -> BillingAddress)
    compound_field_name: str | None = None
    restricted_picklist: bool = False
    #: computed by the platform (formula or roll-up); never written by a client
    calculated: bool = False
    auto_number: bool = False
    default_picklist_value: str | None = None
    digits: int = 0

    @property
    def required_on_create(self) -> bool:
        """True when an insert without this field fails with REQUIRED_FIELD_MISSING."""
        return (
            self.createable
            and not self.nillable
            and not self.defaulted_on_create
            and self.type != "boolean"
        )


@dataclass(frozen=True, slots=True)
class ChildRelationship:
    child_sobject: str
    field: str
    relationship_name: str | None
    cascade_delete: bool = False


@dataclass(slots=True)
class ObjectDef:
    """One sObject type: its key prefix, labels and fields (looked up case-insensitively)."""

    name: str
    key_prefix: str
    label: str
    label_plural: str
    fields: dict[str, FieldDef] = field(default_factory=dict)  # lower-case name -> field
    custom: bool = False
    child_relationships: list[ChildRelationship] = field(default_factory=list)
    queryable: bool = True
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    is_platform_event: bool = False
    #: the write plan compiled for the current fields (``BusinessRules.plan``), dropped by
    #: ``add_field`` (a field added, renamed or redefined)
    write_plan: Any = field(default=None, init=False, repr=False, compare=False)

    def field(self, name: str) -> FieldDef | None:
        return self.fields.get(name.lower())

    def add_field(self, f: FieldDef) -> None:
        self.fields[f.name.lower()] = f
        self.write_plan = None

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationshipName is ``name`` (case-insensitive)."""
        lname = name.lower()
        for f in self.fields.values():
            if f.relationship_name and f.relationship_name.lower() == lname:
                return f
        return None

    def child_relationship(self, name: str) -> ChildRelationship | None:
        lname = name.lower()
        for rel in self.child_relationships:
            if rel.relationship_name and rel.relationship_name.lower() == lname:
                return rel
        return None

    @property
    def external_id_fields(self) -> list[FieldDef]:
        return [f for f in self.fields.values() if f.external_id]

    @property
    def name_field(self) -> FieldDef | None:
        for f in self.fields.values():
            if f.name_field:
                return f
        return None


class Schema:
    """All sObjects of one simulator, with child relationships derived from references."""

    def __init__(self, objects: Iterable[ObjectDef]) -> None:
        self._objects: dict[str, ObjectDef] = {o.name.lower(): o for o in objects}
        #: by the name as spelled (how nearly every caller names an object): no lower-casing
        self._exact: dict[str, ObjectDef] = {o.name: o for o in self._objects.values()}
        self._by_prefix: dict[str, ObjectDef] = {o.key_prefix: o for o in self._objects.values()}
        self._link_children()

    def _link_children(self) -> None:
        for obj in self._objects.values():
            obj.child_relationships.clear()
        for obj in self._objects.values():
            for f in obj.fields.values():
                for target in f.reference_to:
                    parent = self._objects.get(target.lower())
                    if parent is not None:
                        parent.child_relationships.append(
                            ChildRelationship(
                                obj.name, f.name, f.child_relationship_name, f.cascade_delete
                            )
                        )

    def get(self, name: str) -> ObjectDef | None:
        obj = self._exact.get(name)
        return obj if obj is not None else self._objects.get(name.lower())

    def by_prefix(self, prefix: str) -> ObjectDef | None:
        return self._by_prefix.get(prefix)

    def __iter__(self) -> Iterator[ObjectDef]:
        return iter(self._objects.values())

    def names(self) -> list[str]:
        return sorted(o.name for o in self._objects.values())


# ---------------------------------------------------------------------------------------
# Standard objects. A compact table: name, type and flags; describe fills in the rest.


def _f(name: str, type_: str, **kw: Any) -> FieldDef:
    label = kw.pop("label", None) or _label(name)
    if type_ in ("string", "textarea", "url", "phone", "email", "picklist") and "length" not in kw:
        kw["length"] = {"textarea": 32000, "url": 255, "phone": 40, "email": 80}.get(type_, 255)
    if type_ in ("id", "reference"):
        kw.setdefault("length", 18)
    if type_ in ("currency", "double", "percent"):
        kw.setdefault("precision", 18)
        kw.setdefault("scale", 2)
    return FieldDef(name=name, type=type_, label=label, **kw)


def _label(name: str) -> str:
    base = name[:-3] if name.endswith("__c") else name
    base = base.removesuffix("Id") if base.endswith("Id") and len(base) > 2 else base
    out = []
    for i, ch in enumerate(base):
        if ch.isupper() and i and not base[i - 1].isupper():
            out.append(" ")
        out.append(ch)
    return "".join(out).replace("_", " ")


def _system_fields(obj_label: str) -> list[FieldDef]:
    ro = {"createable": False, "updateable": False}
    return [
        _f(
            "Id",
            "id",
            label=f"{obj_label} ID",
            nillable=False,
            defaulted_on_create=True,
            id_lookup=True,
            **ro,
        ),
        _f("IsDeleted", "boolean", label="Deleted", nillable=False, defaulted_on_create=True, **ro),
        _f("CreatedDate", "datetime", nillable=False, defaulted_on_create=True, **ro),
        _f(
            "CreatedById",
            "reference",
            nillable=False,
            defaulted_on_create=True,
            reference_to=("User",),
            relationship_name="CreatedBy",
            **ro,
        ),
        _f("LastModifiedDate", "datetime", nillable=False, defaulted_on_create=True, **ro),
        _f(
            "LastModifiedById",
            "reference",
            nillable=False,
            defaulted_on_create=True,
            reference_to=("User",),
            relationship_name="LastModifiedBy",
            **ro,
        ),
        _f(
            "SystemModstamp",
            "datetime",
            label="System Modstamp",
            nillable=False,
            defaulted_on_create=True,
            **ro,
        ),
    ]


def _obj(
    name: str, prefix: str, label: str, plural: str, fields: list[FieldDef], **kw: Any
) -> ObjectDef:
    obj = ObjectDef(name=name, key_prefix=prefix, label=label, label_plural=plural, **kw)
    for f in _system_fields(label):
        obj.add_field(f)
    for f in fields:
        obj.add_field(f)
    return obj


def _owner() -> FieldDef:
    return _f(
        "OwnerId",
        "reference",
        nillable=False,
        defaulted_on_create=True,
        reference_to=("User",),
        relationship_name="Owner",
    )


OPPORTUNITY_STAGES: tuple[tuple[str, int, bool, bool, str], ...] = (
    # (StageName, default Probability, IsClosed, IsWon, ForecastCategoryName)
    ("Prospecting", 10, False, False, "Pipeline"),
    ("Qualification", 10, False, False, "Pipeline"),
    ("Needs Analysis", 20, False, False, "Pipeline"),
    ("Value Proposition", 50, False, False, "Pipeline"),
    ("Id. Decision Makers", 60, False, False, "Pipeline"),
    ("Perception Analysis", 70, False, False, "Pipeline"),
    ("Proposal/Price Quote", 75, False, False, "Pipeline"),
    ("Negotiation/Review", 90, False, False, "Pipeline"),
    ("Closed Won", 100, True, True, "Closed"),
    ("Closed Lost", 0, True, False, "Omitted"),
)
#: each stage by its name
STAGES_BY_NAME = {s[0]: s for s in OPPORTUNITY_STAGES}

_RO = {"createable": False, "updateable": False}


def standard_objects() -> list[ObjectDef]:
    """The standard sObjects the opportunity-to-invoice journey touches."""
    address = lambda prefix: [  # noqa: E731
        _f(f"{prefix}Street", "textarea", length=255),
        _f(f"{prefix}City", "string", length=40),
        _f(f"{prefix}State", "string", length=80),
        _f(f"{prefix}PostalCode", "string", length=20),
        _f(f"{prefix}Country", "string", length=80),
    ]
    account = _obj(
        "Account",
        "001",
        "Account",
        "Accounts",
        [
            _f("Name", "string", label="Account Name", nillable=False, name_field=True),
            _f(
                "Type",
                "picklist",
                label="Account Type",
                picklist_values=(
                    "Prospect",
                    "Customer - Direct",
                    "Customer - Channel",
                    "Channel Partner / Reseller",
                    "Installation Partner",
                    "Technology Partner",
                    "Other",
                ),
            ),
            _f(
                "ParentId",
                "reference",
                reference_to=("Account",),
                relationship_name="Parent",
                child_relationship_name="ChildAccounts",
            ),
            *address("Billing"),
            *address("Shipping"),
            _f("Phone", "phone"),
            _f("Fax", "phone"),
            _f("AccountNumber", "string", length=40),
            _f("Website", "url"),
            _f("Industry", "picklist"),
            _f("AnnualRevenue", "currency"),
            _f("NumberOfEmployees", "int", precision=8, scale=0),
            _f("Description", "textarea"),
            _f("Sic", "string", length=20),
            _owner(),
        ],
    )
    contact = _obj(
        "Contact",
        "003",
        "Contact",
        "Contacts",
        [
            _f(
                "AccountId",
                "reference",
                reference_to=("Account",),
                relationship_name="Account",
                child_relationship_name="Contacts",
            ),
            _f("LastName", "string", nillable=False, length=80),
            _f("FirstName", "string", length=40),
            _f("Salutation", "picklist", picklist_values=("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")),
            _f("Name", "string", label="Full Name", name_field=True, length=121, **_RO),
            _f("Email", "email"),
            _f("Phone", "phone"),
            _f("MobilePhone", "phone"),
            _f("Title", "string", length=128),
            _f("Department", "string", length=80),
            *address("Mailing"),
            _f("Description", "textarea"),
            _owner(),
        ],
    )
    opportunity = _obj(
        "Opportunity",
        "006",
        "Opportunity",
        "Opportunities",
        [
            _f(
                "AccountId",
                "reference",
                reference_to=("Account",),
                relationship_name="Account",
                child_relationship_name="Opportunities",
            ),
            _f("IsPrivate", "boolean", label="Private", nillable=False, defaulted_on_create=True),
            _f("Name", "string", nillable=False, length=120, name_field=True),
            _f("Description", "textarea"),
            _f(
                "StageName",
                "picklist",
                label="Stage",
                nillable=False,
                length=255,
                picklist_values=tuple(s[0] for s in OPPORTUNITY_STAGES),
            ),
            _f("Amount", "currency"),
            _f(
                "Probability",
                "percent",
                label="Probability (%)",
                precision=3,
                scale=0,
                defaulted_on_create=True,
            ),
            _f("ExpectedRevenue", "currency", label="Expected Amount", **_RO),
            _f("TotalOpportunityQuantity", "double", label="Quantity"),
            _f("CloseDate", "date", nillable=False),
            _f(
                "Type",
                "picklist",
                label="Opportunity Type",
                picklist_values=(
                    "Existing Customer - Upgrade",
                    "Existing Customer - Replacement",
                    "Existing Customer - Downgrade",
                    "New Customer",
                ),
            ),
            _f("NextStep", "string", length=255),
            _f("LeadSource", "picklist"),
            _f(
                "IsClosed",
                "boolean",
                label="Closed",
                nillable=False,
                defaulted_on_create=True,
                **_RO,
            ),
            _f("IsWon", "boolean", label="Won", nillable=False, defaulted_on_create=True, **_RO),
            _f("ForecastCategory", "picklist", nillable=False, defaulted_on_create=True, **_RO),
            _f(
                "ForecastCategoryName",
                "picklist",
                label="Forecast Category",
                defaulted_on_create=True,
            ),
            _f(
                "HasOpportunityLineItem",
                "boolean",
                label="Has Line Item",
                nillable=False,
                defaulted_on_create=True,
                **_RO,
            ),
            _f(
                "Pricebook2Id",
                "reference",
                reference_to=("Pricebook2",),
                relationship_name="Pricebook2",
                child_relationship_name="Opportunities",
                defaulted_on_create=True,
            ),
            _f(
                "ContactId",
                "reference",
                reference_to=("Contact",),
                relationship_name="Contact",
                child_relationship_name="Opportunities",
            ),
            _f("LastStageChangeDate", "datetime", **_RO),
            _f("FiscalQuarter", "int", precision=11, scale=0, **_RO),
            _f("FiscalYear", "int", precision=11, scale=0, **_RO),
            _owner(),
        ],
    )
    line_item = _obj(
        "OpportunityLineItem",
        "00k",
        "Opportunity Product",
        "Opportunity Product",
        [
            _f(
                "OpportunityId",
                "reference",
                nillable=False,
                reference_to=("Opportunity",),
                relationship_name="Opportunity",
                child_relationship_name="OpportunityLineItems",
                updateable=False,
                cascade_delete=True,
            ),
            _f("SortOrder", "int", precision=9, scale=0),
            _f(
                "PricebookEntryId",
                "reference",
                reference_to=("PricebookEntry",),
                relationship_name="PricebookEntry",
                child_relationship_name="OpportunityLineItems",
                updateable=False,
                defaulted_on_create=True,
            ),
            _f(
                "Product2Id",
                "reference",
                reference_to=("Product2",),
                relationship_name="Product2",
                child_relationship_name="OpportunityLineItems",
                updateable=False,
                defaulted_on_create=True,
            ),
            _f("ProductCode", "string", length=255, **_RO),
            _f(
                "Name",
                "string",
                label="Opportunity Product Name",
                length=376,
                name_field=True,
                **_RO,
            ),
            _f("Quantity", "double", nillable=False, precision=12, scale=2),
            _f("TotalPrice", "currency", label="Total Price", defaulted_on_create=True),
            _f("UnitPrice", "currency", label="Sales Price", defaulted_on_create=True),
            _f("ListPrice", "currency", label="List Price", **_RO),
            _f("ServiceDate", "date", label="Date"),
            _f("Description", "string", label="Line Description", length=255),
        ],
    )
    product = _obj(
        "Product2",
        "01t",
        "Product",
        "Products",
        [
            _f("Name", "string", label="Product Name", nillable=False, name_field=True),
            _f("ProductCode", "string"),
            _f("Description", "textarea", label="Product Description", length=4000),
            _f("IsActive", "boolean", label="Active", nillable=False, defaulted_on_create=True),
            _f("Family", "picklist", label="Product Family"),
            _f("QuantityUnitOfMeasure", "picklist", label="Quantity Unit Of Measure"),
        ],
    )
    pricebook = _obj(
        "Pricebook2",
        "01s",
        "Price Book",
        "Price Books",
        [
            _f("Name", "string", label="Price Book Name", nillable=False, name_field=True),
            _f("IsActive", "boolean", label="Active", nillable=False, defaulted_on_create=True),
            _f(
                "IsStandard",
                "boolean",
                label="Is Standard Price Book",
                nillable=False,
                defaulted_on_create=True,
                **_RO,
            ),
            _f("Description", "string"),
        ],
    )
    pbe = _obj(
        "PricebookEntry",
        "01u",
        "Price Book Entry",
        "Price Book Entries",
        [
            _f("Name", "string", label="Product Name", length=255, name_field=True, **_RO),
            _f(
                "Pricebook2Id",
                "reference",
                nillable=False,
                reference_to=("Pricebook2",),
                relationship_name="Pricebook2",
                child_relationship_name="PricebookEntries",
                updateable=False,
            ),
            _f(
                "Product2Id",
                "reference",
                nillable=False,
                reference_to=("Product2",),
                relationship_name="Product2",
                child_relationship_name="PricebookEntries",
                updateable=False,
            ),
            _f("UnitPrice", "currency", label="List Price", nillable=False),
            _f("IsActive", "boolean", label="Active", nillable=False, defaulted_on_create=True),
            _f(
                "UseStandardPrice",
                "boolean",
                label="Use Standard Price",
                nillable=False,
                defaulted_on_create=True,
            ),
            _f("ProductCode", "string", **_RO),
        ],
    )
    user = _obj(
        "User",
        "005",
        "User",
        "Users",
        [
            _f("Username", "string", nillable=False, length=80, unique=True),
            _f("LastName", "string", nillable=False, length=80),
            _f("FirstName", "string", length=40),
            _f("Name", "string", label="Full Name", name_field=True, length=121, **_RO),
            _f("Email", "email", nillable=False, length=128),
            _f("Alias", "string", nillable=False, length=8),
            _f("IsActive", "boolean", label="Active", nillable=False, defaulted_on_create=True),
            _f("Title", "string", length=80),
            _f("Department", "string", length=80),
            _f(
                "TimeZoneSidKey",
                "picklist",
                label="Time Zone",
                nillable=False,
                defaulted_on_create=True,
            ),
            _f(
                "LocaleSidKey", "picklist", label="Locale", nillable=False, defaulted_on_create=True
            ),
            _f(
                "EmailEncodingKey",
                "picklist",
                label="Email Encoding",
                nillable=False,
                defaulted_on_create=True,
            ),
            _f(
                "LanguageLocaleKey",
                "picklist",
                label="Language",
                nillable=False,
                defaulted_on_create=True,
            ),
            _f(
                "ProfileId",
                "reference",
                label="Profile ID",
                nillable=False,
                defaulted_on_create=True,
            ),
            _f("ManagerId", "reference", reference_to=("User",), relationship_name="Manager"),
        ],
        deletable=False,
    )
    contract = _obj(
        "Contract",
        "800",
        "Contract",
        "Contracts",
        [
            _f(
                "AccountId",
                "reference",
                nillable=False,
                reference_to=("Account",),
                relationship_name="Account",
                child_relationship_name="Contracts",
            ),
            _f(
                "ContractNumber",
                "string",
                label="Contract Number",
                name_field=True,
                length=30,
                **_RO,
            ),
            _f(
                "Status",
                "picklist",
                nillable=False,
                defaulted_on_create=True,
                picklist_values=("In Approval Process", "Activated", "Draft"),
            ),
            _f("StartDate", "date", label="Contract Start Date"),
            _f("EndDate", "date", label="Contract End Date", **_RO),
            _f("ContractTerm", "int", label="Contract Term", precision=4, scale=0),
            _f("Description", "textarea"),
            _f("SpecialTerms", "textarea", length=4000),
            _owner(),
        ],
    )
    order = _obj(
        "Order",
        "801",
        "Order",
        "Orders",
        [
            _f(
                "AccountId",
                "reference",
                reference_to=("Account",),
                relationship_name="Account",
                child_relationship_name="Orders",
            ),
            _f(
                "ContractId",
                "reference",
                reference_to=("Contract",),
                relationship_name="Contract",
                child_relationship_name="Orders",
            ),
            _f(
                "OpportunityId",
                "reference",
                reference_to=("Opportunity",),
                relationship_name="Opportunity",
                child_relationship_name="Orders",
            ),
            _f(
                "Pricebook2Id",
                "reference",
                reference_to=("Pricebook2",),
                relationship_name="Pricebook2",
                child_relationship_name="Orders",
            ),
            _f("OrderNumber", "string", label="Order Number", name_field=True, length=30, **_RO),
            _f("EffectiveDate", "date", label="Order Start Date", nillable=False),
            _f("EndDate", "date", label="Order End Date"),
            _f("Status", "picklist", nillable=False, picklist_values=("Draft", "Activated")),
            _f("TotalAmount", "currency", label="Order Amount", **_RO),
            _f("Description", "textarea"),
            _owner(),
        ],
    )
    organization = _obj(
        "Organization",
        "00D",
        "Organization",
        "Organizations",
        [
            _f("Name", "string", nillable=False, length=80, name_field=True, **_RO),
            _f("Division", "string", length=80, **_RO),
            _f("OrganizationType", "picklist", label="Edition", **_RO),
            _f("InstanceName", "string", length=5, **_RO),
            _f("IsSandbox", "boolean", nillable=False, defaulted_on_create=True, **_RO),
            _f("NamespacePrefix", "string", length=15, **_RO),
            _f("DefaultLocaleSidKey", "picklist", label="Locale", **_RO),
            _f("LanguageLocaleKey", "picklist", label="Language", **_RO),
            _f("TimeZoneSidKey", "picklist", label="Time Zone", **_RO),
            _f("DefaultCurrencyIsoCode", "picklist", label="Currency", **_RO),
        ],
        createable=False,
        updateable=False,
        deletable=False,
    )
    from ._described import described_objects  # late import: it builds on this module

    account, contact, opportunity = described_objects()
    return [
        account,
        contact,
        opportunity,
        line_item,
        product,
        pricebook,
        pbe,
        user,
        contract,
        order,
        organization,
    ]


@dataclass(frozen=True, slots=True)
class CustomFieldConfig:
    """A custom field declared in configuration, e.g. External_Id__c on Account."""

    object: str
    name: str
    type: str = "string"
    label: str | None = None
    external_id: bool = False
    unique: bool = False
    required: bool = False
    length: int = 255
    reference_to: str | None = None
    relationship_name: str | None = None
    picklist_values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CustomObjectConfig:
    """A custom object (Name__c) declared in configuration."""

    name: str
    key_prefix: str
    label: str | None = None
    fields: tuple[CustomFieldConfig, ...] = ()


def default_custom_fields() -> list[CustomFieldConfig]:
    """External ids the firm's integration upserts by, on the objects it syncs."""
    fields = [
        CustomFieldConfig(
            obj, "External_Id__c", "string", "External Id", external_id=True, unique=True
        )
        for obj in ("Account", "Contact", "Opportunity")
    ]
    fields += [
        CustomFieldConfig(
            "Opportunity",
            "Billing_Model__c",
            "picklist",
            "Billing Model",
            picklist_values=("Time and Materials", "Fixed Fee", "Milestone", "Retainer"),
        ),
        CustomFieldConfig(
            "Opportunity", "PSA_Project_Id__c", "string", "PSA Project Id", length=64
        ),
        CustomFieldConfig(
            "Opportunity", "ERP_Project_Id__c", "string", "ERP Project Id", length=64
        ),
        CustomFieldConfig("Account", "ERP_Customer_Id__c", "string", "ERP Customer Id", length=64),
    ]
    return fields


def build_schema(
    custom_fields: Iterable[CustomFieldConfig] = (),
    custom_objects: Iterable[CustomObjectConfig] = (),
) -> Schema:
    """The standard objects extended by configured custom fields and custom objects."""
    objects = {o.name: o for o in standard_objects()}
    for co in custom_objects:
        if not co.name.endswith("__c"):
            raise ValueError(f"custom object {co.name!r} must end in __c")
        label = co.label or _label(co.name)
        obj = _obj(
            co.name,
            co.key_prefix,
            label,
            label + "s",
            [
                _f(
                    "Name",
                    "string",
                    label=f"{label} Name",
                    nillable=True,
                    defaulted_on_create=True,
                    name_field=True,
                    length=80,
                ),
                _owner(),
            ],
            custom=True,
        )
        objects[co.name] = obj
        for cf in co.fields:
            obj.add_field(_custom_field(cf))
    for cf in custom_fields:
        target = objects.get(cf.object)
        if target is None:
            raise ValueError(f"custom field {cf.name!r} declared on unknown object {cf.object!r}")
        target.add_field(_custom_field(cf))
    return Schema(objects.values())


def _custom_field(cf: CustomFieldConfig) -> FieldDef:
    if not cf.name.endswith("__c"):
        raise ValueError(f"custom field {cf.name!r} must end in __c")
    rel = cf.relationship_name or (cf.name[:-3] + "__r" if cf.type == "reference" else None)
    return _f(
        cf.name,
        cf.type,
        label=cf.label or _label(cf.name),
        nillable=not cf.required,
        external_id=cf.external_id,
        unique=cf.unique,
        length=cf.length if cf.type in TEXT_TYPES else 0,
        reference_to=(cf.reference_to,) if cf.reference_to else (),
        relationship_name=rel,
        child_relationship_name=(cf.name[:-3] + "s__r") if cf.type == "reference" else None,
        picklist_values=cf.picklist_values,
        custom=True,
    )


def parse_custom_config(
    cfg: Mapping[str, Any],
) -> tuple[list[CustomFieldConfig], list[CustomObjectConfig]]:
    """Read ``{"custom_fields": [...], "custom_objects": [...]}`` from a settings mapping."""
    fields = [CustomFieldConfig(**_tuples(f)) for f in cfg.get("custom_fields", [])]
    objects = []
    for o in cfg.get("custom_objects", []):
        ofields = tuple(
            CustomFieldConfig(
                object=o["name"],
                **_tuples({k: v for k, v in f.items() if k != "object"}),
            )
            for f in o.get("fields", [])
        )
        objects.append(
            CustomObjectConfig(
                name=o["name"], key_prefix=o["key_prefix"], label=o.get("label"), fields=ofields
            )
        )
    return fields, objects


def _tuples(m: Mapping[str, Any]) -> dict[str, Any]:
    """TOML and JSON give lists where the frozen configs hold tuples."""
    return {k: (tuple(v) if isinstance(v, list) else v) for k, v in m.items()}
