"""What the locustfiles share: context, wire adapter, journey clock, governance, verdict.

``install(environment)`` (called from each locustfile's ``init`` listener) wires the
listeners; the user classes act through ``LocustSystems``.
"""

from .context import LoadContext, load_context
from .wire import LocustSystems, LocustWire, route_name

__all__ = ["LoadContext", "LocustSystems", "LocustWire", "load_context", "route_name"]
