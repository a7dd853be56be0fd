"""A test-local stack: sets up a project for each opportunity closed won by writing ids
back to the CRM, and in ``lossy`` mode acknowledges every second event without acting.

    python _lossy_stack.py ENDPOINTS_FILE PORT ok|lossy
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx


def main() -> None:
    endpoints, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    crm = json.loads(Path(endpoints).read_text())["crm"]
    http = httpx.Client(base_url=crm["base_url"], trust_env=False, timeout=10)
    token = http.post(
        crm["token_url"],
        data={
            "grant_type": "client_credentials",
            "client_id": crm["client_id"],
            "client_secret": crm["client_secret"],
        },
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    api = f"/services/data/v{crm.get('api_version', '60.0')}"
    work: queue.Queue[tuple[str, str]] = queue.Queue()
    seen = {"won": 0}

    def worker() -> None:
        while True:
            opp, corr = work.get()
            http.patch(
                f"{api}/sobjects/Opportunity/{opp}",
                json={"PSA_Project_Id__c": f"WS-{opp}", "ERP_Project_Id__c": f"JOB-{opp}"},
                headers={"X-Correlation-Id": corr},
            )

    threading.Thread(target=worker, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def do_GET(self) -> None:
            self._reply(200)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            payload = (body.get("data") or {}).get("payload") or {}
            header = payload.get("ChangeEventHeader") or {}
            if payload.get("StageName") == "Closed Won":
                for opp in header.get("recordIds") or []:
                    seen["won"] += 1
                    if mode == "lossy" and seen["won"] % 2 == 0:
                        continue  # acknowledged, never acted on: an event lost
                    work.put((opp, self.headers.get("x-correlation-id") or ""))
            self._reply(200)

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
