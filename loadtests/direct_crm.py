"""Direct load on the CRM (Salesforce) simulator: reads, creates and SOQL queries."""

from __future__ import annotations

import loadtests  # noqa: F401  (first: makes the harness importable under gevent)

# isort: split
import random

from locust import FastHttpUser, constant, task

from loadtests.kit import load_context
from loadtests.kit.direct import crm_token
from loadtests.kit.plugin import on_init

CTX = load_context()
on_init(direct=True)
API = f"/services/data/v{CTX.endpoints['crm'].get('api_version', '60.0')}"


class CrmApiUser(FastHttpUser):
    host = CTX.endpoints["crm"]["base_url"]
    wait_time = CTX.pace("CrmApiUser", constant(0))

    def on_start(self) -> None:
        self.rng = random.Random(f"{CTX.seed}:{id(self)}")
        self.headers = {"Authorization": f"Bearer {crm_token(self.client, CTX)}"}

    @task(6)
    def read_account(self) -> None:
        account = self.rng.choice(CTX.pools["accounts"])
        self.client.get(
            f"{API}/sobjects/Account/{account['Id']}",
            headers=self.headers,
            name="crm GET /sobjects/Account/{id}",
        )

    @task(2)
    def create_contact(self) -> None:
        account = self.rng.choice(CTX.pools["accounts"])
        self.client.post(
            f"{API}/sobjects/Contact/",
            json={"LastName": "Load", "AccountId": account["Id"]},
            headers=self.headers,
            name="crm POST /sobjects/Contact/",
        )

    @task(1)
    def query_opportunities(self) -> None:
        account = self.rng.choice(CTX.pools["accounts"])
        self.client.get(
            f"{API}/query/?q=SELECT+Id,+Name,+StageName+FROM+Opportunity+WHERE+AccountId+=+'{account['Id']}'",
            headers=self.headers,
            name="crm GET /query (Opportunity by account)",
        )
