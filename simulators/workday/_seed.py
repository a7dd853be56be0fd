"""What a new Workday tenant starts with: the job change reasons."""

from __future__ import annotations

from simulators.engine import Tenant

from ._ids import fixed_wid
from ._model import REASON
from ._wire import wd_datetime

#: job change reasons every tenant starts with (Workday delivers similar ones)
DEFAULT_REASONS = (
    "Transfer > Transfer > Move to another Manager",
    "Promotion > Promotion > Promotion",
    "Lateral Move > Lateral Move > Lateral Move",
    "Data Change > Data Change > Change Job Details",
    "Reorganization > Reorganization > Reorganization",
)


def seed_tenant(tenant: Tenant) -> None:
    """The default job change reasons, once (no notifications)."""
    store = tenant.store
    if store.count(REASON) == 0:
        stamp = wd_datetime(tenant.clock.time())
        store.bulk_insert(
            REASON,
            [
                (
                    fixed_wid("jobChangeReason", n),
                    stamp,
                    {
                        "id": fixed_wid("jobChangeReason", n),
                        "name": n,
                        "isForEmployee": True,
                        "isForContingentWorker": True,
                        "managerReason": n.startswith("Transfer"),
                    },
                )
                for n in DEFAULT_REASONS
            ],
        )
