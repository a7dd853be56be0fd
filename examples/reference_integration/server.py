"""Serving the app with uvicorn on a socket bound first, so ``--port 0`` knows its port
before the webhooks are registered; in the foreground or in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import uvicorn

from .app import create_app
from .errors import ConfigurationError
from .settings import Settings, with_port


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


class RunningIntegration:
    """The service on a loopback port in a background thread (tests, embedding)."""

    def __init__(self, settings: Settings) -> None:
        self.sock = bind(settings.host, settings.port)
        self.settings = with_port(settings, self.sock.getsockname()[1])
        self.app = create_app(self.settings)
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self.url = f"http://{self.settings.host}:{self.settings.port}"

    @property
    def integration(self) -> Any:
        return self.app.state.integration

    def start(self, timeout: float = 15.0) -> RunningIntegration:
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[self.sock])),
            name="reference-integration",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigurationError("the reference integration did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        self.sock.close()


def serve(settings: Settings) -> None:
    """Run in the foreground until interrupted; prints where it listens."""
    sock = bind(settings.host, settings.port)
    settings = with_port(settings, sock.getsockname()[1])
    app = create_app(settings)
    print(f'{{"listening": "http://{settings.host}:{settings.port}"}}', flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))
