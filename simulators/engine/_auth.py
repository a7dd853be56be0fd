"""Access tokens: issued by a dialect's token endpoint, validated on every API call.

Tokens map to a tenant, so a stack's credentials select its tenant. Tokens can be
expired or revoked on demand through the admin API to exercise a stack's refresh logic.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from ._clock import Clock

TokenState = Literal["valid", "expired", "revoked", "unknown"]


@dataclass(slots=True)
class Token:
    value: str
    tenant: str
    subject: str
    client_id: str = ""
    kind: str = "access"
    issued_at: float = 0.0
    expires_at: float | None = None
    revoked: bool = False
    scope: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def state(self, now: float) -> TokenState:
        if self.revoked:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "valid"

    def public(self) -> dict[str, Any]:
        return {
            "token": self.value,
            "tenant": self.tenant,
            "subject": self.subject,
            "client_id": self.client_id,
            "kind": self.kind,
            "issued_at": self.issued_at,
            "expires_at": self.expires_at,
            "revoked": self.revoked,
        }


#: tokens issued between two sweeps of the expired ones (the sweep is amortised over issues)
PRUNE_EVERY = 1024


class TokenStore:
    """All tokens of one simulator, across tenants.

    Memory stays bounded: every ``PRUNE_EVERY`` issues, tokens expired or revoked more than
    ``keep_seconds`` ago are forgotten (until then a caller still gets "expired", not
    "unknown"), and beyond ``max_tokens`` live tokens the oldest are evicted.
    """

    def __init__(self, max_tokens: int = 100_000, keep_seconds: float = 3600.0) -> None:
        self._tokens: dict[str, Token] = {}
        self.max_tokens = max_tokens
        self.keep_seconds = keep_seconds
        self._since_prune = 0
        self.evicted = 0

    def issue(
        self,
        tenant: str,
        subject: str,
        clock: Clock,
        *,
        ttl: float | None,
        client_id: str = "",
        kind: str = "access",
        prefix: str = "",
        scope: str = "",
        value: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Token:
        now = clock.time()
        tok = Token(
            value=value or prefix + secrets.token_urlsafe(40),
            tenant=tenant,
            subject=subject,
            client_id=client_id,
            kind=kind,
            issued_at=now,
            expires_at=None if ttl is None else now + ttl,
            scope=scope,
            extra=extra or {},
        )
        self._tokens[tok.value] = tok
        self._since_prune += 1
        if self._since_prune >= PRUNE_EVERY or len(self._tokens) > self.max_tokens:
            self._since_prune = 0
            self.prune(now, self.keep_seconds)
            excess = len(self._tokens) - self.max_tokens
            if excess > 0:  # the oldest first: dicts keep insertion order
                for k in list(self._tokens)[:excess]:
                    del self._tokens[k]
                self.evicted += excess
        return tok

    def lookup(self, value: str) -> Token | None:
        return self._tokens.get(value)

    def expire(
        self,
        *,
        tenant: str | None = None,
        token: str | None = None,
        kind: str | None = "access",
        clocks: dict[str, Clock] | None = None,
    ) -> int:
        """Mark tokens expired now (by tenant clock). Returns how many."""
        n = 0
        for tok in self._matching(tenant, token, kind):
            clock = (clocks or {}).get(tok.tenant)
            tok.expires_at = (clock.time() if clock else 0.0) - 0.001
            n += 1
        return n

    def revoke(
        self, *, tenant: str | None = None, token: str | None = None, kind: str | None = None
    ) -> int:
        n = 0
        for tok in self._matching(tenant, token, kind):
            tok.revoked = True
            n += 1
        return n

    def _matching(self, tenant: str | None, token: str | None, kind: str | None) -> list[Token]:
        if token is not None:
            t = self._tokens.get(token)
            return [t] if t else []
        return [
            t
            for t in self._tokens.values()
            if (tenant is None or t.tenant == tenant) and (kind is None or t.kind == kind)
        ]

    def drop_tenant(self, tenant: str) -> None:
        for k in [k for k, t in self._tokens.items() if t.tenant == tenant]:
            del self._tokens[k]

    def list(self, tenant: str | None = None) -> list[Token]:
        return [t for t in self._tokens.values() if tenant is None or t.tenant == tenant]

    def prune(self, now: float, keep_seconds: float = 3600.0) -> int:
        """Forget tokens expired (or revoked and issued) more than ``keep_seconds`` ago."""
        dead = [
            k
            for k, t in self._tokens.items()
            if (t.expires_at is not None and now - t.expires_at > keep_seconds)
            or (t.revoked and now - t.issued_at > keep_seconds)
        ]
        for k in dead:
            del self._tokens[k]
        return len(dead)

    def __len__(self) -> int:
        return len(self._tokens)
