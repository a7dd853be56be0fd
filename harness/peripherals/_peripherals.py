"""The peripheral systems of a run (collaboration, analytics) on one real WireMock server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._errors import StackError
from ..wiremock import (
    WireMockAdmin,
    WireMockRuntime,
    WireMockServer,
    WireMockUnavailable,
    find_wiremock,
)
from ._stubs import PeripheralIds, all_stubs, endpoints_section


class Peripherals:
    """WireMock started with the collaboration and analytics stubs loaded."""

    def __init__(
        self,
        runtime: WireMockRuntime,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ids: PeripheralIds | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.ids = ids or PeripheralIds()
        self.server = WireMockServer(runtime, host=host, port=port, log_path=log_path)
        self.admin: WireMockAdmin | None = None

    def start(self) -> Peripherals:
        self.server.start()
        try:
            self.admin = WireMockAdmin(self.server.admin_url)
            self.admin.add_all(all_stubs(self.ids))
        except Exception:
            self.server.stop()
            raise
        return self

    def reset(self) -> None:
        """Stubs back to the vendor defaults (faults removed) and an empty journal."""
        assert self.admin is not None
        self.admin.reset()
        self.admin.add_all(all_stubs(self.ids))

    def stop(self) -> None:
        self.server.stop()
        self.admin = None

    def endpoints(self) -> dict[str, Any]:
        """The ``peripherals`` section of the endpoints file."""
        return endpoints_section(self.server.base_url, self.server.admin_url, self.ids)


def start_peripherals(
    *, host: str = "127.0.0.1", log_path: Path | None = None, install: bool = True
) -> tuple[Peripherals | None, str | None]:
    """Start the peripherals, or return ``(None, reason)`` in one line when they cannot run."""
    try:
        runtime = find_wiremock(install=install)
        return Peripherals(runtime, host=host, log_path=log_path).start(), None
    except (WireMockUnavailable, StackError) as exc:
        return None, str(exc)
