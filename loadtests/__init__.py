"""Locust load runs: business events through the stack and direct load on each simulator.

Locust is imported only in this package, and only in the Locust process: ``harness
load`` runs it as a subprocess (Locust patches the process with gevent). The files
next to this one are locustfiles; ``kit`` holds what they share (the run's context,
the Locust-backed wire the harness's actors act through, journey latency, governance,
the verdict); ``profiles`` holds the TOML profiles.
"""

import sys

# httpcore probes for trio on import; trio's import needs select.epoll, which gevent's
# patching removes. Locust processes never use trio: make the probe find nothing.
_monkey = sys.modules.get("gevent.monkey")
if _monkey is not None and _monkey.is_module_patched("select") and "trio" not in sys.modules:
    sys.modules["trio"] = None  # type: ignore[assignment]
