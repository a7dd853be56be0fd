"""Direct load on the PSA (Kantata OX) simulator: reads and time entries.

Kantata answers 429 with ``Retry-After`` beyond its rate limit (``[limits]`` of the
simulator settings); a run above it reproduces the limit.
"""

from __future__ import annotations

import loadtests  # noqa: F401  (first: makes the harness importable under gevent)

# isort: split
import random

from locust import FastHttpUser, constant, task

from loadtests.kit import load_context
from loadtests.kit.plugin import on_init

CTX = load_context()
on_init(direct=True)


class PsaApiUser(FastHttpUser):
    host = CTX.endpoints["psa"]["api_base"]
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(f"{CTX.seed}:{id(self)}")
        self.headers = {"Authorization": f"Bearer {CTX.endpoints['psa']['token']}"}

    @task(4)
    def read_workspace(self) -> None:
        row = self.rng.choice(CTX.pools["direct"])
        self.client.get(
            f"{self.host}/workspaces/{row['workspace']}.json",
            headers=self.headers,
            name="psa GET /workspaces/{id}.json",
        )

    @task(2)
    def log_time(self) -> None:
        row = self.rng.choice(CTX.pools["direct"])
        self.client.post(
            f"{self.host}/time_entries.json",
            json={
                "time_entry": {
                    "workspace_id": row["workspace"],
                    "user_id": row["user"],
                    "date_performed": CTX.day,
                    "time_in_minutes": 60,
                }
            },
            headers=self.headers,
            name="psa POST /time_entries.json",
        )
