"""HAProxy in front of several simulator processes: one frontend per system, one backend
per process, each request routed to the process that holds its tenant.

The tenant comes from what the vendors' clients send (``route.lua``): a Salesforce
token's org id, NetSuite's OAuth ``realm`` (the account id), the Workday tenant in the
URL, a Kantata token's ``<tenant>~`` prefix, the tenant in an admin path. Vendor keys
(org ids, accounts, client ids, user names) become tenant names through ``keys.map``;
a tenant's process is ``crc32(name) % processes`` unless ``homes.map`` names another
(a tenant created without a name lands on the default tenant's process). Both maps
change at run time through HAProxy's admin socket, without a reload.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .._errors import StackError

HAPROXY = "haproxy"
ROUTE_LUA = "route.lua"


def home_process(tenant: str, processes: int) -> int:
    """The process a tenant lives on when nothing else is said (HAProxy's crc32 too)."""
    return zlib.crc32(tenant.encode()) % processes


def route_keys(vendor: str, credentials: dict[str, Any]) -> list[str]:
    """The vendor keys (``@kind:value``) that name a tenant on the wire, from its credentials."""
    c = credentials
    keys: list[str] = []
    if vendor == "salesforce":
        keys += [f"@sf:{str(c.get('org_id') or '')[:15]}", f"@sfc:{c.get('client_id')}"]
        keys.append(f"@sfu:{c.get('username')}")
    elif vendor == "netsuite":
        keys += [f"@ns:{str(c.get('account') or '').upper()}", f"@nsc:{c.get('client_id')}"]
    elif vendor == "kantata":
        keys.append(f"@kc:{c.get('client_id')}")
    return [k for k in keys if not k.endswith((":", ":None"))]


@dataclass(frozen=True, slots=True)
class Frontend:
    """One system behind the proxy: where it listens and its processes' addresses."""

    system: str
    vendor: str
    port: int
    backends: tuple[tuple[str, int], ...]  # (host, port) per process, in process order
    tls_pem: Path | None = None  # certificate and key in one file: HAProxy serves TLS


def haproxy_config(
    frontends: Iterable[Frontend],
    *,
    host: str,
    workdir: Path,
    workday_prefix: str,
    processes: int,
) -> str:
    """The configuration text: global settings, one frontend and N backends per system."""
    lines = [
        "global",
        f"    lua-load {workdir / ROUTE_LUA}",
        f"    stats socket {workdir / 'admin.sock'} mode 600 level admin",
        "    maxconn 4000",
        "    tune.ssl.default-dh-param 2048",
        "",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 300s",
        "    timeout server 300s",  # long admin waits (wait-for) and streaming polls
        "    option http-buffer-request",  # token requests carry the client id in the body
        "    http-reuse always",
        "",
    ]
    keys, homes = workdir / "keys.map", workdir / "homes.map"
    for fe in frontends:
        arg = f"{fe.vendor},{workday_prefix}" if fe.vendor == "workday" else fe.vendor
        lines += [
            f"frontend {fe.system}",
            f"    bind {host}:{fe.port}" + (f" ssl crt {fe.tls_pem}" if fe.tls_pem else ""),
            f"    http-request set-var(txn.tenant) lua.ps_route({arg})",
            f"    http-request set-var(txn.tenant) var(txn.tenant),map({keys},default)"
            " if { var(txn.tenant) -m beg @ }",
            f"    http-request set-var(txn.process) var(txn.tenant),map({homes})",
            f"    http-request set-var(txn.process) var(txn.tenant),crc32,mod({processes})"
            " if !{ var(txn.process) -m found }",
            f"    use_backend {fe.system}_%[var(txn.process)]",
            "",
        ]
        for i, (bhost, bport) in enumerate(fe.backends):
            lines += [f"backend {fe.system}_{i}", f"    server p{i} {bhost}:{bport}", ""]
    return "\n".join(lines)


class Proxy:
    """A running HAProxy with its configuration and maps under ``workdir``."""

    def __init__(
        self,
        frontends: list[Frontend],
        *,
        host: str,
        workdir: Path,
        workday_prefix: str,
        processes: int,
    ) -> None:
        self.frontends = frontends
        self.host = host
        self.workdir = workdir
        self.workday_prefix = workday_prefix
        self.processes = processes
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def executable() -> str:
        exe = shutil.which(HAPROXY)
        if exe is None:
            raise StackError(
                "--processes needs HAProxy, which is not installed",
                hint="install Debian's package: apt-get install haproxy",
            )
        return exe

    def start(self, keys: dict[str, str], homes: dict[str, int]) -> None:
        exe = self.executable()
        self.workdir.mkdir(parents=True, exist_ok=True)
        lua = resources.files("harness.stack").joinpath(ROUTE_LUA).read_text()
        (self.workdir / ROUTE_LUA).write_text(lua)
        _write_map(self.workdir / "keys.map", keys)
        _write_map(self.workdir / "homes.map", {k: str(v) for k, v in homes.items()})
        cfg = self.workdir / "haproxy.cfg"
        cfg.write_text(
            haproxy_config(
                self.frontends,
                host=self.host,
                workdir=self.workdir,
                workday_prefix=self.workday_prefix,
                processes=self.processes,
            )
        )
        check = subprocess.run([exe, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise StackError(f"HAProxy rejects {cfg}: {(check.stderr or check.stdout).strip()}")
        log = (self.workdir / "haproxy.log").open("wb")
        self.proc = subprocess.Popen(
            [exe, "-db", "-f", str(cfg)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + 15
        for fe in self.frontends:
            while not _accepts(self.host, fe.port):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    tail = (self.workdir / "haproxy.log").read_text(errors="replace")[-600:]
                    raise StackError(f"HAProxy did not start listening on {fe.port}: {tail}")
                time.sleep(0.05)

    def add(self, map_name: str, key: str, value: str) -> None:
        """Add or change one entry of ``keys.map`` or ``homes.map`` while HAProxy runs."""
        path = self.workdir / map_name
        reply = self.command(f"set map {path} {key} {value}")
        if "not found" in reply.lower() or "unknown" in reply.lower():
            reply = self.command(f"add map {path} {key} {value}")
        if reply.strip():
            raise StackError(f"HAProxy did not take {map_name} entry {key}: {reply.strip()}")

    def command(self, line: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.workdir / "admin.sock"))
            s.sendall(line.encode() + b"\n")
            out = b""
            while chunk := s.recv(65536):
                out += chunk
        return out.decode(errors="replace")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def _write_map(path: Path, entries: dict[str, str]) -> None:
    path.write_text("".join(f"{k} {v}\n" for k, v in sorted(entries.items())))


def _accepts(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False
