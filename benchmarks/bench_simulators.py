"""Every simulator: one read and one create each, with wrk, server on one core.

    python benchmarks/bench_simulators.py                   # 3 rounds + backend comparison
    python benchmarks/bench_simulators.py --only crm,erp --rounds 2
    python benchmarks/bench_simulators.py --part backends --backend-rounds 4

Per round and per simulator (one at a time, a fresh process each round): the simulator is
started with ``taskset -c <server-core> python -m simulators.<vendor> --port P --backend B
<limits>``,
set up over its admin and vendor APIs (token, a record to read), warmed up, then driven by
``wrk -t1 -c32 -d10s --latency`` pinned to <client-core> with a Lua script per operation:

* CRM (Salesforce): GET  /services/data/v68.0/sobjects/Account/{id}
                    POST /services/data/v68.0/sobjects/Account/
  The create sends the realistic 16-field Account (``REALISTIC_ACCOUNT``), the record the
  targets are stated for. Bearer token from the client-credentials flow;
  ``--daily-limit 1000000000``.
* ERP (NetSuite):   GET  /services/rest/record/v1/customer/{id}
                    POST /services/rest/record/v1/customer
  OAuth 2.0 client credentials with a JWT assertion (ES256, the tenant's private key from
  its credentials), then ``Authorization: Bearer``; TBA signatures are per request (nonce)
  and cannot be replayed by wrk. ``--concurrency 1000``: the account's concurrency limit
  (default 5 slots, 429 beyond) would otherwise govern the 32 connections.
* PSA (Kantata):    GET  /api/v1/workspaces/{id}.json
                    POST /api/v1/workspaces.json
  The tenant's bearer token; ``--rate-limit 1e9`` (default 50/s, then 429).
* HCM (Workday):    GET  /ccx/api/common/v1/{tenant}/workers/{id}
                    POST /ccx/api/common/v1/{tenant}/workers/{id}/jobChanges
  Workday's REST API has no plain create; a job change (a business process event written
  to the worker) is the create the vendor API offers. The Lua script cycles through
  ``--hcm-workers`` (200) bulk-loaded workers so one worker's history does not grow without
  bound. The worker GET's cost grows with the number of workers in the tenant (see README).
  Refresh-token grant for the bearer token; the rate limit is off by default.
* ERP (Business Central, system ``bc``, the alternative ERP):
                    GET  /v2.0/{tenant}/production/api/v2.0/companies({id})/customers({id})
                    POST /v2.0/{tenant}/production/api/v2.0/companies({id})/customers
  Entra client-credentials token; ``--rate-limit 1000000000`` (documented 6,000 requests
  per 5 minutes, then 429).

The server's CPU time (utime+stime of /proc/<pid>/stat, all threads) is read before and
after every run: CPU µs/request moves much less with other load on the machine than req/s.

``--backend`` (auto: the native server) is handed to every simulator's command line.
``--part backends`` (part of the default run) measures the CRM GET served by granian and by
uvicorn (``--backend granian|uvicorn``), in alternating rounds.

Results: a table and benchmarks/results/simulators.json. Only 127.0.0.1 is targeted;
every wrk run is bounded by -d and a subprocess timeout. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jwt
from _common import (
    HERE,
    HOST,
    REALISTIC_ACCOUNT,
    ROOT,
    SHARED_MACHINE,
    Series,
    WrkRun,
    add_wrk_options,
    code_version,
    free_port,
    log,
    lua_str,
    machine_basics,
    require_tools,
    rss_kb,
    run_header,
    run_wrk,
    start_yardstick,
    stop,
    wait_http,
    write_result,
    write_wrk_scripts,
    wrk_trouble,
)

TARGETS = {
    "get": {"rps": 20_000.0, "p99_ms": 5.0},
    "query": {"rps": 10_000.0, "p99_ms": 5.0},
    "create": {"rps": 10_000.0, "p99_ms": 5.0},
}
OPS = ("get", "query", "create")  # in this order: the creates grow the store the others read
SYSTEMS = ("crm", "erp", "psa", "hcm", "bc")


# -- what each simulator is asked to do -------------------------------------------------


@dataclass(slots=True)
class Plan:
    """One read and one create against a started simulator."""

    headers: dict[str, str]
    get_path: str
    create_path: str | list[str]  # a list: the Lua script cycles through the paths
    create_body: str
    query_path: str = ""  # a GET that asks the vendor's query language for one record
    create_content_type: str = "application/json"
    notes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Vendor:
    system: str
    module: str
    label: str
    cli_args: tuple[str, ...]  # limits raised so that 32 connections are not refused
    setup: Callable[[httpx.Client, str, argparse.Namespace], Plan]
    read: str
    create: str
    query: str


def _ok(r: httpx.Response, *codes: int) -> httpx.Response:
    if r.status_code not in codes:
        raise RuntimeError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:500]}")
    return r


def _tenant_credentials(c: httpx.Client, base: str) -> dict[str, Any]:
    creds = _ok(c.get(f"{base}/__admin/tenants/default"), 200).json()["credentials"]
    assert isinstance(creds, dict)
    return creds


def _client_credentials(c: httpx.Client, creds: dict[str, Any], **extra: str) -> dict[str, str]:
    """Request headers with a bearer token from the client-credentials grant (``extra``: more
    form fields, such as a scope)."""
    form = {
        "grant_type": "client_credentials",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        **extra,
    }
    tok = _ok(c.post(creds["token_url"], data=form), 200).json()["access_token"]
    return {"Authorization": f"Bearer {tok}", "Accept": "application/json"}


def _check(c: httpx.Client, base: str, plan: Plan) -> Plan:
    """One GET, one query and one create before measuring, so a wrong plan fails loudly, not
    as non-2xx."""
    _ok(c.get(base + plan.get_path, headers=plan.headers), 200)
    _ok(c.get(base + plan.query_path, headers=plan.headers), 200)
    path = plan.create_path[0] if isinstance(plan.create_path, list) else plan.create_path
    _ok(
        c.post(
            base + path,
            content=plan.create_body,
            headers={**plan.headers, "Content-Type": plan.create_content_type},
        ),
        200,
        201,
        204,
    )
    return plan


SF_API = "/services/data/v68.0"
SF_ACCOUNT = {
    "Name": "Benchmark Consulting",
    "Industry": "Consulting",
    "BillingCity": "Boston",
    "Phone": "+1 617 555 0100",
    "Website": "https://benchmark.example",
}


def setup_crm(c: httpx.Client, base: str, args: argparse.Namespace) -> Plan:
    creds = _tenant_credentials(c, base)
    headers = _client_credentials(c, creds)
    acc = _ok(c.post(f"{base}{SF_API}/sobjects/Account/", json=SF_ACCOUNT, headers=headers), 201)
    return _check(
        c,
        base,
        Plan(
            headers=headers,
            get_path=f"{SF_API}/sobjects/Account/{acc.json()['id']}",
            query_path=f"{SF_API}/query?q="
            + quote(f"SELECT Id, Name, Industry FROM Account WHERE Id = '{acc.json()['id']}'"),
            create_path=f"{SF_API}/sobjects/Account/",
            create_body=json.dumps(REALISTIC_ACCOUNT, separators=(",", ":")),
            notes={"auth": "OAuth 2.0 client credentials -> Bearer"},
        ),
    )


NS_REST = "/services/rest/record/v1"
NS_CUSTOMER = {
    "companyName": "Benchmark Consulting",
    "subsidiary": {"id": "1"},
    "email": "ap@benchmark.example",
    "phone": "+1 617 555 0100",
}


def setup_erp(c: httpx.Client, base: str, args: argparse.Namespace) -> Plan:
    creds = _tenant_credentials(c, base)
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": creds["client_id"],
            "scope": creds["scope"],
            "aud": creds["token_url"],
            "iat": now,
            "exp": now + 3000,
        },
        creds["private_key_pem"],
        algorithm=creds["algorithm"],
        headers={"kid": creds["certificate_id"], "typ": "JWT"},
    )
    tok = _ok(
        c.post(
            creds["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            },
        ),
        200,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {tok}", "Accept": "application/json"}
    created = _ok(c.post(f"{base}{NS_REST}/customer", json=NS_CUSTOMER, headers=headers), 204)
    cust_id = created.headers["location"].rstrip("/").rsplit("/", 1)[1]
    limits = _ok(c.get(f"{base}/__admin/tenants/default/netsuite/limits"), 200).json()
    return _check(
        c,
        base,
        Plan(
            headers=headers,
            get_path=f"{NS_REST}/customer/{cust_id}",
            query_path=f"{NS_REST}/customer?q=" + quote(f'email IS "{NS_CUSTOMER["email"]}"'),
            create_path=f"{NS_REST}/customer",
            create_body=json.dumps(NS_CUSTOMER, separators=(",", ":")),
            notes={
                "auth": f"OAuth 2.0 client credentials, JWT assertion {creds['algorithm']} -> Bearer",
                "concurrency_limit": limits["concurrency"],
            },
        ),
    )


KT_API = "/api/v1"


def _kt_workspace(n: str) -> dict[str, Any]:
    return {"workspace": {"title": f"Benchmark {n}", "creator_role": "maven"}}


def setup_psa(c: httpx.Client, base: str, args: argparse.Namespace) -> Plan:
    creds = _tenant_credentials(c, base)
    headers = {"Authorization": f"Bearer {creds['token']}", "Accept": "application/json"}
    ws = _ok(
        c.post(f"{base}{KT_API}/workspaces.json", json=_kt_workspace("read"), headers=headers),
        200,
        201,
    ).json()
    ws_id = ws["results"][0]["id"]
    limits = _ok(c.get(f"{base}/__admin/tenants/default/limits"), 200).json()
    return _check(
        c,
        base,
        Plan(
            headers=headers,
            get_path=f"{KT_API}/workspaces/{ws_id}.json",
            query_path=f"{KT_API}/workspaces.json?search=" + quote("Benchmark read"),
            create_path=f"{KT_API}/workspaces.json",
            create_body=json.dumps(_kt_workspace("create"), separators=(",", ":")),
            notes={"auth": "tenant bearer token", "rate_limit": limits},
        ),
    )


WD_REFERENCE: dict[str, list[dict[str, Any]]] = {
    "locations": [{"name": "Boston Office", "code": "BOS", "country": "US"}],
    "jobProfiles": [{"name": "Consultant", "code": "JP-CONS", "jobFamily": "Consulting"}],
    "costCenters": [{"name": "CC100 Consulting", "code": "CC100"}],
    "supervisoryOrganizations": [
        {"name": "Professional Services", "code": "SO-PS", "manager": "100000"},
        {"name": "Consulting", "code": "SO-CONS", "manager": "100000", "superior": "SO-PS"},
    ],
}


def setup_hcm(c: httpx.Client, base: str, args: argparse.Namespace) -> Plan:
    workers = args.hcm_workers
    admin = f"{base}/__admin/tenants/default/records"
    org_ids: list[str] = []
    for kind, records in WD_REFERENCE.items():
        r = _ok(c.post(f"{admin}/{kind}", json={"records": records}), 200, 201).json()
        if kind == "supervisoryOrganizations":
            org_ids = r["ids"]
    people = [
        {
            "employeeId": str(100_000 + i),
            "firstName": f"Bench{i}",
            "lastName": "Worker",
            "jobProfile": "JP-CONS",
            "supervisoryOrganization": "SO-PS" if i == 0 else "SO-CONS",
            "location": "BOS",
            "costCenter": "CC100",
            "hireDate": "2021-01-04",
        }
        for i in range(workers)
    ]
    wids: list[str] = []
    for start in range(0, len(people), 5000):
        batch = people[start : start + 5000]
        wids += _ok(c.post(f"{admin}/workers", json={"records": batch}), 200, 201).json()["ids"]
    creds = _tenant_credentials(c, base)
    tok = _ok(
        c.post(
            creds["token_url"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
            },
        ),
        200,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {tok}", "Accept": "application/json"}
    common = creds["common_base_url"].removeprefix(base)
    reasons = _ok(c.get(f"{base}{common}/jobChangeReasons", headers=headers), 200).json()["data"]
    reason = next((x for x in reasons if x.get("isForEmployee") is not False), reasons[0])
    body = {
        "jobChangeReason": {"id": reason["id"]},
        "supervisoryOrganization": {"id": org_ids[-1]},
        "businessTitle": "Senior Consultant",
    }
    return _check(
        c,
        base,
        Plan(
            headers=headers,
            get_path=f"{common}/workers/{wids[1]}",
            query_path=f"{common}/workers?search=Bench150",
            create_path=[f"{common}/workers/{w}/jobChanges" for w in wids[1:]],
            create_body=json.dumps(body, separators=(",", ":")),
            notes={
                "auth": "refresh-token grant -> Bearer",
                "create_is": "POST workers/{id}/jobChanges (Job Change business process)",
                "workers_cycled": len(wids) - 1,
            },
        ),
    )


BC_CUSTOMER = {
    "displayName": "Benchmark Consulting",
    "email": "ap@benchmark.example",
    "phoneNumber": "+1 617 555 0100",
    "city": "Boston",
}


def setup_bc(c: httpx.Client, base: str, args: argparse.Namespace) -> Plan:
    """Business Central (the alternative ERP): client-credentials token, customers of the company."""
    creds = _tenant_credentials(c, base)
    headers = _client_credentials(c, creds, scope=creds["scope"])
    company = creds["api_url"].removeprefix(base) + f"/companies({creds['company_id']})"
    cust = _ok(c.post(f"{base}{company}/customers", json=BC_CUSTOMER, headers=headers), 201).json()
    return _check(
        c,
        base,
        Plan(
            headers=headers,
            get_path=f"{company}/customers({cust['id']})",
            query_path=f"{company}/customers?$filter="
            + quote(f"number eq '{cust['number']}'", safe="'"),
            create_path=f"{company}/customers",
            create_body=json.dumps(BC_CUSTOMER, separators=(",", ":")),
            notes={"auth": "Entra client credentials -> Bearer (JWT)"},
        ),
    )


VENDORS: dict[str, Vendor] = {
    "crm": Vendor(
        "crm",
        "salesforce",
        "CRM Salesforce",
        ("--daily-limit", "1000000000"),
        setup_crm,
        "GET sobjects/Account/{id}",
        "POST sobjects/Account",
        "GET query?q=SELECT Id, Name, Industry FROM Account WHERE Id = '{id}'",
    ),
    "erp": Vendor(
        "erp",
        "netsuite",
        "ERP NetSuite",
        ("--concurrency", "1000"),
        setup_erp,
        "GET record/v1/customer/{id}",
        "POST record/v1/customer",
        'GET record/v1/customer?q=email IS "..."',
    ),
    "psa": Vendor(
        "psa",
        "kantata",
        "PSA Kantata",
        ("--rate-limit", "1e9", "--endpoint-limits", "off"),
        setup_psa,
        "GET workspaces/{id}.json",
        "POST workspaces.json",
        "GET workspaces.json?search=...",
    ),
    "hcm": Vendor(
        "hcm",
        "workday",
        "HCM Workday",
        (),
        setup_hcm,
        "GET common/v1/workers/{id}",
        "POST workers/{id}/jobChanges",
        "GET common/v1/workers?search=...",
    ),
    "bc": Vendor(
        "bc",
        "businesscentral",
        "ERP Business Central",
        ("--rate-limit", "1000000000"),
        setup_bc,
        "GET companies({id})/customers({id})",
        "POST companies({id})/customers",
        "GET companies({id})/customers?$filter=number eq '...'",
    ),
}


# -- wrk --------------------------------------------------------------------------------


def write_lua(workdir: Path, system: str, plan: Plan) -> dict[str, Path]:
    tail = ""
    if isinstance(plan.create_path, list):
        paths = ",\n".join(f"  {lua_str(p)}" for p in plan.create_path)
        tail = (
            f"local paths = {{\n{paths}\n}}\n"
            "local n = 0\n"
            "request = function()\n"
            "  n = n + 1\n"
            "  return wrk.format(nil, paths[(n % #paths) + 1])\n"
            "end\n"
        )
    return write_wrk_scripts(
        workdir, system, plan.headers, plan.create_content_type, plan.create_body, tail
    )


# -- servers ----------------------------------------------------------------------------


@dataclass(slots=True)
class Running:
    vendor: Vendor
    proc: subprocess.Popen[bytes]
    base: str
    plan: Plan
    backend: str
    command: list[str]


def loaded_backend(pid: int, asked: str) -> str:
    """Which server the process runs: granian's extension module is mapped only when it serves;
    otherwise the one asked for (``auto`` is the native server)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return "unknown"
    if "_granian" in maps:
        return "granian"
    return "native" if asked in ("auto", "native") else asked


