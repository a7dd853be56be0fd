"""The record store's share of a CRM create and read, in process (no HTTP, no server).

    python benchmarks/bench_store_ops.py                    # 100,000 Accounts loaded first
    python benchmarks/bench_store_ops.py --records 10000

Builds the CRM simulator in this process, bulk-loads ``--records`` realistic Accounts, then
times ``--calls`` calls of each step, best of ``--rounds``, in CPU time (``process_time``,
which a busy machine's other processes do not inflate): the whole validated create
(``RecordService.create``), the store's insert (stored form, SQL, change event), the stored
form alone, the bare SQL insert, and reads by id (parsed and as JSON text). Prints µs per
call and the database pages per loaded record. Not part of the test suite.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import orjson
from _common import REALISTIC_ACCOUNT, arg_parser, code_version

from simulators.engine import SimulatorSettings
from simulators.salesforce import SalesforceSettings, create_simulator

STAMP = "2026-12-06T23:24:45.505+0000"


def best_us(fn: Callable[[int], object], calls: int, rounds: int) -> float:
    """Fewest CPU µs per call over ``rounds`` runs of ``calls`` calls (each call its own i)."""
    best = float("inf")
    for r in range(rounds):
        t0 = time.process_time()
        for i in range(r * calls, (r + 1) * calls):
            fn(i)
        best = min(best, (time.process_time() - t0) / calls * 1e6)
    return best


def main() -> None:
    p = arg_parser(__doc__)
    p.add_argument("--records", type=int, default=100_000, help="Accounts loaded before timing")
    p.add_argument("--calls", type=int, default=3000, help="calls per round")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()

    sim = create_simulator(SalesforceSettings(), SimulatorSettings())
    tenant = sim.tenants.get_or_create("default")
    records, store = sim.dialect.records, tenant.store
    account = records.object("Account")
    pages0 = store.conn.execute("PRAGMA page_count").fetchone()[0]
    for start in range(0, args.records, 5000):
        batch = range(start, min(args.records, start + 5000))
        rows = [{**REALISTIC_ACCOUNT, "Name": f"A{i}", "External_Id__c": f"E{i}"} for i in batch]
        sim.dialect.bulk_load(tenant, "Account", rows)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0] - pages0
    page_size = store.conn.execute("PRAGMA page_size").fetchone()[0]
    gc.collect()
    gc.freeze()  # as the simulator's CLI does: the load's objects leave the collector's view

    rid = store.find_ids("Account", "External_Id__c", "E7")[0]
    whole = store.get("Account", rid)
    assert whole is not None
    # a store without the compact form (an earlier commit, for comparison) keeps rows whole
    pack = getattr(store, "pack", lambda _t, d: orjson.dumps(d).decode())
    stored = pack("Account", whole)
    sql = "INSERT INTO records(type, id, deleted, modstamp, data) VALUES ('Account', ?, 0, ?, ?)"
    steps: list[tuple[str, Callable[[int], object]]] = [
        (
            "RecordService.create",
            lambda i: records.create(
                tenant, account, {**REALISTIC_ACCOUNT, "Name": f"C{i}", "External_Id__c": f"X{i}"}
            ),
        ),
        ("store.insert", lambda i: store.insert("Account", f"001Z{i:014d}", whole, STAMP)),
        ("store.pack (stored form)", lambda i: pack("Account", whole)),
        ("SQL INSERT alone", lambda i: store.conn.execute(sql, (f"001Y{i:014d}", STAMP, stored))),
        ("store.get", lambda i: store.get("Account", rid)),
        ("store.get_raw (JSON text)", lambda i: store.get_raw("Account", rid)),
    ]
    code = code_version()
    print(f"commit {code.get('commit', '?')}; {args.records:,} Accounts loaded")
    print(f"database pages per loaded record  {pages * page_size / max(1, args.records):8.0f} B")
    print(
        f"stored JSON of one Account        {len(stored):8d} B (whole: {len(orjson.dumps(whole))})"
    )
    for name, fn in steps:
        print(f"{name:33s} {best_us(fn, args.calls, args.rounds):8.1f} µs CPU")


if __name__ == "__main__":
    main()
