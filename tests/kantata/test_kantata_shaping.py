"""A record shaped for an answer: its public keys and its optional fields, each in a fixed order."""

from __future__ import annotations

from simulators.kantata._model import Catalog


def test_public_copy_drops_private_keys_in_order_and_leaves_the_record() -> None:
    catalog = Catalog()
    rec = {"id": "5", "_created": 1.0, "title": "x", "_locked": True, "price": None}
    for _ in range(2):  # the second time the layout's private keys are remembered
        out = catalog.public_copy(rec)
        assert list(out.items()) == [("id", "5"), ("title", "x"), ("price", None)]
    assert "_locked" in rec and "_created" in rec


def test_public_copy_tells_layouts_apart_past_its_memory() -> None:
    catalog = Catalog()
    for n in range(600):  # more layouts than it remembers: still answered right
        rec = {"id": str(n), f"_{n}": 1, f"f{n}": n}
        assert catalog.public_copy(rec) == {"id": str(n), f"f{n}": n}
    assert catalog.public_copy({"_a": 1, "a": 2}) == {"a": 2}
    assert catalog.public_copy({"a": 2, "_a": 1}) == {"a": 2}


def test_optional_fields_asked_for_come_in_the_contracts_order() -> None:
    from simulators.kantata import _contract

    order = _contract.optional_in_order("workspaces")
    assert len(order) > 1
    out: dict[str, object] = {"id": "1"}
    _contract.apply("workspaces", {}, out, set(reversed(order)), {n: 0 for n in order})
    assert list(out)[-len(order) :] == list(order)
