"""Business Central's writes on 16 KB against 4 KB in-memory pages, under wrk.

    python benchmarks/bench_bc_pages.py                      # 2 rounds, ~2 min
    python benchmarks/bench_bc_pages.py --pages 16384,4096 --rounds 3 --duration 4

Business Central's in-memory stores use 16 KB pages (``BusinessCentralDialect.memory_page_size``),
chosen for its creates, which write one row per statement. Writes of several rows run in a
transaction, which copies every page it touches into the rollback journal, so larger pages
could make them dearer. Per round and page size, one fresh simulator (its own command line with
the page size set before it starts, pinned to ``--server-core``; wrk on ``--client-core``):

* ``grow``: customers created for ``--grow`` seconds (the store the writes below land in);
* ``invoice``: a sales invoice with three lines in one request (deep insert, one transaction);
* ``line``: a line added to one of 200 invoices in turn (the line and the invoice's totals,
  one transaction);
* ``customer``: customers again, on the grown store.

Server CPU µs per request from ``/proc/<pid>/stat``; only 127.0.0.1 is targeted, every run is
bounded. The ``line`` figure depends on how many lines the invoices hold, so compare it between
page sizes only in runs that made about as many requests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from _common import (
    add_wrk_options,
    arg_parser,
    free_port,
    load_average,
    log,
    lua_str,
    require_tools,
    run_wrk,
    stop,
    wait_http,
    write_wrk_scripts,
)
from bench_simulators import BC_CUSTOMER, _client_credentials, _ok, _tenant_credentials

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PHASES = ("grow", "invoice", "line", "customer")
ITEM = {"displayName": "Consulting hour", "type": "Service", "unitPrice": 150}


def _command(port: int, page_size: int) -> list[str]:
    code = (
        "import runpy, sys\n"
        "from simulators.businesscentral._dialect import BusinessCentralDialect\n"
        f"BusinessCentralDialect.memory_page_size = {page_size}\n"
        f"sys.argv = ['businesscentral', '--port', '{port}', '--rate-limit', '1000000000']\n"
        "runpy.run_module('simulators.businesscentral', run_name='__main__')\n"
    )
    return [sys.executable, "-c", code]


def _lines_tail(paths: list[str]) -> str:
    listed = ",\n".join(f"  {lua_str(p)}" for p in paths)
    return (
        f"local paths = {{\n{listed}\n}}\nlocal n = 0\nrequest = function()\n"
        "  n = n + 1\n  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n"
    )


def one_round(page_size: int, args: Any, workdir: Path) -> dict[str, float]:
    port = free_port()
    cmd = ["taskset", "-c", str(args.server_core), *_command(port, page_size)]
    with (workdir / "server.log").open("ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/__admin/health", proc, 60)
        with httpx.Client(timeout=60, trust_env=False) as c:
            creds = _tenant_credentials(c, base)
            headers = _client_credentials(c, creds, scope=creds["scope"])
            company = creds["api_url"].removeprefix(base) + f"/companies({creds['company_id']})"
            post = {**headers, "Content-Type": "application/json"}
            cust = _ok(c.post(f"{base}{company}/customers", json=BC_CUSTOMER, headers=post), 201)
            item = _ok(c.post(f"{base}{company}/items", json=ITEM, headers=post), 201).json()
            cid = cust.json()["id"]
            invoices = [
                _ok(
                    c.post(
                        f"{base}{company}/salesInvoices", json={"customerId": cid}, headers=post
                    ),
                    201,
                ).json()["id"]
                for _ in range(200)
            ]
        deep = {
            "customerId": cid,
            "invoiceDate": "2026-03-31",
            "salesInvoiceLines": [{"itemId": item["id"], "quantity": q} for q in (1, 2, 3)],
        }

        def script(stem: str, body: dict[str, Any], tail: str = "") -> Path:
            text = json.dumps(body, separators=(",", ":"))
            return write_wrk_scripts(workdir, stem, headers, "application/json", text, tail)[
                "create"
            ]

        line_paths = [f"{company}/salesInvoices({i})/salesInvoiceLines" for i in invoices]
        runs = {
            "grow": (f"{company}/customers", script("customer", BC_CUSTOMER), args.grow),
            "invoice": (f"{company}/salesInvoices", script("invoice", deep), args.duration),
            "line": (
                "/",
                script("line", {"itemId": item["id"], "quantity": 2}, _lines_tail(line_paths)),
                args.duration,
            ),
            "customer": (f"{company}/customers", script("customer", BC_CUSTOMER), args.duration),
        }
        out: dict[str, float] = {}
        for phase in PHASES:
            path, lua, seconds = runs[phase]
            run, _ = run_wrk(base + path, lua, args, seconds, proc.pid)
            if run.non_2xx or run.socket_errors:
                raise RuntimeError(f"{phase}: {run.non_2xx} non-2xx, {run.socket_errors} errors")
            log(
                f"page {page_size}: {phase:8s} {run.requests:7d} requests  "
                f"CPU {run.cpu_us_per_req:6.1f} us/req  p99 {run.p99_ms:6.2f} ms"
            )
            out[phase] = run.cpu_us_per_req
            out[f"{phase}_requests"] = run.requests
        return out
    finally:
        stop(proc)


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument("--pages", default="16384,4096", help="page sizes, alternated per round")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--grow", type=float, default=3.0, help="seconds of customer creates first")
    p.add_argument("--duration", type=float, default=3.0, help="seconds per measured phase")
    p.add_argument("--output", type=Path, default=HERE / "results" / "bc_pages.json")
    add_wrk_options(p)
    args = p.parse_args()
    require_tools("wrk", "taskset")
    sizes = [int(s) for s in args.pages.split(",") if s.strip()]
    results: dict[int, list[dict[str, float]]] = {s: [] for s in sizes}
    with tempfile.TemporaryDirectory(prefix="bench-bc-pages-") as tmp:
        for rnd in range(1, args.rounds + 1):
            for size in sizes if rnd % 2 else list(reversed(sizes)):
                log(f"round {rnd}/{args.rounds}: {size} B pages ({load_average()})")
                results[size].append(one_round(size, args, Path(tmp)))
    print(f"{'page':>6} " + " ".join(f"{ph + ' us':>22}" for ph in PHASES))
    for size, runs in results.items():
        cells = [" / ".join(f"{r[ph]:.1f}" for r in runs) for ph in PHASES]
        print(f"{size:>6} " + " ".join(f"{c:>22}" for c in cells))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({str(k): v for k, v in results.items()}, indent=2) + "\n")
    print(f"JSON: {args.output}")


if __name__ == "__main__":
    main()
