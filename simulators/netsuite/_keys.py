"""The OAuth 2.0 client certificate of a tenant: a key pair generated once per tenant.

NetSuite verifies the client assertion with the public certificate uploaded for the
integration; the simulator keeps the public key and hands the private key (PEM, and a
file holding it) to the harness so it can sign assertions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

EC_ALGORITHMS = ("ES256", "ES384", "ES512")
RSA_ALGORITHMS = ("PS256", "PS384", "PS512")


@dataclass(slots=True, frozen=True)
class ClientKey:
    certificate_id: str
    key_type: str
    private_pem: str
    public_key: Any

    @property
    def algorithms(self) -> tuple[str, ...]:
        return EC_ALGORITHMS if self.key_type == "EC" else RSA_ALGORITHMS

    @property
    def default_algorithm(self) -> str:
        return self.algorithms[0]


def generate_key(certificate_id: str, key_type: str) -> ClientKey:
    private: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    if key_type == "RSA":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    else:
        private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return ClientKey(certificate_id, key_type, pem, private.public_key())


def write_key(key: ClientKey, directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{key.certificate_id}.pem"
    if not path.exists() or path.read_text() != key.private_pem:
        path.write_text(key.private_pem)
        path.chmod(0o600)
    return path
