"""Running simulators: in a background thread (tests, the CLI) or in the foreground.

Each server binds its own socket first (port 0 picks a free port) so the URL is known
before the first request, then serves it with the native server (_native.py, the
default), granian or uvicorn, on uvloop when available.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from dataclasses import dataclass
from typing import Any

import uvicorn

from ._app import Simulator
from ._errors import SimulatorError
from ._native import NativeOptions, NativeServer
from ._tls import WILDCARD_HOSTS, TlsFiles


@dataclass(frozen=True, slots=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 0
    tls: TlsFiles | None = None
    #: the host name put into URLs (base_url, instance_url, ...); default: ``host``, or
    #: 127.0.0.1 when ``host`` is a wildcard address such as 0.0.0.0
    advertise_host: str | None = None
    log_level: str = "warning"
    #: "native" (the engine's own asyncio + httptools server, no ASGI: see _native.py),
    #: "granian" or "uvicorn" (ASGI servers, for comparison and as a fallback), or "auto":
    #: native
    backend: str = "auto"
    #: an idle keep-alive connection is closed after this many seconds (native, uvicorn)
    keep_alive_seconds: float = 30.0


#: the values ``ServerOptions.backend`` and ``--backend`` accept
BACKENDS = ("auto", "native", "granian", "uvicorn")


def _backend(name: str) -> str:
    if name not in BACKENDS:
        raise SimulatorError(f"unknown server backend {name!r}", hint=", ".join(BACKENDS))
    return "native" if name == "auto" else name


def _loop_name() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def _http_name() -> str:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return "httptools"


def advertised_host(host: str, advertise_host: str | None = None) -> str:
    """The name clients use: ``advertise_host``, else ``host`` unless it is a wildcard."""
    if advertise_host:
        return advertise_host.strip("[]")
    return "127.0.0.1" if host in WILDCARD_HOSTS else host


def bind_socket(host: str, port: int) -> socket.socket:
    if not 0 <= port <= 65535:
        raise SimulatorError(
            f"port {port} is out of range", hint="ports are 1-65535 (0: a free one)"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SimulatorError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="choose another --port-base or stop the process using that port",
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class SimulatorServer:
    """One simulator on one socket."""

    def __init__(self, sim: Simulator, options: ServerOptions | None = None) -> None:
        self.sim = sim
        self.options = options or ServerOptions()
        self.sock = bind_socket(self.options.host, self.options.port)
        self.port = int(self.sock.getsockname()[1])
        scheme = "https" if self.options.tls else "http"
        host = advertised_host(self.options.host, self.options.advertise_host)
        host = f"[{host}]" if ":" in host else host
        self.base_url = f"{scheme}://{host}:{self.port}"
        sim.base_url = self.base_url
        kw: dict[str, Any] = {}
        if self.options.tls is not None:
            kw = {
                "ssl_certfile": str(self.options.tls.cert_file),
                "ssl_keyfile": str(self.options.tls.key_file),
            }
        self.config = uvicorn.Config(
            sim,
            loop=_loop_name(),
            http=_http_name(),
            lifespan="on",
            access_log=False,
            log_level=self.options.log_level,
            server_header=False,
            date_header=False,
            timeout_keep_alive=self.options.keep_alive_seconds,  # type: ignore[arg-type]
            timeout_graceful_shutdown=2,
            **kw,
        )
        self.server = uvicorn.Server(self.config)
        self.backend = _backend(self.options.backend)
        self._granian: Any = None
        self._native: NativeServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        if self.backend == "granian":
            self._granian = self._make_granian()
        elif self.backend == "native":
            self._native = NativeServer(
                sim,
                self.options.tls,
                NativeOptions(keep_alive_seconds=self.options.keep_alive_seconds),
            )

    def _make_granian(self) -> Any:
        from granian.constants import Interfaces, SSLProtocols
        from granian.server.embed import Server

        # granian binds by address and port: hand over the port this object reserved
        self.sock.close()
        tls = self.options.tls
        return Server(
            self.sim,
            address=self.options.host,
            port=self.port,
            interface=Interfaces.ASGI,
            runtime_threads=1,
            backlog=2048,
            log_enabled=False,
            ssl_cert=tls.cert_file if tls else None,
            ssl_key=tls.key_file if tls else None,
            ssl_protocol_min=SSLProtocols.tls12,
        )

    async def serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.sim.start_background()
        if self._native is not None:
            await self._native.serve(self.sock)
        elif self._granian is not None:
            await self._granian.serve()
        else:
            await self.server.serve(sockets=[self.sock])

    def _accepting(self) -> bool:
        if self.backend == "uvicorn":
            return bool(self.server.started)
        if self._native is not None:
            return self._native.started
        try:
            with socket.create_connection((self.options.host, self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def request_stop(self) -> None:
        """Ask the server to stop (from any thread); returns at once."""
        if self._native is not None:
            self._native.request_stop()
        elif self._granian is not None:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._granian.stop)
        else:
            self.server.should_exit = True

    def start_in_thread(self, timeout: float = 10.0) -> SimulatorServer:
        """Serve from a daemon thread; returns once the server accepts connections."""

        def run() -> None:
            if _loop_name() == "uvloop":
                import uvloop

                uvloop.run(self.serve())
            else:
                asyncio.run(self.serve())

        self._thread = threading.Thread(
            target=run, name=f"sim-{self.sim.dialect.vendor}-{self.port}", daemon=True
        )
        self._thread.start()
        ready = threading.Event()
        for _ in range(int(timeout / 0.01)):
            if self._accepting():
                ready.set()
                break
            if not self._thread.is_alive():
                break
            threading.Event().wait(0.01)
        if not ready.is_set():
            raise SimulatorError(
                f"{self.sim.dialect.vendor} simulator did not start on {self.base_url}"
            )
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.sim.tenants.close()

    def __enter__(self) -> SimulatorServer:
        return self.start_in_thread()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def quiet_uvicorn() -> None:
    """Connection-reset faults make uvicorn log an error per request; keep those out of test output."""
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
