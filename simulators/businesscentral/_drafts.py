"""What sales and purchase documents share: the draft number and status set once when a
document is created, the party's address and currency copied onto its header, its dates,
the lines there are to post, and an invoice paid down."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from simulators.engine import Tenant, type_literal

from ._edm import ENTITIES
from ._errors import dialog
from ._indexes import read
from ._records import COMPANY, not_found
from ._render import BLANK_DATE, NIL_GUID
from ._wire import bc_date

if TYPE_CHECKING:
    from ._records import Records

#: a header's address fields and the party's fields they copy
_ADDRESS = (
    ("addressLine1", "AddressLine1"),
    ("addressLine2", "AddressLine2"),
    ("city", "City"),
    ("country", "Country"),
    ("state", "State"),
    ("postalCode", "PostCode"),
)


#: the statuses of a document not yet posted
DRAFT = ("Draft", "In Review")


#: the values of a property left unset
UNSET = (None, "", NIL_GUID, BLANK_DATE, 0)


def is_set(x: Any) -> bool:
    return x not in UNSET


def open_draft(
    records: Records,
    tenant: Tenant,
    company: str,
    rec: dict[str, Any],
    prev: dict[str, Any] | None,
    series: str,
    start: int,
) -> None:
    """Drop the bulk-load marker; a new document gets the next number of ``series`` and Draft."""
    rec.pop("_system", None)
    if prev is None:
        if not rec.get("number"):
            rec["number"] = records.next_number(tenant, company, series, width=6, start=start)
        rec["status"] = rec.get("status") or "Draft"


def draft_of_line(
    tenant: Tenant, company: str, rec: dict[str, Any], doc_type: str, label: str
) -> dict[str, Any]:
    """The document a line belongs to (``documentId``), of the line's company and not posted
    (the bulk load's marker aside); ``label`` names the document in the refusal."""
    doc = tenant.store.get(doc_type, rec.get("documentId") or "")
    if doc is None or doc.get(COMPANY) != company:
        raise not_found(ENTITIES[doc_type], str(rec.get("documentId")))
    if doc.get("status") not in DRAFT and not rec.get("_system"):
        raise dialog(f"You cannot modify the lines of the posted {label} {doc.get('number')}.")
    return doc


def copy_address(rec: dict[str, Any], party: dict[str, Any], sides: tuple[str, ...]) -> None:
    """Each side's address fields (``sellTo``, ``billTo``, ...) the document leaves empty."""
    for side in sides:
        for src, dst in _ADDRESS:
            if not rec.get(side + dst):
                rec[side + dst] = party.get(src, "")


def copy_currency(rec: dict[str, Any], party: dict[str, Any]) -> None:
    """The party's currency, when the document names none."""
    if not rec.get("currencyCode"):
        rec["currencyCode"] = party.get("currencyCode", "")
        rec["currencyId"] = party.get("currencyId", NIL_GUID)


def default_dates(tenant: Tenant, rec: dict[str, Any], date_field: str, due_days: int) -> None:
    """The document date (today), the posting date (the document date) and the due date
    (``due_days`` later), each where the document leaves it blank."""
    if not is_set(rec.get(date_field)):
        rec[date_field] = bc_date(tenant.clock.time())
    if not is_set(rec.get("postingDate")):
        rec["postingDate"] = rec[date_field]
    if not is_set(rec.get("dueDate")):
        rec["dueDate"] = (
            date.fromisoformat(rec[date_field]) + timedelta(days=due_days)
        ).isoformat()


def lines_to_post(tenant: Tenant, line_type: str, document_id: str) -> int:
    """How many lines of the document are not comments."""
    n: int = read(
        tenant,
        f"SELECT count(*) FROM records WHERE type = {type_literal(line_type)}"
        " AND json_extract(data, '$.documentId') = ? AND deleted = 0"
        " AND json_extract(data, '$.lineType') != 'Comment'",
        (document_id,),
    ).fetchone()[0]
    return n


def pay_down(records: Records, tenant: Tenant, inv: dict[str, Any], remaining: float) -> None:
    """The sales invoice's new ``remainingAmount``; at zero it is Paid."""
    records.update(
        tenant,
        ENTITIES["salesInvoice"],
        inv,
        {
            "remainingAmount": remaining,
            "status": "Paid" if remaining == 0 else inv["status"],
            "_system": True,
        },
    )