@contextlib.contextmanager
def start(
    vendor: Vendor, args: argparse.Namespace, logdir: Path, backend: str, source: Path | None = None
) -> Iterator[Running]:
    """The vendor's own command line, pinned to the server core, with its limits raised.

    ``source``: run the simulator from another checkout of the project (an earlier commit)."""
    port = free_port()
    env = None
    if source is not None:
        env = {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{source / 'examples'}"}
    cmd = [
        *("taskset", "-c", str(args.server_core), sys.executable),
        *("-m", f"simulators.{vendor.module}", "--port", str(port), "--backend", backend),
        *vendor.cli_args,
    ]
    log(f"{vendor.system}: {' '.join(cmd[3:])}")
    with (logdir / f"{vendor.module}.log").open("ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=source or ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        base = f"http://{HOST}:{port}"
        wait_http(f"{base}/__admin/health", proc, 60)
        with httpx.Client(timeout=60, trust_env=False) as c:
            plan = vendor.setup(c, base, args)
        yield Running(vendor, proc, base, plan, loaded_backend(proc.pid, backend), cmd[3:])
    finally:
        stop(proc)


# -- the yardstick ---------------------------------------------------------------------


def yardstick_plan(base: str) -> Plan:
    """The trivial Starlette app's plan: read and store a realistic Account (no query)."""
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as c:
        r = c.post("/records", json=REALISTIC_ACCOUNT)
        if r.status_code != 201:
            raise RuntimeError(f"yardstick refused the record: {r.status_code} {r.text[:300]}")
        rid = r.json()["id"]
    return Plan(
        headers={"Accept": "application/json"},
        get_path=f"/records/{rid}",
        create_path="/records",
        create_body=json.dumps(REALISTIC_ACCOUNT, separators=(",", ":")),
    )


class Yardstick:
    """What ``measure`` needs of a running server (the shape of bench_simulators.Running)."""

    def __init__(self, proc: Any, base: str, plan: Plan) -> None:
        self.proc = proc
        self.base = base
        self.plan = plan
        self.backend = "uvicorn"
        self.vendor = type("V", (), {"system": "yardstick"})()


# -- measurement ------------------------------------------------------------------------


def report_run(tag: str, op: str, run: WrkRun) -> None:
    bad = wrk_trouble(run)
    log(
        f"{tag}: {op:6s} {run.rps:9,.0f} req/s  p50 {run.p50_ms:6.2f} ms  p99 {run.p99_ms:7.2f} ms  "
        f"CPU {run.cpu_us_per_req:6.1f} us/req{bad}"
    )


def measure(
    r: Running,
    args: argparse.Namespace,
    workdir: Path,
    series: dict[str, Series],
    ops: tuple[str, ...],
) -> None:
    scripts = write_lua(workdir, r.vendor.system, r.plan)
    scripts["query"] = scripts["get"]  # a GET with the same headers, to another URL
    urls = {"get": r.base + r.plan.get_path, "create": r.base + "/"}
    if r.plan.query_path:
        urls["query"] = r.base + r.plan.query_path
    if isinstance(r.plan.create_path, str):
        urls["create"] = r.base + r.plan.create_path
    for op in ops:  # reads first, on the state setup left (creates would grow it)
        log(f"{r.vendor.system}: warm-up {op} {args.warmup:g}s")
        run_wrk(urls[op], scripts[op], args, args.warmup, r.proc.pid)
        run, out = run_wrk(urls[op], scripts[op], args, args.duration, r.proc.pid)
        n = len(series[op].runs) + 1
        (workdir / f"wrk-{r.vendor.system}-{r.backend}-{op}-{n}.txt").write_text(out)
        series[op].runs.append(run)
        report_run(f"{r.vendor.system} ({r.backend})", op, run)
    log(f"{r.vendor.system}: RSS {rss_kb(r.proc.pid) / 1024:.0f} MiB")


def verdict(s: dict[str, Any], op: str) -> dict[str, Any]:
    t = TARGETS[op]
    rps_ok = s["rps"]["best"] >= t["rps"]
    p99_ok = s["p99_ms"]["best"] < t["p99_ms"]
    clean = s["non_2xx"] == 0 and s["socket_errors"] == 0
    return {"rps": rps_ok, "p99": p99_ok, "no_errors": clean, "pass": rps_ok and p99_ok and clean}


YARD_OPS = ("get", "create")
#: which yardstick operation each simulator operation is held against
YARD_OF = {"get": "get", "query": "get", "create": "create"}


def simulators_part(args: argparse.Namespace, workdir: Path, systems: list[str]) -> dict[str, Any]:
    series = {s: {op: Series() for op in OPS} for s in systems}
    yard = {op: Series() for op in YARD_OPS}
    meta: dict[str, dict[str, Any]] = {}
    for rnd in range(1, args.rounds + 1):
        for s in systems:
            log(f"round {rnd}/{args.rounds}: {VENDORS[s].label} (load average {os.getloadavg()})")
            with start(VENDORS[s], args, workdir, args.backend, args.source) as r:
                meta[s] = {
                    "command": " ".join(r.command),
                    "backend": r.backend,
                    **r.plan.notes,
                }
                measure(r, args, workdir, series[s], OPS)
        if args.yardstick:
            log(f"round {rnd}/{args.rounds}: yardstick (load average {os.getloadavg()})")
            with start_yardstick(args.server_core, workdir) as (proc, base):
                y = Yardstick(proc, base, yardstick_plan(base))
                measure(y, args, workdir, yard, YARD_OPS)  # type: ignore[arg-type]
    out: dict[str, Any] = {}
    for s in systems:
        v = VENDORS[s]
        ops = {op: series[s][op].summary() for op in OPS}
        out[s] = {
            "simulator": v.label,
            "read": v.read,
            "query": v.query,
            "create": v.create,
            **meta[s],
            **{
                op: {**ops[op], "target": TARGETS[op], "verdict": verdict(ops[op], op)}
                for op in OPS
            },
        }
    if args.yardstick:
        out["yardstick"] = {op: yard[op].summary() for op in YARD_OPS}
    return out


def cpu_ratios(sims: dict[str, Any]) -> dict[str, dict[str, dict[str, float]]]:
    """Requests per CPU second (the inverse of the median CPU µs per request) of every
    simulator and operation, held against the yardstick's (GET for reads and queries, stored
    POST for creates) and against the CRM's same operation."""
    cpu = {
        s: {op: d[op]["cpu_us_per_req"]["median"] for op in OPS}
        for s, d in sims.items()
        if s != "yardstick"
    }
    yard = sims.get("yardstick")
    out: dict[str, dict[str, dict[str, float]]] = {}
    for s, ops in cpu.items():
        out[s] = {}
        for op, us in ops.items():
            if not us:
                continue
            r: dict[str, float] = {}
            if yard and yard[YARD_OF[op]]["cpu_us_per_req"]["median"]:
                r["vs_yardstick"] = round(yard[YARD_OF[op]]["cpu_us_per_req"]["median"] / us, 2)
            if "crm" in cpu and cpu["crm"][op]:
                r["cost_vs_crm"] = round(us / cpu["crm"][op], 2)
            out[s][op] = r
    return out


def backends_part(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    series = {b: {"get": Series()} for b in ("granian", "uvicorn")}
    for rnd in range(1, args.backend_rounds + 1):
        order = ("granian", "uvicorn") if rnd % 2 else ("uvicorn", "granian")
        for b in order:
            log(f"backends round {rnd}/{args.backend_rounds}: CRM GET on {b}")
            with start(VENDORS["crm"], args, workdir, backend=b) as r:
                if r.backend != b:
                    raise RuntimeError(f"asked for {b}, the process runs {r.backend}")
                measure(r, args, workdir, series[b], ("get",))
    out: dict[str, Any] = {
        "op": "CRM GET /services/data/v68.0/sobjects/Account/{id}",
        "how": "python -m simulators.salesforce --backend B (ServerOptions(backend=B))",
        "rounds": args.backend_rounds,
    }
    for b, ops in series.items():
        out[b] = ops["get"].summary()
    g, u = out["granian"], out["uvicorn"]
    out["ratio_granian_over_uvicorn"] = {
        "rps_best": round(g["rps"]["best"] / u["rps"]["best"], 3),
        "rps_median": round(g["rps"]["median"] / u["rps"]["median"], 3),
        "cpu_us_per_req_median": round(
            g["cpu_us_per_req"]["median"] / u["cpu_us_per_req"]["median"], 3
        )
        if u["cpu_us_per_req"]["median"]
        else 0.0,
    }
    return out


# -- report -----------------------------------------------------------------------------


def fmt_table(result: dict[str, Any]) -> str:
    lines: list[str] = []
    sims = result.get("simulators", {})
    if sims:
        lines.append(
            f"{'system':5s} {'op':7s} {'req/s best':>10s} {'(min-max)':>15s} {'p50 best':>8s} "
            f"{'p99 best':>8s} {'p99 med':>8s} {'non2xx':>6s} {'CPU us/req':>10s}  target"
        )
        for s, d in sims.items():
            if s == "yardstick":
                continue
            for op in OPS:
                x = d[op]
                v = x["verdict"]
                lines.append(
                    f"{s:5s} {op:7s} {x['rps']['best']:10,.0f} "
                    f"{x['rps']['min']:7,.0f}-{x['rps']['best']:<7,.0f} "
                    f"{x['p50_ms']['best']:8.2f} {x['p99_ms']['best']:8.2f} "
                    f"{x['p99_ms']['median']:8.2f} {x['non_2xx'] + x['socket_errors']:6d} "
                    f"{x['cpu_us_per_req']['median']:10.1f}  "
                    f"{'PASS' if v['pass'] else 'FAIL'} (req/s {'ok' if v['rps'] else 'short'}, "
                    f"p99 {'ok' if v['p99'] else 'over'})"
                )
    yard = sims.get("yardstick")
    if yard:
        for op in YARD_OPS:
            x = yard[op]
            lines.append(
                f"{'yard':5s} {op:7s} {x['rps']['best']:10,.0f} "
                f"{x['rps']['min']:7,.0f}-{x['rps']['best']:<7,.0f} "
                f"{x['p50_ms']['best']:8.2f} {x['p99_ms']['best']:8.2f} "
                f"{x['p99_ms']['median']:8.2f} {x['non_2xx'] + x['socket_errors']:6d} "
                f"{x['cpu_us_per_req']['median']:10.1f}  (trivial Starlette app)"
            )
    rat = result.get("cpu_ratios")
    if rat:
        lines.append("")
        lines.append(
            "requests per CPU second against the yardstick (x yard; GET for reads and queries,"
            " stored POST for creates), and CPU per request against the CRM's (x CRM):"
        )
        lines.append(
            f"{'system':6s} " + " ".join(f"{op + ' x yard':>13s} {'x CRM':>6s}" for op in OPS)
        )
        for s, ops in rat.items():
            cells = []
            for op in OPS:
                r = ops.get(op, {})
                cells.append(
                    f"{r.get('vs_yardstick', float('nan')):13.2f} {r.get('cost_vs_crm', float('nan')):6.2f}"
                )
            lines.append(f"{s:6s} " + " ".join(cells))
    be = result.get("backends")
    if be:
        lines.append("")
        lines.append(f"CRM GET by backend, {be['rounds']} rounds each (alternating):")
        lines.append(
            f"{'backend':8s} {'req/s best':>10s} {'median':>8s} {'min':>8s} {'p50 med':>8s} "
            f"{'p99 best':>8s} {'p99 med':>8s} {'CPU us/req med':>14s}"
        )
        for b in ("granian", "uvicorn"):
            x = be[b]
            lines.append(
                f"{b:8s} {x['rps']['best']:10,.0f} {x['rps']['median']:8,.0f} {x['rps']['min']:8,.0f} "
                f"{x['p50_ms']['median']:8.2f} {x['p99_ms']['best']:8.2f} {x['p99_ms']['median']:8.2f} "
                f"{x['cpu_us_per_req']['median']:14.1f}"
            )
        r = be["ratio_granian_over_uvicorn"]
        lines.append(
            f"granian/uvicorn: req/s best {r['rps_best']:.2f}, median {r['rps_median']:.2f}; "
            f"CPU/req median {r['cpu_us_per_req_median']:.2f}"
        )
    return "\n".join(lines)


def machine_info() -> dict[str, Any]:
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    versions: dict[str, str] = {}
    for mod in ("granian", "uvicorn", "uvloop", "httptools"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[mod] = version(mod)
    return {
        **machine_basics(),
        "wrk": (wrk.stdout.splitlines() or [""])[0],
        "packages": versions,
        "note": SHARED_MACHINE,
    }


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--part", choices=("all", "simulators", "backends"), default="all")
    p.add_argument(
        "--backend",
        choices=("auto", "native", "granian", "uvicorn"),
        default="auto",
        help="server backend of the simulators (their --backend option); auto: native",
    )
    p.add_argument("--only", default=",".join(SYSTEMS), help="comma list of crm,erp,psa,hcm,bc")
    p.add_argument(
        "--rounds", type=int, default=3, help="rounds per simulator (fresh process each)"
    )
    p.add_argument(
        "--backend-rounds",
        type=int,
        default=3,
        help="rounds per backend for the CRM GET comparison",
    )
    p.add_argument("--duration", type=float, default=10.0, help="seconds per wrk measurement")
    p.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of wrk per op before measuring"
    )
    add_wrk_options(p)
    p.add_argument(
        "--hcm-workers",
        type=int,
        default=200,
        help="workers loaded into the HCM tenant (the create cycles through them); the worker GET "
        "costs grow with this number",
    )
    p.add_argument(
        "--no-yardstick",
        dest="yardstick",
        action="store_false",
        help="leave out the trivial Starlette app measured after the simulators in every round",
    )
    p.add_argument(
        "--source",
        type=Path,
        help="run the simulators from this checkout (an earlier commit, from git archive), with "
        "this script's plans",
    )
    p.add_argument("--output", type=Path, default=HERE / "results/simulators.json")
    args = p.parse_args()

    require_tools("wrk", "taskset")
    systems = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        raise SystemExit(f"--only: unknown {sorted(unknown)}; choose from {', '.join(SYSTEMS)}")

    started = datetime.now(UTC)
    result: dict[str, Any] = {
        **run_header("simulators", started, args),
        "warmup_s": args.warmup,
        "server_core": args.server_core,
        "client_core": args.client_core,
        "rounds": args.rounds,
        "code": code_version(),
        "machine": machine_info(),
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="bench-sims-") as tmp:
        workdir = Path(tmp)
        if args.part in ("all", "simulators"):
            result["simulators"] = simulators_part(args, workdir, systems)
            result["cpu_ratios"] = cpu_ratios(result["simulators"])
        if args.part in ("all", "backends"):
            result["backends"] = backends_part(args, workdir)
    result["loadavg_at_end"] = os.getloadavg()

    print()
    print(fmt_table(result))
    print(
        "(req/s and p99: best of the rounds, min-max spread; CPU us/req: median; "
        "PASS needs best req/s >= target, best p99 < 5 ms and no errors)"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.output.exists() and args.part != "all":
        # a partial run keeps the other part of an earlier result file
        old = json.loads(args.output.read_text())
        for key in ("simulators", "backends"):
            if key not in result and key in old:
                result[key] = old[key]
                earlier = old.get("earlier_parts", {}).get(key)
                result.setdefault("earlier_parts", {})[key] = earlier or {
                    "date": old["date"],
                    "command": old["command"],
                    "code": old["code"],
                }
    write_result(args.output, result)


if __name__ == "__main__":
    main()
