"""A list filter compiled once answers as one compiled each time, and follows a field the
type gains; page links are the query string ``urlencode`` gives."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from simulators.engine import HttpError
from simulators.netsuite._listq import CompiledFilters, compile_filter
from simulators.netsuite._rest import page_body
from simulators.netsuite._schema import FieldDef, build_types


def test_a_filter_compiled_once_is_the_same_and_follows_new_fields() -> None:
    rt = build_types()["customer"]
    filters = CompiledFilters(max_entries=2)
    text = 'email IS "a@x.example" AND companyName START_WITH "A"'
    first = filters.compile(rt, text)
    assert first == compile_filter(rt, text)
    first[1].append("changed by the caller")
    assert filters.compile(rt, text) == compile_filter(rt, text)
    with pytest.raises(HttpError):
        filters.compile(rt, 'custentity_tier IS "gold"')
    rt.set_field("custentity_tier", FieldDef("custentity_tier"))
    assert filters.compile(rt, 'custentity_tier IS "gold"')[1] == ["gold"]
    for i in range(3):  # past the bound: it starts over, answers unchanged
        assert filters.compile(rt, f'email IS "{i}"') == compile_filter(rt, f'email IS "{i}"')


@pytest.mark.parametrize("extra", [{}, {"q": 'email IS "a b&c=d/é"'}])
def test_page_links_are_urlencoded(extra: dict[str, str]) -> None:
    url = "http://h/services/rest/record/v1/customer"
    body = page_body(url, [{"id": "1"}] * 5, 23, 5, 10, extra)
    hrefs = {x["rel"]: x["href"] for x in body["links"]}
    for rel, off in (("previous", 5), ("first", 0), ("next", 15), ("last", 20), ("self", 10)):
        assert hrefs[rel] == f"{url}?{urlencode({**extra, 'limit': 5, 'offset': off})}"
