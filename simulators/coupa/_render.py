"""Coupa's two wire formats: JSON with hyphenated keys, and XML, its default.

A request that accepts ``application/json`` gets JSON; any other gets XML, as Coupa
answers. XML elements carry Rails-style ``type`` attributes (integer, decimal, boolean,
datetime, array) and ``nil="true"``; a list's children are named by its singular.
Request bodies may be either; XML is parsed with defusedxml (no entities, no DTDs).
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import orjson
from defusedxml import ElementTree as SafeET

from simulators.engine import Request, Response

from ._errors import bad_request

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
JSON = "application/json"
XML = "application/xml"


def wants_json(req: Request) -> bool:
    return "json" in (req.headers.get("accept") or "").lower()


def _singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith("ses"):
        return name[:-2]
    return name[:-1] if name.endswith("s") else f"{name}-item"


def _fill(el: Element, value: Any) -> None:
    if value is None:
        el.set("nil", "true")
    elif isinstance(value, bool):
        el.set("type", "boolean")
        el.text = "true" if value else "false"
    elif isinstance(value, int):
        el.set("type", "integer")
        el.text = str(value)
    elif isinstance(value, float):
        el.set("type", "decimal")
        el.text = repr(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            _fill(SubElement(el, k), v)
    elif isinstance(value, list):
        el.set("type", "array")
        for item in value:
            _fill(SubElement(el, _singular(el.tag)), item)
    else:
        text = str(value)
        if _DATETIME.match(text):
            el.set("type", "datetime")
        el.text = text


def to_xml(root: str, value: Any) -> bytes:
    el = Element(root)
    _fill(el, value)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(el, encoding="unicode").encode()


def render(req: Request, root: str, value: Any, status: int = 200) -> Response:
    """``value`` (a record or a list of records) as the caller asked for it."""
    if wants_json(req):
        return Response(status, orjson.dumps(value), [("content-type", f"{JSON}; charset=utf-8")])
    return Response(status, to_xml(root, value), [("content-type", f"{XML}; charset=utf-8")])


def error_body(req: Request | None, messages: list[str], status: int) -> Response:
    if req is not None and wants_json(req):
        body = orjson.dumps({"errors": {"error": messages}})
        return Response(status, body, [("content-type", f"{JSON}; charset=utf-8")])
    el = Element("errors")
    for m in messages:
        SubElement(el, "error").text = m
    xml = b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(el, encoding="unicode").encode()
    return Response(status, xml, [("content-type", f"{XML}; charset=utf-8")])


def _parse_el(el: Element) -> Any:
    if el.get("nil") == "true":
        return None
    kind = el.get("type")
    children = list(el)
    if kind == "array":
        return [_parse_el(c) for c in children]
    if children:
        return {c.tag: _parse_el(c) for c in children}
    text = el.text or ""
    try:
        if kind == "integer":
            return int(text)
        if kind in ("decimal", "float"):
            return float(text)
    except ValueError:
        raise bad_request(f"{el.tag} is not a valid {kind}: {text!r}") from None
    if kind == "boolean":
        return text.strip().lower() == "true"
    return text


def body_of(req: Request) -> dict[str, Any]:
    """The request body (JSON or XML) as a dict of hyphenated keys."""
    ctype = (req.headers.get("content-type") or "").lower()
    if "xml" in ctype or req.body.lstrip().startswith(b"<"):
        try:
            root = SafeET.fromstring(req.body)
        except Exception as exc:  # defusedxml raises several kinds for hostile input
            raise bad_request(f"The XML document could not be parsed: {exc}") from None
        doc = _parse_el(root)
    else:
        if not req.body.strip():
            raise bad_request("The request body is empty")
        try:
            doc = orjson.loads(req.body)
        except orjson.JSONDecodeError as exc:
            raise bad_request(f"The JSON document could not be parsed: {exc}") from None
    if not isinstance(doc, dict):
        raise bad_request("The request body must be an object")
    return {str(k).replace("_", "-"): v for k, v in doc.items()}
