"""HTTP on one system's wire API, recording each exchange for the step that made it.

Every call is bounded by the run's deadline; a refused call or a broken connection
becomes a ``JourneyFailure`` naming the system, the call and the answer.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from typing import Any

import httpx

from ._errors import JourneyFailure
from ._model import Exchange

_CLIP = 4000


def clip(value: Any) -> Any:
    """Bodies as kept in reports: JSON as is when short, else text cut at a few KB."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        import json

        text = json.dumps(value, default=str)
        return value if len(text) <= _CLIP else text[:_CLIP] + " ...(clipped)"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= _CLIP else text[:_CLIP] + " ...(clipped)"


class Deadline:
    """The run's time bound: every call and every wait gets at most what is left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - time.monotonic()

    def cap(self, seconds: float) -> float:
        left = self.remaining()
        if left <= 0:
            raise JourneyFailure(
                f"the run's time limit of {self.seconds:.0f}s is used up",
                hint="raise --timeout, or run fewer journeys",
            )
        return min(seconds, left)


class Recorder:
    """Collects the exchanges of the step in progress (none when no step runs)."""

    def __init__(self) -> None:
        self.current: list[Exchange] | None = None

    def add(self, exchange: Exchange) -> None:
        if self.current is not None:
            self.current.append(exchange)


class Wire:
    """An httpx client on one system that records what it sends and receives."""

    def __init__(
        self,
        system: str,
        client: httpx.Client,
        recorder: Recorder,
        deadline: Deadline,
        call_timeout: float = 30.0,
    ) -> None:
        self.system = system
        self.client = client
        self.recorder = recorder
        self.deadline = deadline
        self.call_timeout = call_timeout
        #: gets a new access token after a 401 (the person logs in again); None: no retry
        self.reauth: Any = None

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: Collection[int] | None = None,
        timeout: float | None = None,
        **kw: Any,
    ) -> httpx.Response:
        again = bool(kw.pop("_again", False))
        waits = int(kw.pop("_waits", 0))
        limit = self.deadline.cap(timeout or self.call_timeout)
        sent = kw.get("json", kw.get("data", kw.get("params")))
        url = f"{self.client.base_url}{path}" if not path.startswith("http") else path
        try:
            r = self.client.request(method, path, timeout=limit, **kw)
        except httpx.HTTPError as exc:
            self.recorder.add(Exchange(self.system, method, url, None, clip(sent), str(exc)))
            raise JourneyFailure(
                f"{self.system} {method} {path}: no answer ({type(exc).__name__}: {exc})",
                hint=f"is the {self.system} reachable at {self.client.base_url}?",
            ) from None
        if r.status_code == 401 and self.reauth is not None and not again:
            self.reauth()
            return self.call(method, path, expect=expect, timeout=timeout, _again=True, **kw)
        if r.status_code == 429 and waits < 6 and self.deadline.remaining() > 2.0:
            # a person at the vendor's screen is not held to the API rate limit the stack
            # shares: the harness waits (Retry-After, else backing off) and asks again
            time.sleep(_retry_after(r, 0.25 * 2**waits))
            return self.call(method, path, expect=expect, timeout=timeout, _waits=waits + 1, **kw)
        try:
            body: Any = r.json() if r.content else None
        except ValueError:
            body = r.text
        self.recorder.add(
            Exchange(self.system, method, str(r.url), r.status_code, clip(sent), clip(body))
        )
        if expect is not None and r.status_code not in expect:
            raise JourneyFailure(
                f"{self.system} {method} {path} answered {r.status_code}: {r.text[:300]}"
            )
        return r

    def close(self) -> None:
        self.client.close()


def _retry_after(r: httpx.Response, default: float) -> float:
    """The answer's Retry-After in seconds (at most 2), else ``default``."""
    try:
        return min(2.0, max(0.0, float(r.headers.get("retry-after", ""))))
    except ValueError:
        return default


def http_client(base_url: str, verify: Any, **kw: Any) -> httpx.Client:
    """A loopback client: never the environment's proxies, the run's CA when TLS is on."""
    from ._diagnose import HARNESS_AGENT

    headers = {"User-Agent": HARNESS_AGENT, **(kw.pop("headers", None) or {})}
    return httpx.Client(
        base_url=base_url, verify=verify, trust_env=False, timeout=30.0, headers=headers, **kw
    )
