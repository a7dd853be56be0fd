"""``$metadata``: the CSDL (EDMX 4.0) document of the entity types this simulator serves.

Rendered from the same definitions the handlers use, so a client that builds its model
from ``$metadata`` (python-odata's reflection, for one) sees exactly what is served.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from simulators.engine import Response

from ._edm import ENTITIES, ENUMS, PROPERTIES

_NS = "Microsoft.NAV"


def _type(t: str) -> str:
    return t.replace("NAV.", f"{_NS}.")


def render_csdl() -> str:
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
        "<edmx:DataServices>",
        f'<Schema Namespace="{_NS}" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    ]
    for name, members in ENUMS.items():
        out.append(f'<EnumType Name="{name.split(".", 1)[1]}">')
        out.extend(f'<Member Name="{csdl}" Value="{value}" />' for _, csdl, value in members)
        out.append("</EnumType>")
    types = {**{e.name: e for e in ENTITIES.values()}}
    for name in [*types, "subscriptions"]:
        ent = types.get(name)
        key = ent.key if ent else "subscriptionId"
        out.append(f'<EntityType Name="{name}">')
        out.append(f'<Key><PropertyRef Name="{key}" /></Key>')
        for p in PROPERTIES[name]:
            attrs = f"Name={quoteattr(p.name)} Type={quoteattr(_type(p.type))}"
            if not p.nullable:
                attrs += ' Nullable="false"'
            if p.max_length is not None:
                attrs += f' MaxLength="{p.max_length}"'
            out.append(f"<Property {attrs} />")
        for nav_name, nav in (ent.nav if ent else {}).items():
            t = f"{_NS}.{nav.target}"
            t = f"Collection({t})" if nav.collection else t
            out.append(f'<NavigationProperty Name="{nav_name}" Type="{t}" />')
        out.append("</EntityType>")
    for bound in ("salesInvoice", "purchaseInvoice", "salesCreditMemo"):
        out.append(
            f'<Action Name="post" IsBound="true"><Parameter Name="bindingParameter" Type="Microsoft.NAV.{bound}" /></Action>'
        )
    out.append('<EntityContainer Name="NAV">')
    for ent in ENTITIES.values():
        out.append(f'<EntitySet Name="{ent.set_name}" EntityType="{_NS}.{ent.name}">')
        for nav_name, nav in ent.nav.items():
            target = ENTITIES[nav.target].set_name
            out.append(f'<NavigationPropertyBinding Path="{nav_name}" Target="{target}" />')
        out.append("</EntitySet>")
    out.append(f'<EntitySet Name="subscriptions" EntityType="{_NS}.subscriptions" />')
    out.extend(["</EntityContainer>", "</Schema>", "</edmx:DataServices>", "</edmx:Edmx>"])
    return "\n".join(out)


class Metadata:
    def __init__(self) -> None:
        self._body = render_csdl().encode()

    def response(self) -> Response:
        return Response(
            200,
            self._body,
            [("content-type", "application/xml;charset=utf-8"), ("odata-version", "4.0")],
        )
