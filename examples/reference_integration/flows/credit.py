"""Credit: the customer disputed part of an invoice and the account manager granted a
credit on the won opportunity (``Credit_Requested__c``, the amount; ``Credit_Reason__c``).

The ERP port credits the opportunity's newest invoice (NetSuite: ``POST
/record/v1/invoice/{newest}/!transform/creditMemo`` with one item line for the amount,
which NetSuite applies to that invoice; Business Central: a sales credit memo naming the
invoice in ``invoiceId``, one line for the amount, then its ``post`` action). Its external id is made from the
opportunity and the amount, so a repeated change event credits once. The invoice's
notification then brings its new amount due and status to the PSA and the CRM.
"""

from __future__ import annotations

from typing import Any

from ..logs import get_logger
from ..services import Services

log = get_logger("credit")
AMOUNT_FIELD = "Credit_Requested__c"
REASON_FIELD = "Credit_Reason__c"


def credit_external_id(opp_id: str, cents: int) -> str:
    return f"credit-{opp_id}-{cents}"


def _order(invoice_id: str, link: dict[str, Any]) -> int:
    """Creation order: a NetSuite internal id; else the digits of the posted number (a
    Business Central invoice id is a GUID, its posted numbers run up)."""
    if invoice_id.isdigit():
        return int(invoice_id)
    return int("".join(ch for ch in str(link.get("tran") or "") if ch.isdigit()) or 0)


async def request(svc: Services, project: dict[str, Any], opp: dict[str, Any]) -> None:
    """Credit the opportunity's newest invoice once per requested amount."""
    amount = round(float(opp.get(AMOUNT_FIELD) or 0.0), 2)
    if amount <= 0:
        return
    opp_id = str(opp["Id"])
    links = svc.store.links("invoice")
    ours = [k for k, v in links.items() if v["opportunity"] == opp_id]
    if not ours:
        from ..errors import NotReady

        raise NotReady(f"opportunity {opp_id} asks for a credit but has no invoice yet")
    newest = max(ours, key=lambda k: _order(k, links[k]))
    eid = credit_external_id(opp_id, round(amount * 100))
    reason = str(opp.get(REASON_FIELD) or "Credit granted to the customer")
    memo_id = await svc.erp_port.credit(newest, eid, amount, reason, project["opportunity"])
    if memo_id is None:
        return
    log.info("credit memo", extra={"invoice": newest, "credit_memo": memo_id, "amount": amount})
