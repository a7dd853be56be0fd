"""Refresh tokens and login lockout, kept in the tenant's database as Salesforce keeps them.

Refresh tokens: each approval has its own token (the tenant's credential is the first
one); ``/services/oauth2/revoke`` revokes a refresh token with the access tokens it
issued; with refresh token rotation (a connected app option) every refresh grant returns
a new refresh token and invalidates the old one.

Lockout: after ``max_login_attempts`` wrong passwords in a row (Salesforce's default
password policy: 10) the user is locked out for ``lockout_minutes`` (default 15) and even
the right password gets the vendor's generic login failure.
"""

from __future__ import annotations

import secrets
from typing import Any

from simulators.engine import Tenant

REFRESH_KEY = "sf.refresh_tokens"
LOCKOUT_KEY = "sf.login_failures"


def new_refresh_token() -> str:
    return "5Aep861" + secrets.token_urlsafe(60)


class RefreshTokens:
    """The refresh tokens of one tenant: {token: {"client_id", "issued_at", "revoked"}}."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant

    def _all(self) -> dict[str, dict[str, Any]]:
        value = self.tenant.store.meta_get(REFRESH_KEY)
        return value if isinstance(value, dict) else {}

    def issue(self, client_id: str, value: str | None = None) -> str:
        tokens = self._all()
        token = value or new_refresh_token()
        tokens[token] = {
            "client_id": client_id,
            "issued_at": self.tenant.clock.time(),
            "revoked": False,
        }
        self.tenant.store.meta_set(REFRESH_KEY, tokens)
        return token

    def find(self, token: str) -> dict[str, Any] | None:
        return self._all().get(token)

    def valid(self, token: str, client_id: str) -> bool:
        info = self.find(token)
        return info is not None and not info["revoked"] and info["client_id"] == client_id

    def revoke(self, token: str) -> bool:
        tokens = self._all()
        info = tokens.get(token)
        if info is None:
            return False
        info["revoked"] = True
        self.tenant.store.meta_set(REFRESH_KEY, tokens)
        return True


class Lockout:
    """Failed logins per username on one tenant."""

    def __init__(self, tenant: Tenant, max_attempts: int, lockout_seconds: float) -> None:
        self.tenant = tenant
        self.max_attempts = max_attempts
        self.lockout_seconds = lockout_seconds

    def _state(self) -> dict[str, list[float]]:
        value = self.tenant.store.meta_get(LOCKOUT_KEY)
        return value if isinstance(value, dict) else {}

    def locked(self, username: str) -> bool:
        entry = self._state().get(username)
        return entry is not None and entry[1] > self.tenant.clock.time()

    def failed(self, username: str) -> None:
        state = self._state()
        count, until = state.get(username, [0, 0.0])
        now = self.tenant.clock.time()
        if until and until <= now:  # the lockout period is over: count afresh
            count, until = 0, 0.0
        count += 1
        if self.max_attempts and count >= self.max_attempts:
            until = now + self.lockout_seconds
        state[username] = [count, until]
        self.tenant.store.meta_set(LOCKOUT_KEY, state)

    def succeeded(self, username: str) -> None:
        state = self._state()
        if username in state:
            del state[username]
            self.tenant.store.meta_set(LOCKOUT_KEY, state)
