"""The hot answers' ``Response`` made without the class call sets what the constructor does."""

from __future__ import annotations

from simulators.engine import Response
from simulators.salesforce._wire import JSON_CT, answer


def test_answer_sets_every_slot_as_the_constructor_does() -> None:
    headers = [("content-type", JSON_CT)]
    made = answer(201, b'{"id":"x"}', headers)
    built = Response(201, b'{"id":"x"}', headers)
    assert type(made) is Response
    slots = [s for cls in type(built).__mro__ for s in getattr(cls, "__slots__", ())]
    assert slots, "Response keeps its fields in slots"
    for slot in slots:  # a slot the factory left unset raises AttributeError here
        assert getattr(made, slot) == getattr(built, slot), slot
    assert made.headers is headers
    made.headers.append(("sforce-limit-info", "api-usage=1/15000"))
    assert made.header("sforce-limit-info") == "api-usage=1/15000"
