"""Supplier invoices posted the way the tests write them: a number, a date, a supplier by id
and the lines."""

from __future__ import annotations

from typing import Any

import httpx


def post_invoice(
    api: httpx.Client, supplier_id: Any, number: str, day: str, lines: list[dict[str, Any]]
) -> httpx.Response:
    return api.post(
        "/api/invoices",
        json={
            "invoice-number": number,
            "invoice-date": day,
            "supplier": {"id": supplier_id},
            "invoice-lines": lines,
        },
    )
