"""Direct load on the ERP (NetSuite) simulator: customer upserts and reads, SuiteQL.

Token-based authentication signs every request, so this uses Locust's requests-based
``HttpUser``. Beyond ``concurrency_limit`` requests in flight NetSuite answers 429: a
run with more users than the limit reproduces its concurrency governance.
"""

from __future__ import annotations

import loadtests  # noqa: F401  (first: makes the harness importable under gevent)

# isort: split
import random

from locust import HttpUser, constant, task

from harness.stack._vendor_auth import tba_auth_requests
from loadtests.kit import load_context
from loadtests.kit.plugin import on_init

CTX = load_context()
on_init(direct=True)
EP = CTX.endpoints["erp"]


class ErpApiUser(HttpUser):
    host = EP["rest_url"]
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random(f"{CTX.seed}:{id(self)}")
        self.client.auth = tba_auth_requests(EP)
        self.client.trust_env = False

    @task(4)
    def read_customer(self) -> None:
        account = self.rng.choice(CTX.pools["accounts"])
        self.client.get(
            f"/record/v1/customer/eid:{account['Id']}", name="erp GET /record/v1/customer/{id}"
        )

    @task(1)
    def upsert_customer(self) -> None:
        account = self.rng.choice(CTX.pools["accounts"])
        self.client.put(
            f"/record/v1/customer/eid:{account['Id']}",
            json={"companyName": account["Name"]},
            name="erp PUT /record/v1/customer/{id}",
        )

    @task(1)
    def suiteql(self) -> None:
        self.client.post(
            "/query/v1/suiteql?limit=10",
            json={"q": "SELECT id, companyname FROM customer"},
            headers={"Prefer": "transient"},
            name="erp POST /query/v1/suiteql",
        )
