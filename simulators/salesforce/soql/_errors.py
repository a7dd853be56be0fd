"""The one exception the SOQL engine raises, worded as Salesforce words it.

Salesforce prefixes positional errors with the offending line of the query, a caret
under the error column and ``ERROR at Row:r:Column:c``; ``located`` builds that prefix.
"""

from __future__ import annotations

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"


class SoqlError(Exception):
    """A query Salesforce would reject: ``error_code`` and the exact ``message``."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    def __str__(self) -> str:
        return f"{self.error_code}: {self.message}"

    def __reduce__(self) -> tuple[type[SoqlError], tuple[str, str]]:
        return (type(self), (self.error_code, self.message))


def located(text: str, line: int, column: int, message: str) -> str:
    """``message`` behind Salesforce's caret block pointing at ``line``:``column`` (1-based)."""
    lines = text.split("\n")
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    row = row.rstrip("\r")
    caret = " " * max(column - 1, 0) + "^"
    return f"\n{row}\n{caret}\nERROR at Row:{line}:Column:{column}\n{message}"


def error_at(code: str, text: str, line: int, column: int, message: str) -> SoqlError:
    return SoqlError(code, located(text, line, column, message))


def no_such_column(text: str, line: int, column: int, field: str, entity: str) -> SoqlError:
    return error_at(
        INVALID_FIELD,
        text,
        line,
        column,
        f"No such column '{field}' on entity '{entity}'. If you are attempting to use a custom "
        "field, be sure to append the '__c' after the custom field name. Please reference your "
        "WSDL or the describe call for the appropriate names.",
    )


def bad_relationship(text: str, line: int, column: int, name: str) -> SoqlError:
    return error_at(
        INVALID_FIELD,
        text,
        line,
        column,
        f"Didn't understand relationship '{name}' in field path. If you are attempting to use a "
        "custom relationship, be sure to append the '__r' after the custom relationship name. "
        "Please reference your WSDL or the describe call for the appropriate names.",
    )


def bad_child_relationship(text: str, line: int, column: int, name: str) -> SoqlError:
    return error_at(
        INVALID_TYPE,
        text,
        line,
        column,
        f"Didn't understand relationship '{name}' in FROM part of query call. If you are "
        "attempting to use a custom relationship, be sure to append the '__r' after the custom "
        "relationship name. Please reference your WSDL or the describe call for the appropriate "
        "names.",
    )


def unsupported_type(text: str, line: int, column: int, name: str) -> SoqlError:
    return error_at(
        INVALID_TYPE,
        text,
        line,
        column,
        f"sObject type '{name}' is not supported. If you are attempting to use a custom object, "
        "be sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.",
    )
