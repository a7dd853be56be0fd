"""Run a simulator with every garbage collection logged, for the benchmarks' GC figures.

    python benchmarks/_gcwatch.py LOG -m simulators.salesforce --port 8701 ...

Appends one line per collection to LOG: ``wall_time generation pause_us collected cpu_us``
(cpu_us: the collector's own CPU time, which a busy machine's scheduler does not inflate).
The simulator runs unchanged (its own collector settings included); only the callback
is added, so the log shows the pauses a client of the real server would wait through.
"""

from __future__ import annotations

import gc
import runpy
import sys
import time
from typing import Any


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[2] != "-m":
        sys.exit("usage: _gcwatch.py LOG -m MODULE [ARGS...]")
    log = open(sys.argv[1], "a", buffering=1)  # noqa: SIM115 - open for the process's life
    module = sys.argv[3]
    sys.argv = [module, *sys.argv[4:]]
    started = [0.0, 0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[:] = time.perf_counter(), time.thread_time()
            return
        pause_us = (time.perf_counter() - started[0]) * 1e6
        cpu_us = (time.thread_time() - started[1]) * 1e6
        log.write(
            f"{time.time():.6f} {info['generation']} {pause_us:.0f} {info['collected']}"
            f" {cpu_us:.0f}\n"
        )

    gc.callbacks.append(on_gc)
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
