"""One WireMock standalone server as a child process: started on a free port, stopped cleanly."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

from .._errors import StackError
from ._runtime import WireMockRuntime


def _last_line(path: Path) -> str:
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1][:300] if lines else "no output"


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class WireMockServer:
    """``java -jar wiremock-standalone.jar`` bound to ``host``; its journal is bounded."""

    def __init__(
        self,
        runtime: WireMockRuntime,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        journal_size: int = 10_000,
        heap_mb: int = 256,
        startup_timeout: float = 60.0,
        log_path: Path | None = None,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.runtime = runtime
        self.host = host
        self.port = port
        self.journal_size = journal_size
        self.heap_mb = heap_mb
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        #: further WireMock options, e.g. ``("--trust-all-proxy-targets",)``
        self.extra_args = extra_args
        self.proc: subprocess.Popen[bytes] | None = None
        self._root: tempfile.TemporaryDirectory[str] | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def admin_url(self) -> str:
        return f"{self.base_url}/__admin"

    def command(self) -> list[str]:
        assert self._root is not None
        return [
            self.runtime.java,
            f"-Xmx{self.heap_mb}m",
            "-jar",
            str(self.runtime.jar),
            "--port",
            str(self.port),
            "--bind-address",
            self.host,
            "--root-dir",
            self._root.name,
            "--disable-banner",
            "--max-request-journal-entries",
            str(self.journal_size),
            *self.extra_args,
        ]

    def start(self, attempts: int = 3) -> WireMockServer:
        """Start on ``port`` (0: a free one); a free port taken meanwhile by another
        process is retried on a new one, up to ``attempts`` times."""
        chosen = self.port
        for attempt in range(attempts):
            self.port = chosen or _free_port(self.host)
            try:
                self._start_once()
                return self
            except StackError:
                self.stop()
                if chosen or attempt == attempts - 1:
                    raise
        return self  # pragma: no cover - the loop returns or raises

    def _start_once(self) -> None:
        self._root = tempfile.TemporaryDirectory(prefix="harness-wiremock-")
        for sub in ("mappings", "__files"):
            Path(self._root.name, sub).mkdir()
        log_path = self.log_path or Path(self._root.name) / "wiremock.log"
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self._wait_healthy(log_path)

    def _wait_healthy(self, log_path: Path) -> None:
        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while True:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise StackError(
                        f"WireMock exited with code {self.proc.returncode} while starting on "
                        f"{self.base_url}: {_last_line(log_path)}"
                    )
                try:
                    if client.get(f"{self.admin_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.stop()
                    raise StackError(
                        f"WireMock did not answer {self.admin_url}/health within "
                        f"{self.startup_timeout:.0f}s"
                    )
                time.sleep(0.1)  # process start-up: there is no event to wait on

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        if self._root is not None:
            self._root.cleanup()
            self._root = None

    def __enter__(self) -> WireMockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
