"""The hot path builds requests, responses and change events without a class call
(``make_request``, ``make_response``, ``change_event_of``); each must set every slot exactly as the class's own constructor does,
so that a slot added to the class later cannot be left unset on the hot path."""

from __future__ import annotations

from typing import Any

from simulators.engine._events import Event, change_event_of
from simulators.engine._http import Request, Response, make_request, make_response


def _slots(obj: Any) -> dict[str, Any]:
    """Every slot's value; a slot left unset fails here with its name."""
    return {name: getattr(obj, name) for name in type(obj).__slots__}


def test_make_request_sets_every_slot_as_the_constructor_does() -> None:
    headers = {"host": "127.0.0.1:8080", "authorization": "Bearer t"}
    args = ("POST", "/services/data/v59.0/sobjects/Account", "a=1", headers)
    where = ("https", ("127.0.0.1", 8080), ("127.0.0.1", 50000), "/services/data/v59.0/x%20y")
    made = make_request(*args, *where, "cid-1", "https://127.0.0.1:8080")
    built = Request(*args, b"", *where)
    built.correlation_id = "cid-1"
    built.origin = "https://127.0.0.1:8080"
    assert _slots(made) == _slots(built)
    assert made.params is not built.params  # a dict of its own per request


def test_change_event_of_sets_every_slot_as_the_constructor_does() -> None:
    def make(tenant: str, seq: int) -> tuple[str, dict[str, Any]]:
        return f"/data/{tenant}", {"seq": seq}

    fast = change_event_of(7, "default", "Account", "001x", "create", 12.5, make, ("default", 7))
    slow = Event(7, "default", "Account", "001x", "create", 12.5, None, "", make)
    slow._args = ("default", 7)
    slow.published = fast.published  # the wall clock at publication
    assert _slots(fast) == _slots(slow)
    assert (
        (fast.channel, fast.payload)
        == (slow.channel, slow.payload)
        == ("/data/default", {"seq": 7})
    )
    assert fast.to_dict() == slow.to_dict()


def test_make_response_sets_every_slot_as_the_constructor_does() -> None:
    headers = [("content-type", "application/json;charset=UTF-8")]
    made = make_response(201, b'{"id":"x"}', headers)
    built = Response(201, b'{"id":"x"}', headers)
    assert type(made) is Response
    assert _slots(made) == _slots(built)
    assert made.headers is headers  # the caller's list, as the constructor keeps it
    made.headers.append(("sforce-limit-info", "api-usage=1/15000"))
    assert made.header("sforce-limit-info") == "api-usage=1/15000"
