"""What the users of one Locust process saw: acknowledged business events and the
governance counters of their own calls; workers hand theirs to the master.

Locust aggregates request statistics across workers itself; these extra figures travel
the documented way (``report_to_master`` on workers, ``worker_report`` on the master).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")
KEY = "harness_load"


class RunState:
    """Per-process tallies; on the master (or a local run) also the merged totals."""

    def __init__(self) -> None:
        self.acks: dict[str, list[Any]] = defaultdict(list)  # journey -> acknowledged keys
        self.calls: Counter[tuple[str, str]] = Counter()  # (journey, system) -> requests
        self.statuses: Counter[tuple[str, int]] = Counter()  # (system, 429|503) -> answers
        self.sf_usage: tuple[int, int] = (0, 0)  # highest Sforce-Limit-Info api-usage seen
        self.worker = False  # a worker keeps what it has not reported yet
        self._pending: dict[str, Any] = self._empty()

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"acks": defaultdict(list), "calls": Counter(), "statuses": Counter(), "sf": (0, 0)}

    # -- recording (users) -----------------------------------------------------------

    def ack(self, journey: str, key: Any) -> None:
        """The vendor (or the stack) accepted one business event of ``journey``."""
        self.acks[journey].append(key)
        if self.worker:
            self._pending["acks"][journey].append(key)

    def on_request(self, name: str, response: Any, context: dict[str, Any] | None) -> None:
        ctx = context or {}
        system = str(ctx.get("system") or name.split(" ", 1)[0])
        journey = str(ctx.get("journey") or "direct")
        self.calls[(journey, system)] += 1
        pending = self._pending if self.worker else self._empty()
        pending["calls"][(journey, system)] += 1
        status = getattr(response, "status_code", 0) or 0
        if status in (429, 503):
            self.statuses[(system, status)] += 1
            pending["statuses"][(system, status)] += 1
        headers = getattr(response, "headers", None)
        info = headers.get("Sforce-Limit-Info") if headers is not None else None
        if info:
            m = _USAGE.search(info)
            if m:
                used = (int(m.group(1)), int(m.group(2)))
                if used[0] >= self.sf_usage[0]:
                    self.sf_usage = used
                    pending["sf"] = used

    # -- distributed -----------------------------------------------------------------

    def report(self, data: dict[str, Any]) -> None:
        """Worker: add what changed since the last report to the message for the master."""
        p, self._pending = self._pending, self._empty()
        data[KEY] = {
            "acks": dict(p["acks"]),
            "calls": [[j, s, n] for (j, s), n in p["calls"].items()],
            "statuses": [[s, st, n] for (s, st), n in p["statuses"].items()],
            "sf": list(p["sf"]),
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Master: fold one worker's report in."""
        d = data.get(KEY)
        if not d:
            return
        for journey, keys in d["acks"].items():
            self.acks[journey].extend(keys)
        for j, s, n in d["calls"]:
            self.calls[(j, s)] += n
        for s, st, n in d["statuses"]:
            self.statuses[(s, int(st))] += n
        used = tuple(d["sf"])
        if used[0] >= self.sf_usage[0]:
            self.sf_usage = (int(used[0]), int(used[1]))
