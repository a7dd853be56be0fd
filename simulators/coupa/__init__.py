"""The procurement simulator: Coupa's Core API on the wire (suppliers, purchase orders,
receipts, supplier invoices) for a firm's subcontractor spend."""

from ._dialect import CoupaDialect, create_simulator
from ._settings import CoupaSettings

__all__ = ["CoupaDialect", "CoupaSettings", "create_simulator"]
