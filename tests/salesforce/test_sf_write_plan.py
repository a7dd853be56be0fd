"""The write plan kept on an sObject follows its fields: a field added or renamed is written
and checked as the new schema says."""

from __future__ import annotations

from simulators.engine import SimulatorSettings
from simulators.salesforce import SalesforceSettings, create_simulator
from simulators.salesforce._release import serve_renamed_fields
from simulators.salesforce._schema import FieldDef


def test_a_plan_kept_on_the_object_is_remade_when_its_fields_change() -> None:
    dialect = create_simulator(SalesforceSettings(), SimulatorSettings()).dialect
    rules, obj = dialect.records.rules, dialect.schema.get("Account")
    assert obj is not None
    first = rules.plan(obj)
    assert rules.plan(obj) is first and obj.write_plan is first
    obj.add_field(FieldDef("Tier__c", "string", label="Tier", length=5))
    added = rules.plan(obj)
    assert added is not first and added.create_texts["Tier__c"] == 5
    # a rename keeps the number of fields: the plan is still remade
    serve_renamed_fields(dialect.schema, [("Account", "Tier__c", "Level__c")])
    renamed = rules.plan(obj)
    assert "Level__c" in renamed.create_texts and "Tier__c" not in renamed.create_texts
    assert rules.plan(obj) is renamed
