"""Whether a workspace just created can have anything pointing at it, without asking SQLite.

A new workspace's roll-ups (budget used, expenses, submissions, progress) read the time
entries, expenses, timesheet submissions and stories that point at it; a workspace just
created almost never has any (only records loaded with a workspace id not yet handed out
can), and asking cost a twentieth of a create. The tenant's state keeps the highest workspace
id any such record points at: read from their indexes once, raised by every write of one, and
read again after a load or a store changed under the id counters (``_ids.forget``, ``bump``).
A workspace whose id is above it has nothing pointing at it.
"""

from __future__ import annotations

from typing import Any

from simulators.engine import Tenant

from ._indexes import ROLL_UP_INDEX
from ._state import state_of

#: the collections whose ``workspace_id`` the roll-ups read
LINKED = ("time_entries", "expenses", "timesheet_submissions", "stories")
#: the highest workspace id a row of ``LINKED`` holds (deleted ones too: an upper bound)
_TOP = "SELECT coalesce(max(top), 0) FROM ({})".format(
    " UNION ALL ".join(
        "SELECT max(CAST(json_extract(data, '$.workspace_id') AS INTEGER)) AS top FROM records"
        f" INDEXED BY {ROLL_UP_INDEX} WHERE type = '{c}'"
        for c in LINKED
    )
)


def none_linked(tenant: Tenant, workspace_id: str) -> bool:
    """True when no record of ``LINKED`` can point at the workspace ``workspace_id``."""
    state = state_of(tenant)
    top = state.linked_top
    if top is None:
        top = state.linked_top = int(tenant.store.conn.execute(_TOP).fetchone()[0])
    return workspace_id.isdigit() and int(workspace_id) > top


def note_link(tenant: Tenant, collection: str, rec: dict[str, Any]) -> None:
    """A record of ``collection`` is written: the highest workspace id pointed at follows."""
    if collection not in LINKED:
        return
    state = state_of(tenant)
    if state.linked_top is None:
        return
    wid = rec.get("workspace_id")
    text = str(wid) if isinstance(wid, (str, int)) and not isinstance(wid, bool) else ""
    if text.isdigit():  # a workspace's id is digits; any other value matches none of them
        state.linked_top = max(state.linked_top, int(text))
