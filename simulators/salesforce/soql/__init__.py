"""SOQL for the CRM simulator: parse with lark, compile to SQL, run on the tenant's SQLite.

Usage::

    prepared = prepare("SELECT Id, Name FROM Account WHERE Name LIKE 'Ac%'", ctx)
    prepared.total_size            # rows within the query's LIMIT/OFFSET
    prepared.fetch(0, 2000)        # the first page of Salesforce-shaped records

Every rejected query raises ``SoqlError`` with Salesforce's ``error_code`` and message.
"""

from __future__ import annotations

from ._ast import Query
from ._engine import PreparedQuery
from ._engine import prepare as _prepare
from ._errors import MALFORMED_QUERY, SoqlError
from ._parser import parse
from ._plan import QueryContext

__all__ = ["PreparedQuery", "Query", "QueryContext", "SoqlError", "parse", "prepare"]


def prepare(text: str, ctx: QueryContext) -> PreparedQuery:
    """Parse and resolve ``text`` against ``ctx``; any rejection is a ``SoqlError``."""
    try:
        return _prepare(text, ctx)
    except SoqlError:
        raise
    except Exception as exc:  # a bug must still answer like Salesforce, not as a 500
        raise SoqlError(MALFORMED_QUERY, "Unknown error parsing query") from exc
