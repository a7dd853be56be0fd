"""A record type's write plan (checkboxes, required fields) follows every field it gains; a
write's stamps read the clock once."""

from __future__ import annotations

from simulators.netsuite._records import RecordService, stamp
from simulators.netsuite._schema import FieldDef, build_types
from simulators.netsuite._settings import NetSuiteSettings


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


class _Clock:
    def __init__(self, ts: float) -> None:
        self.ts = ts

    def time(self) -> float:
        return self.ts


class _Tenant:
    def __init__(self, ts: float) -> None:
        self.clock = _Clock(ts)


def test_a_write_stamps_as_the_clock_reading_formatted_whole() -> None:
    records = RecordService(NetSuiteSettings())
    for ts in (1_765_000_000.0, 1_765_000_000.25, 1_765_000_000.9999996, 1_765_000_001.5):
        assert records.stamp(_Tenant(ts)) == stamp(_Tenant(ts))  # type: ignore[arg-type]
    assert records.stamp(_Tenant(1_765_000_000.9999996)) == (  # type: ignore[arg-type]
        "2025-12-06T05:46:40Z",
        "2025-12-06T05:46:41.000000Z",
    )
