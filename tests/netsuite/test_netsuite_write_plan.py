"""A record type's write plan (checkboxes, required fields) follows every field it gains."""

from __future__ import annotations

from simulators.netsuite._records import RecordService
from simulators.netsuite._schema import FieldDef, build_types


def test_a_field_added_after_the_plan_was_built_is_in_the_next_write() -> None:
    rt = build_types()["customer"]
    before = rt.plan()
    assert "isInactive" in before.booleans and before.has_created
    rt.set_field("custentity_vip", FieldDef("custentity_vip", "boolean"))
    rt.set_field("custentity_code", FieldDef("custentity_code", required=True))
    data: dict[str, object] = {}
    RecordService.fill_defaults(rt, data)
    assert data["custentity_vip"] is False and data["isInactive"] is False
    assert rt.plan().required[-1] == "custentity_code"
    assert rt.plan().booleans == (*before.booleans, "custentity_vip")
