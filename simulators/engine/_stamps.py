"""UTC text of clock readings for writes that stamp every record, the second formatted once.

``datetime.fromtimestamp(ts, UTC).strftime(...)`` costs a write more than its SQL insert
(``%f`` goes through the datetime module's own format pass); a reading is split here the way
``fromtimestamp`` splits it (microseconds rounded half to even) and the whole second's text is
kept until the clock leaves that second, so a vendor composes its own form from the parts.
"""

from __future__ import annotations

import math
import time


class UtcStamps:
    """``parts(ts)``: ('YYYY-MM-DDTHH:MM:SS', microseconds), as ``datetime.fromtimestamp``."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: tuple[int, str] = (0, "1970-01-01T00:00:00")

    def parts(self, ts: float) -> tuple[str, int]:
        frac, whole = math.modf(ts)
        us = round(frac * 1e6)
        if us >= 1_000_000:
            whole, us = whole + 1.0, us - 1_000_000
        elif us < 0:
            whole, us = whole - 1.0, us + 1_000_000
        second = int(whole)
        last = self._last
        if last[0] != second:
            last = self._last = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        return last[1], us
