"""The pytest plugin under pytest-xdist: the workers share one set of simulators and each
has a tenant of its own, so what one worker's firm and stack write, the other never sees.

The plugin runs in a pytest of its own (a subprocess, ``-n 2 --dist each``: the one test
below runs on both workers), which writes what each worker saw; this test compares them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

INNER = """
import json, os, time
from pathlib import Path

def test_worker_tenant(harness_session):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    systems = harness_session.systems
    crm = systems.admin["crm"]
    name = f"Isolation check {worker}"
    r = systems.crm.call(
        "POST", f"{systems.crm_api}/sobjects/Account/", json={"Name": name}, expect=(201,)
    )
    out = Path(os.environ["XDIST_OUT"])
    (out / f"{worker}.written").write_text(r.json()["id"])
    end = time.monotonic() + 120
    while len(list(out.glob("*.written"))) < 2:  # until the other worker wrote too
        assert time.monotonic() < end, "the other worker never wrote its account"
        time.sleep(0.2)
    mine = [a["Name"] for a in crm.records("Account") if a["Name"].startswith("Isolation check")]
    (out / f"{worker}.json").write_text(json.dumps({
        "tenant": crm.tenant,
        "crm_base": harness_session.endpoints["crm"]["base_url"],
        "seen": mine,
        "accounts": len(crm.records("Account")),
        "target": harness_session.target.spec.name,
    }))
    assert mine == [name]
"""


def test_each_xdist_worker_has_its_own_tenant_on_shared_simulators(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "XDIST_OUT": str(out)}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "each",
            "-p",
            "no:cacheprovider",
            "-q",
            "test_inner.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    seen = {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert sorted(seen) == ["gw0", "gw1"], r.stdout[-2000:]
    a, b = seen["gw0"], seen["gw1"]
    assert (a["tenant"], b["tenant"]) == ("gw0", "gw1")
    assert a["crm_base"] == b["crm_base"]  # the same simulators
    assert a["seen"] == ["Isolation check gw0"] and b["seen"] == ["Isolation check gw1"]
    assert a["accounts"] == b["accounts"] > 1  # each worker's tenant holds its own firm
