"""Local TLS: a throwaway CA and a server certificate for loopback (and any host names the
simulators are reached by), made with trustme.

Stock clients (simple-salesforce, the netsuite package) insist on https; pointing them
at the CA bundle written here lets them talk to the simulators unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True, slots=True)
class TlsFiles:
    ca_bundle: Path
    cert_file: Path
    key_file: Path


#: names every certificate covers, so local clients always verify
LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
#: bind addresses that mean "every interface": not a name a client can use
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def make_tls_files(directory: Path, names: Iterable[str] = ()) -> TlsFiles:
    """Write ca.pem, server.pem and server.key for loopback plus ``names`` (host names
    or IP addresses the simulators are reached by); paths are absolute."""
    directory = directory.absolute()
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="ps-integration-harness local CA")
    extra = [n.strip("[]") for n in names if n and n.strip("[]") not in WILDCARD_HOSTS]
    cert = ca.issue_cert(*dict.fromkeys([*LOOPBACK_NAMES, *extra]))
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca.cert_pem.write_to_path(str(files.ca_bundle))
    cert.private_key_pem.write_to_path(str(files.key_file))
    cert.cert_chain_pems[0].write_to_path(str(files.cert_file))
    with files.cert_file.open("ab") as fh:
        for pem in cert.cert_chain_pems[1:]:
            fh.write(pem.bytes())
    return files
