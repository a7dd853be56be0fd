"""Per-tenant clock: real time by default, frozen or shifted on demand.

Every timestamp a simulator writes comes from its tenant's clock, so tests can freeze
time, advance it across a period close or past a token's expiry, and replay runs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    """Real time plus an offset, or a frozen instant."""

    __slots__ = ("_frozen_at", "_offset")

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None

    def time(self) -> float:
        """Seconds since the epoch on this clock."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, at: datetime | None = None) -> None:
        self._frozen_at = at.timestamp() if at is not None else self.time()

    def unfreeze(self) -> None:
        """Run again from the current instant, keeping any shift relative to real time."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - time.time()
            self._frozen_at = None

    def set(self, at: datetime) -> None:
        if self._frozen_at is not None:
            self._frozen_at = at.timestamp()
        else:
            self._offset = at.timestamp() - time.time()

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset += seconds

    def reset(self) -> None:
        self._offset = 0.0
        self._frozen_at = None

    def state(self) -> dict[str, object]:
        return {
            "now": self.now().isoformat().replace("+00:00", "Z"),
            "frozen": self.frozen,
            "offset_seconds": round(self.time() - time.time(), 3),
        }

    def after(self, seconds: float) -> datetime:
        return self.now() + timedelta(seconds=seconds)
