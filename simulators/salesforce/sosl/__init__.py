"""SOSL search: the subset integrations use (FIND {term} IN scope FIELDS RETURNING ... LIMIT)."""

from ._search import SoslError, search

__all__ = ["SoslError", "search"]
