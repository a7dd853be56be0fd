"""Direct load on the HCM (Workday) simulator: worker reads and the RaaS report."""

from __future__ import annotations

import loadtests  # noqa: F401  (first: makes the harness importable under gevent)

# isort: split
import random

from locust import FastHttpUser, constant, task

from loadtests.kit import load_context
from loadtests.kit.direct import hcm_token
from loadtests.kit.plugin import on_init

CTX = load_context()
on_init(direct=True)
EP = CTX.endpoints["hcm"]


class HcmApiUser(FastHttpUser):
    host = EP["base_url"]
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(f"{CTX.seed}:{id(self)}")
        self.headers = {"Authorization": f"Bearer {hcm_token(self.client, CTX)}"}

    @task(4)
    def list_workers(self) -> None:
        self.client.get(
            f"{EP['common_base_url']}/workers?limit=20&offset={self.rng.randrange(0, 20)}",
            headers=self.headers,
            name="hcm GET /workers",
        )

    @task(1)
    def worker_report(self) -> None:
        self.client.get(EP["report_url"], headers=self.headers, name="hcm GET RaaS report")
