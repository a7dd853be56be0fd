"""Entities as Business Central shows them: every property (blanks filled in), or the
``$select`` ones, behind the ``@odata.etag`` of the row version.

Blank values are Business Central's own: ``""`` for text, ``0`` for numbers,
``0001-01-01`` for dates and the nil GUID for references.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from ._edm import PROPERTIES, EntityDef

NIL_GUID = "00000000-0000-0000-0000-000000000000"
BLANK_DATE = "0001-01-01"
BLANK_DATETIME = "0001-01-01T00:00:00Z"
#: the stored row version behind the ETag
VERSION = "_v"

_MISSING: Any = object()


#: the end of an ETag's quoted row version, by the version modulo 97 (a format spec per
#: ETag cost more than the rest of it)
_TAILS = tuple(f"{i:02d};00;'" for i in range(97))


#: the start of every first version's ETag: ``'1;`` is three bytes, a base64 group of its own
_FIRST = 'W/"' + b2a_base64(b"'1;", newline=False).decode()


def etag(version: int, record_id: str) -> str:
    """A weak ETag shaped like Business Central's (base64 of a quoted row version)."""
    if version == 1:  # every new record
        return (
            _FIRST + b2a_base64((record_id[:8] + "01;00;'").encode(), newline=False).decode() + '"'
        )
    raw = ("'" + str(version) + ";" + record_id[:8] + _TAILS[version % 97]).encode()
    return 'W/"' + b2a_base64(raw, newline=False).decode() + '"'


def blank(edm_type: str) -> Any:
    """The value Business Central returns for a property never set."""
    if edm_type == "Edm.String":
        return ""
    if edm_type in ("Edm.Decimal", "Edm.Int32", "Edm.Int64", "Edm.Double"):
        return 0
    if edm_type == "Edm.Boolean":
        return False
    if edm_type == "Edm.Date":
        return BLANK_DATE
    if edm_type == "Edm.DateTimeOffset":
        return BLANK_DATETIME
    if edm_type == "Edm.Guid":
        return NIL_GUID
    return ""


#: per entity type, every property with its blank value: a new record before its values
BLANKS: dict[str, dict[str, Any]] = {
    t: {p.name: blank(p.type) for p in props} for t, props in PROPERTIES.items()
}
#: per entity type, (property, blank value) of what an entity shows (a stream is read at its
#: own URL, not carried in the entity)
_SHOWN: dict[str, tuple[tuple[str, Any], ...]] = {
    t: tuple((p.name, blank(p.type)) for p in props if p.type != "Edm.Stream")
    for t, props in PROPERTIES.items()
}
#: per entity type that has no stream property, how many properties it has
PLAIN_SIZE: dict[str, int] = {
    t: len(props) for t, props in PROPERTIES.items() if all(p.type != "Edm.Stream" for p in props)
}
#: per entity type, (names shown, their values taken from a record that has them all)
_PICK: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], Any]]] = {
    t: (tuple(n for n, _ in shown), itemgetter(*(n for n, _ in shown)))
    for t, shown in _SHOWN.items()
    if len(shown) > 1
}


def render(ent: EntityDef, rec: dict[str, Any], select: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"@odata.etag": etag(int(rec.get(VERSION, 1)), rec["id"])}
    if not select or "*" in select:
        pick = _PICK.get(ent.name)
        if pick is not None:
            try:  # a record written by this simulator has every property
                out.update(zip(pick[0], pick[1](rec), strict=True))
                return out
            except KeyError:
                pass
        get = rec.get
        for name, empty in _SHOWN[ent.name]:
            out[name] = get(name, empty)
        return out
    for name in select:
        sp = ent.prop(name)
        value = rec.get(name, _MISSING)
        out[name] = (blank(sp.type) if sp else None) if value is _MISSING else value
    return out


def etag_of(rec: dict[str, Any]) -> str:
    version = rec.get(VERSION, 1)
    if version == 1 and type(version) is int:  # a new record's, without a call more
        rid: str = rec["id"]
        return _FIRST + b2a_base64((rid[:8] + "01;00;'").encode(), newline=False).decode() + '"'
    return etag(int(version), rec["id"])
