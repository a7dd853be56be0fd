"""Locust as subprocesses: one headless process, or a master and N workers.

Locust monkey-patches the interpreter with gevent, so it never runs inside the
harness's process. The run's context file is handed over in ``HARNESS_LOAD_CONTEXT``.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import ConfigurationError, StackError

CONTEXT_ENV = "HARNESS_LOAD_CONTEXT"


def locustfile_path(name: str) -> Path:
    """A locustfile of the ``loadtests`` package by name (``business``), or a path."""
    p = Path(name)
    if p.suffix == ".py" and p.exists():
        return p.resolve()
    # located, not imported: loadtests runs in Locust's process, and the layering
    # (loadtests -> harness) forbids the harness to import it
    spec = importlib.util.find_spec("loadtests")
    if spec is None or spec.origin is None:
        raise ConfigurationError("the loadtests package is not installed", hint="pip install -e .")
    here = Path(spec.origin).parent / f"{name.removesuffix('.py')}.py"
    if not here.exists():
        known = sorted(f.stem for f in here.parent.glob("*.py") if not f.stem.startswith("_"))
        raise ConfigurationError(
            f"no locustfile {name!r}", hint=f"one of {', '.join(known)}, or a path to a .py file"
        )
    return here


def _stop_on_sigterm() -> Any:
    """SIGTERM ends the run like Ctrl-C, so Locust's processes are stopped, not orphaned."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass(slots=True)
class LocustRun:
    locustfile: Path
    context_file: Path
    report_dir: Path
    users: int
    spawn_rate: float
    run_time: float
    user_classes: list[str] = field(default_factory=list)
    workers: int = 0  # local worker processes (0: one local process)
    remote_workers: int = 0  # workers the master waits for on other machines
    master_bind: str = "127.0.0.1"
    master_port: int = 0
    web: bool = False
    web_port: int = 8089
    extra_args: list[str] = field(default_factory=list)
    log_name: str = "load-locust.log"

    def _base(self) -> list[str]:
        return [sys.executable, "-m", "locust", "-f", str(self.locustfile)]

    def master_argv(self) -> list[str]:
        prefix = str(self.report_dir / "load")
        argv = [
            *self._base(),
            "-u", str(self.users),
            "-r", f"{self.spawn_rate:g}",
            "-t", f"{self.run_time:g}s",
            "--csv", prefix,
            "--html", f"{prefix}-report.html",
            "--stop-timeout", "10",
            "--exit-code-on-error", "1",
        ]  # fmt: skip
        if self.web:
            argv += ["--web-host", "127.0.0.1", "--web-port", str(self.web_port)]
        else:
            argv += ["--headless", "--only-summary"]
        expected = self.workers + self.remote_workers
        if expected:
            argv += [
                "--master",
                "--master-bind-host", self.master_bind,
                "--master-bind-port", str(self.master_port),
                "--expect-workers", str(expected),
                "--expect-workers-max-wait", "60",
            ]  # fmt: skip
        return [*argv, *self.extra_args, *self.user_classes]

    def worker_argv(self, master_host: str = "127.0.0.1") -> list[str]:
        return [
            *self._base(),
            "--worker",
            "--master-host", master_host,
            "--master-port", str(self.master_port),
            *self.user_classes,
        ]  # fmt: skip

    def run(self, timeout: float) -> int:
        """Start master (and workers), wait for the master's exit code within ``timeout``."""
        self.report_dir.mkdir(parents=True, exist_ok=True)
        if self.remote_workers and not self.master_port:
            self.master_port = 5557  # Locust's own default: what remote workers expect
        elif self.workers:
            self.master_port = self.master_port or free_port()
        env = {**os.environ, CONTEXT_ENV: str(self.context_file), "PYTHONUNBUFFERED": "1"}
        log = (self.report_dir / self.log_name).open("wb")
        procs: list[subprocess.Popen[bytes]] = []
        previous = _stop_on_sigterm()
        try:
            master = subprocess.Popen(
                self.master_argv(), stdout=log, stderr=subprocess.STDOUT, env=env
            )
            procs.append(master)
            for _ in range(self.workers):
                procs.append(
                    subprocess.Popen(
                        self.worker_argv(), stdout=log, stderr=subprocess.STDOUT, env=env
                    )
                )
            try:
                return master.wait(None if self.web else timeout)
            except KeyboardInterrupt:  # Ctrl-C (the way a --web run ends) or SIGTERM
                master.send_signal(signal.SIGTERM)  # Locust writes its reports, then quits
                try:
                    return master.wait(30)
                except subprocess.TimeoutExpired:
                    return 130
            except subprocess.TimeoutExpired:
                raise StackError(
                    f"Locust did not finish within {timeout:.0f}s",
                    hint=f"see {self.report_dir / self.log_name}",
                ) from None
        except OSError as exc:
            raise StackError(f"cannot start Locust: {exc.strerror}") from None
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            deadline = time.monotonic() + 15
            for p in procs:
                try:
                    p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(5)
            log.close()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = (self.report_dir / self.log_name).read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])
