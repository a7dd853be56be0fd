"""Field values at the edges of what a write takes by its JSON type alone, and the ids it hands out.

A create checks the usual value of a text or number field from a compiled table and hands
anything else to the general coercion; both must answer as Salesforce does: the value
stored as a read returns it, or the vendor's error.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from simulators.salesforce._ids import checksum, make_id
from simulators.salesforce._render import created_body, save_result

V = "/services/data/v68.0"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

#: (field, value sent, value a read returns)
STORED = [
    ("Name", "x" * 255, "x" * 255),  # at the field's length
    ("Name", 12, "12"),  # a number in a text field is its text
    ("name", "lower-case key", "lower-case key"),  # stored under the canonical name
    ("NumberOfEmployees", 240, 240),
    ("NumberOfEmployees", 12.0, 12),
    ("NumberOfEmployees", 2**53, 2**53),
    ("AnnualRevenue", 5, 5.0),
    ("AnnualRevenue", "7.5", 7.5),
    ("AnnualRevenue", 1.25, 1.25),
]

#: (field, value sent, errorCode)
REFUSED = [
    ("Name", "x" * 256, "STRING_TOO_LONG"),
    ("Name", True, "JSON_PARSER_ERROR"),
    ("NumberOfEmployees", 2**53 + 1, "JSON_PARSER_ERROR"),  # no double holds it
    ("NumberOfEmployees", 1.5, "JSON_PARSER_ERROR"),
    ("NumberOfEmployees", True, "JSON_PARSER_ERROR"),
    ("AnnualRevenue", "lots", "JSON_PARSER_ERROR"),
]


@pytest.mark.parametrize(("field", "sent", "read"), STORED)
def test_value_is_stored_as_read(api: httpx.Client, field: str, sent: Any, read: Any) -> None:
    body = {"Name": "Edge"} if field.lower() != "name" else {}
    r = api.post(f"{V}/sobjects/Account/", json={**body, field: sent})
    assert r.status_code == 201, r.text
    got = api.get(f"{V}/sobjects/Account/{r.json()['id']}").json()
    canonical = "Name" if field == "name" else field
    assert got[canonical] == read and type(got[canonical]) is type(read)


@pytest.mark.parametrize(("field", "sent", "code"), REFUSED)
def test_value_is_refused(api: httpx.Client, field: str, sent: Any, code: str) -> None:
    r = api.post(f"{V}/sobjects/Account/", json={"Name": "Edge", field: sent})
    assert r.status_code == 400, r.text
    assert r.json()[0]["errorCode"] == code


@pytest.mark.parametrize("space", [0, 1, 62**3 - 1])
@pytest.mark.parametrize("counter", [0, 1, 61, 62, 3843, 3844, 238327, 62**6 - 1])
def test_ids_number_the_counter_in_base62(counter: int, space: int) -> None:
    rid = make_id("001", counter, space)
    number = 0
    for ch in rid[6:15]:
        number = number * 62 + B62.index(ch)
    assert rid[:6] == "001RO0" and number == counter + space * 62**6
    assert rid[15:] == checksum(rid[:15])
    # the suffix flags the upper-case letters of each five characters (Salesforce's scheme)
    for i in range(3):
        flags = sum(1 << j for j, ch in enumerate(rid[5 * i : 5 * i + 5]) if ch.isupper())
        assert rid[15 + i] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[flags]


def test_the_create_answer_is_the_save_result_as_json() -> None:
    rid = "001000000000001AAA"
    assert orjson.loads(created_body(rid)) == save_result(rid)
    assert created_body(rid) == orjson.dumps(save_result(rid))
