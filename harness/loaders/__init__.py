"""Loading the canonical firm into the simulators, one dialect mapping per vendor.

The factories produce one vendor-neutral firm; each mapping here translates it to its
vendor's wire shape, and ``load_firm`` pushes the batches through every simulator's
admin bulk-load API over HTTP, so it works against simulators in another process too.
"""

from ._businesscentral import businesscentral_batches, businesscentral_companies
from ._kantata import kantata_batches
from ._load import MAPPINGS, LoadReport, load_firm
from ._netsuite import netsuite_batches
from ._present import firm_present
from ._salesforce import salesforce_batches
from ._workday import workday_batches

__all__ = [
    "MAPPINGS",
    "LoadReport",
    "businesscentral_batches",
    "businesscentral_companies",
    "firm_present",
    "kantata_batches",
    "load_firm",
    "netsuite_batches",
    "salesforce_batches",
    "workday_batches",
]
