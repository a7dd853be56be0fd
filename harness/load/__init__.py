"""Load runs: business events through the stack with Locust (run as a subprocess),
journey latency, vendor governance and its projection at the firm's volume, and a
verdict against the profile's thresholds.

>>> result = run_load(LoadOptions(load_profile(Path("loadtests/profiles/month_end.toml"))))
"""

from ._profile import Limits, LoadProfile, Thresholds, Volume, load_profile, parse_duration
from ._projection import VendorProjection, daily_events, project, unit_costs
from ._runner import LoadOptions, LoadResult, run_load
from ._staging import redact, staging_endpoints, staging_target

__all__ = [
    "Limits",
    "LoadOptions",
    "LoadProfile",
    "LoadResult",
    "Thresholds",
    "VendorProjection",
    "Volume",
    "daily_events",
    "load_profile",
    "parse_duration",
    "project",
    "redact",
    "run_load",
    "staging_endpoints",
    "staging_target",
    "unit_costs",
]
