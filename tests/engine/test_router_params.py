"""The router's parameters: one per ``{name}`` segment, the rest of the path for ``{name:path}``,
percent-decoded, each request its own dict."""

from __future__ import annotations

from simulators.engine._http import Request, Response, Router


def _ok(req: Request) -> Response:
    return Response.empty()


def _router() -> Router:
    r = Router()
    r.add("GET", "/items/{kind}/{id}", _ok, name="item")
    r.add("GET", "/files/{bucket}/{key:path}", _ok, name="file")
    r.add(("GET", "POST"), "/plain", _ok, name="plain")
    return r


def test_parameters_are_the_segments_they_name() -> None:
    r = _router()
    route, params, _ = r.match("GET", "/items/Account/001A")
    assert route is not None and route.name == "item"
    assert params == {"kind": "Account", "id": "001A"}
    route, params, _ = r.match("GET", "/files/b1/a/b/c.txt")
    assert route is not None and route.name == "file"
    assert params == {"bucket": "b1", "key": "a/b/c.txt"}
    assert r.match("POST", "/plain")[1] == {}


def test_parameters_are_percent_decoded() -> None:
    route, params, _ = _router().match("GET", "/items/My%20Type/a%2Fb")
    assert route is not None
    assert params == {"kind": "My Type", "id": "a/b"}


def test_each_match_hands_out_its_own_parameters() -> None:
    r = _router()
    first = r.match("GET", "/items/Account/001A")[1]
    first["id"] = "changed"
    assert r.match("GET", "/items/Account/001A")[1] == {"kind": "Account", "id": "001A"}


def test_a_path_of_another_method_is_told_apart_from_an_unknown_one() -> None:
    r = _router()
    assert r.match("DELETE", "/items/Account/001A") == (None, {}, True)
    assert r.match("GET", "/nothing/here") == (None, {}, False)
