"""Every answer the simulators send during the test session is validated against its
release's contract.

The engine records each answered request in its journal (``Simulator._record``, which sees
the full body, while journal entries keep a clipped copy). This plugin hooks that call for
the whole session: each 2xx JSON answer of a route the contract covers is validated at once
(a compiled validator, a few microseconds), and the session fails at the end, listing every
answer that broke its contract. Simulators run as subprocesses are outside its view.
Under pytest-xdist each worker validates what its own simulators answer and hands its counts
and findings to the controller, which reports them and fails the session.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest

from contracts import ContractError, ContractSet, current
from simulators.engine import Simulator

KNOWN_FILE = Path(__file__).parent / "contracts" / "known_deviations.toml"


def known_deviations() -> dict[str, dict[str, str]]:
    """vendor -> {"object.field": why} of tests/contracts/known_deviations.toml."""
    return tomllib.loads(KNOWN_FILE.read_text(encoding="utf-8"))


@dataclass(slots=True)
class ContractJournal:
    contracts: ContractSet = field(default_factory=ContractSet)
    checked: int = 0
    broken: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    _current: dict[str, str] = field(default_factory=dict)
    _deviations: dict[str, dict[str, str]] = field(default_factory=known_deviations)

    def observe(self, sim: Simulator, req: Any, status: int, body: bytes) -> None:
        if not 200 <= status < 300 or not body or req.route is None or body[:1] not in b"{[":
            return
        vendor = sim.dialect.vendor
        try:
            release = sim.settings.release or self._current.setdefault(vendor, current(vendor).name)
            contract = self.contracts.get(vendor, release)
        except ContractError:
            return
        ref = contract.endpoint_ref(req.route.name, req.params, "response")
        if ref is None:
            return
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError:
            return
        found = contract.validator(ref).violations(doc)
        self.checked += 1
        obj = m.group(1) if (m := re.match(r"objects/([^.]+)\.json", ref)) else ""
        known = self._deviations.get(vendor, {})
        for v in found:
            line = (
                f"{vendor} {release} {req.method} {req.path} -> {status}: {v.path} "
                f"breaks '{v.rule}' of {ref} ({v.message})"
            )
            if f"{obj}.{v.field}" in known:
                self.known.append(line)
            else:
                self.broken.append(line)


#: the key of a worker's findings in its ``workeroutput`` (pytest-xdist)
_WORKER_KEY = "contract_journal"


class ContractJournalPlugin:
    def __init__(self) -> None:
        self.journal = ContractJournal()
        self._original = Simulator._record

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        journal, original = self.journal, self._original

        def record(
            sim: Simulator,
            req: Any,
            status: int,
            started: float,
            at: float,
            body: bytes,
            fault: str,
        ) -> None:
            original(sim, req, status, started, at, body, fault)
            journal.observe(sim, req, status, body)

        Simulator._record = record  # type: ignore[method-assign]

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        Simulator._record = self._original  # type: ignore[method-assign]
        j = self.journal
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller reports and fails
            workeroutput[_WORKER_KEY] = {"checked": j.checked, "broken": j.broken, "known": j.known}
        if j.broken:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """An xdist worker finished: add what it validated to the session's journal."""
        found = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
        if found is None:
            return
        j = self.journal
        j.checked += int(found["checked"])
        j.broken.extend(found["broken"])
        j.known.extend(found["known"])

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        j = self.journal
        terminalreporter.write_line(
            f"contract journal: {j.checked} simulator answers validated, {len(j.broken)} broke "
            f"their contract, {len(j.known)} on known deviations ({KNOWN_FILE.name})"
        )
        for line in j.broken[:50]:
            terminalreporter.write_line(f"  {line}", red=True)
