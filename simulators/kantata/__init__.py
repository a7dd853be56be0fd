"""The PSA simulator: Kantata OX (Mavenlink) API v1 on the wire, with subscribed events."""

from ._dialect import KantataDialect, create_simulator
from ._settings import KantataSettings

__all__ = ["KantataDialect", "KantataSettings", "create_simulator"]
