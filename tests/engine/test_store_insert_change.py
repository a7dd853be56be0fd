"""The change a single-row insert announces is the one its class call would make."""

from __future__ import annotations

from dataclasses import fields

from simulators.engine import Change, RecordStore


def test_an_inserted_records_change_equals_the_class_made_change() -> None:
    store = RecordStore("t")
    seen: list[Change] = []
    store.listener = seen.append
    data = {"Id": "1", "Name": "Ann", "IsDeleted": False}
    returned = store.insert("Doc", "1", data, "m", at=5.0, origin="api", compact=True)
    expected = Change("t", "Doc", "1", "create", data, None, data.keys(), 5.0, "api")
    assert seen == [returned] and type(returned) is Change
    for f in fields(Change):  # every slot set, each to what ``Change(...)`` gives it
        assert getattr(returned, f.name) == getattr(expected, f.name), f.name
    assert list(returned.changed_fields) == ["Id", "Name", "IsDeleted"]
    data["Extra"] = 1  # the field names are the record's live keys, as the class call's are
    assert "Extra" in returned.changed_fields
