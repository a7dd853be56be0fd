"""Business rules Salesforce applies on save: unique fields, defaults and auto-numbers,
derived fields (names, Opportunity stage semantics, fiscal periods, addresses, contract end
dates), line-item prices and their roll-up to the Opportunity.

Built by the dialect and passed into ``RecordService``, whose write paths (REST, composite,
collections, bulk load) run the same steps in the same order inside the write.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from simulators.engine import Tenant

from ._errors import duplicate_value, field_integrity_exception, required_field_missing
from ._plan import WritePlan, compile_plan
from ._schema import STAGES_BY_NAME as _STAGES
from ._schema import ObjectDef
from ._state import state_of
from ._wire import parse_date, sf_datetime

_AUTONUMBER = {("Contract", "ContractNumber"), ("Order", "OrderNumber")}


class BusinessRules:
    """The save rules of one CRM simulator, with each object's compiled write plan."""

    def __init__(self) -> None:
        self._plans: dict[str, WritePlan] = {}

    def plan(self, obj: ObjectDef) -> WritePlan:
        """The object's compiled write plan (recompiled when its fields changed)."""
        p: WritePlan | None = obj.write_plan  # kept on the object until a field is added
        if p is not None and p.nfields == len(obj.fields):
            return p
        p = self._plans.get(obj.name)
        if p is None or not p.current(obj):
            p = self._plans[obj.name] = compile_plan(obj)
        obj.write_plan = p
        return p

    def check_unique(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        values: dict[str, Any],
        self_id: str | None,
        plan: WritePlan | None = None,
    ) -> None:
        unique = (plan or self.plan(obj)).unique
        if not unique:
            return
        # one unique field (the usual case): looked up, not searched for among the values;
        # with several, the first duplicate in the body's order is the one reported
        names = unique if len(unique) == 1 else [n for n in values if n in unique]
        for name in names:
            value = values.get(name)
            if value is None or value == "":
                continue
            f = obj.field(name)
            if f is None:
                continue
            others = [i for i in tenant.store.find_ids(obj.name, f.name, value) if i != self_id]
            if others:
                raise duplicate_value(
                    f"duplicate value found: {f.name} duplicates value on record with id: {others[0]}",
                    fields=[f.name],
                )

    def defaults(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        data: dict[str, Any],
        stamp: str,
        plan: WritePlan | None = None,
    ) -> None:
        p = plan or self.plan(obj)
        for name, default in p.booleans:
            if data.get(name) is None:
                data[name] = default
        if not p.special:  # the rules below are all of objects in ``SPECIAL_RULES``
            return
        for o, fname in _AUTONUMBER:
            if obj.name == o:
                data[fname] = f"{tenant.store.next_sequence('auto:' + o) + 99:08d}"
        if obj.name == "Contract" and not data.get("Status"):
            data["Status"] = "Draft"
        if (
            obj.name == "Opportunity"
            and not data.get("Pricebook2Id")
            and data.get("HasOpportunityLineItem")
        ):
            data["Pricebook2Id"] = state_of(tenant).standard_pricebook
        if obj.name == "User":
            for k, v in (
                ("TimeZoneSidKey", "America/Los_Angeles"),
                ("LocaleSidKey", "en_US"),
                ("EmailEncodingKey", "UTF-8"),
                ("LanguageLocaleKey", "en_US"),
            ):
                data[k] = data.get(k) or v

    def derive(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        data: dict[str, Any],
        previous: dict[str, Any] | None,
        given: Collection[str],
        plan: WritePlan | None = None,
    ) -> None:
        """Fields Salesforce computes from others; ``plan``: the object's, when the caller has it."""
        name = obj.name
        if name == "Account":  # the most written object first: only its addresses
            compose_addresses(plan or self.plan(obj), data)
            return
        if name in ("Contact", "User"):
            parts = [data.get("FirstName"), data.get("LastName")]
            data["Name"] = " ".join(p for p in parts if p)
        elif name == "Opportunity":
            stage = _STAGES.get(str(data.get("StageName")))
            if stage is not None:
                stage_changed = previous is None or previous.get("StageName") != data.get(
                    "StageName"
                )
                if stage_changed and "Probability" not in given:
                    data["Probability"] = float(stage[1])
                if stage_changed and "ForecastCategoryName" not in given:
                    data["ForecastCategoryName"] = stage[4]
                data["IsClosed"] = stage[2]
                data["IsWon"] = stage[3]
                data["ForecastCategory"] = {
                    "Pipeline": "Pipeline",
                    "Closed": "Closed",
                    "Omitted": "Omitted",
                    "Best Case": "BestCase",
                    "Commit": "Forecast",
                }.get(str(data.get("ForecastCategoryName")), "Pipeline")
                if stage_changed:
                    data["LastStageChangeDate"] = sf_datetime(tenant.clock.time())
            if data.get("HasOpportunityLineItem"):
                data["Amount"] = (
                    self._line_total(tenant, data["Id"]) if data.get("Id") else data.get("Amount")
                )
            amount, prob = data.get("Amount"), data.get("Probability")
            data["ExpectedRevenue"] = (
                round(amount * prob / 100.0, 2) if amount is not None and prob is not None else None
            )
            close = parse_date(str(data.get("CloseDate") or ""))
            if close is not None:
                data["FiscalYear"] = close.year
                data["FiscalQuarter"] = (close.month - 1) // 3 + 1
                if obj.field("Fiscal") is not None:  # (a create's record: only fields with a value)
                    data["Fiscal"] = f"{data['FiscalYear']} {data['FiscalQuarter']}"
        elif name == "OpportunityLineItem":
            self._derive_line(tenant, data, previous, given)
        if name in ("Account", "Contact"):
            compose_addresses(plan or self.plan(obj), data)
        elif name == "Contract":
            start = parse_date(str(data.get("StartDate") or ""))
            term = data.get("ContractTerm")
            if start is not None and term:
                # the day before StartDate plus the term (Apex addMonths: the month's last
                # day when it is shorter): 2016-11-30 and 1 month end on 2016-12-29
                month = start.month - 1 + int(term)
                year, month = start.year + month // 12, month % 12 + 1
                day = min(start.day, calendar.monthrange(year, month)[1])
                end = date(year, month, day) - timedelta(days=1)
                data["EndDate"] = end.isoformat()

    def _derive_line(
        self,
        tenant: Tenant,
        data: dict[str, Any],
        previous: dict[str, Any] | None,
        given: Collection[str],
    ) -> None:
        if previous is None:
            pbe_id = data.get("PricebookEntryId")
            pbe = tenant.store.get("PricebookEntry", pbe_id) if pbe_id else None
            if pbe is None and data.get("Product2Id"):
                ids = tenant.store.find_ids("PricebookEntry", "Product2Id", data["Product2Id"])
                pbe = tenant.store.get("PricebookEntry", ids[0]) if ids else None
                if pbe is not None:
                    data["PricebookEntryId"] = pbe["Id"]
            if pbe is None:
                raise required_field_missing(
                    "Required fields are missing: [PricebookEntryId]",
                    fields=["PricebookEntryId"],
                )
            data["Product2Id"] = pbe.get("Product2Id")
            data["ListPrice"] = pbe.get("UnitPrice")
            data["ProductCode"] = pbe.get("ProductCode")
            opp = tenant.store.get("Opportunity", str(data.get("OpportunityId")))
            data["Name"] = f"{(opp or {}).get('Name', '')} {pbe.get('Name') or ''}".strip()
        if (
            "UnitPrice" in given
            and "TotalPrice" in given
            and data.get("UnitPrice") is not None
            and data.get("TotalPrice") is not None
        ):
            raise field_integrity_exception(
                "field integrity exception: TotalPrice (cannot specify both unit price and total price)",
                fields=["TotalPrice"],
            )
        qty = float(data.get("Quantity") or 0)
        if "TotalPrice" in given and data.get("TotalPrice") is not None:
            data["UnitPrice"] = round(float(data["TotalPrice"]) / qty, 2) if qty else 0.0
        elif data.get("UnitPrice") is None and previous is None:
            data["UnitPrice"] = data.get("ListPrice")
        if data.get("UnitPrice") is None:
            raise field_integrity_exception(
                "field integrity exception: unknown (must specify either price or unit price)",
                fields=["UnitPrice"],
            )
        if "TotalPrice" not in given or data.get("TotalPrice") is None:
            data["TotalPrice"] = round(qty * float(data["UnitPrice"]), 2)

    def _line_total(self, tenant: Tenant, opp_id: str) -> float:
        total = 0.0
        for lid in tenant.store.find_ids("OpportunityLineItem", "OpportunityId", opp_id):
            line = tenant.store.get("OpportunityLineItem", lid)
            if line is not None:
                total += float(line.get("TotalPrice") or 0)
        return round(total, 2)

    def after_write(
        self,
        tenant: Tenant,
        obj: ObjectDef,
        data: dict[str, Any],
        previous: dict[str, Any] | None,
        origin: str,
    ) -> None:
        """Roll line-item totals up to the Opportunity, as Salesforce does."""
        if obj.name != "OpportunityLineItem":
            return
        opp_id = data.get("OpportunityId")
        opp = tenant.store.get("Opportunity", str(opp_id)) if opp_id else None
        if opp is None:
            return
        has_lines = bool(tenant.store.find_ids("OpportunityLineItem", "OpportunityId", opp["Id"]))
        total = self._line_total(tenant, opp["Id"]) if has_lines else opp.get("Amount")
        if opp.get("Amount") == total and opp.get("HasOpportunityLineItem") == has_lines:
            return
        new = dict(opp, Amount=total, HasOpportunityLineItem=has_lines)
        if has_lines and not new.get("Pricebook2Id"):
            new["Pricebook2Id"] = state_of(tenant).standard_pricebook
        prob = new.get("Probability")
        new["ExpectedRevenue"] = (
            round(total * prob / 100.0, 2) if total is not None and prob is not None else None
        )
        ts = tenant.clock.time()
        stamp = sf_datetime(ts)
        new["LastModifiedDate"] = new["SystemModstamp"] = stamp
        changed = [
            k
            for k in ("Amount", "HasOpportunityLineItem", "ExpectedRevenue", "Pricebook2Id")
            if opp.get(k) != new.get(k)
        ] + ["LastModifiedDate"]
        tenant.store.update(
            "Opportunity", opp["Id"], new, opp, stamp, changed_fields=changed, at=ts, origin=origin
        )


def compose_addresses(plan: WritePlan, data: dict[str, Any]) -> None:
    """Each compound address field (BillingAddress ...) from its parts, as REST reads return it:
    an object of the parts, or null when every part is null."""
    get = data.get
    # each part read by a direct call into a local, the object built by a display of them:
    # mapping and zipping the parts, or comparing the object with an empty one, cost more
    for name, parts in plan.addresses:
        city, country, accuracy, lat, lon, postal, state, street = parts
        c1, c2, c3, c4 = get(city), get(country), get(accuracy), get(lat)
        c5, c6, c7, c8 = get(lon), get(postal), get(state), get(street)
        if (
            c1 is None
            and c2 is None
            and c3 is None
            and c4 is None
            and c5 is None
            and c6 is None
            and c7 is None
            and c8 is None
        ):
            if name in data:  # a whole record (an update): the address cleared; a compact
                data[name] = None  # one (a create) leaves it out
            continue
        data[name] = {
            "city": c1,
            "country": c2,
            "geocodeAccuracy": c3,
            "latitude": c4,
            "longitude": c5,
            "postalCode": c6,
            "state": c7,
            "street": c8,
        }
