"""Reading a request body: size-capped, time-bounded, and a broken body told apart from a whole one.

A client that announces a body and then stalls would otherwise hold its connection (and a
task) for as long as it likes; one whose chunked framing is malformed shows up as a
disconnect before the body ends. Both end in ``BodyIncomplete`` so the app can answer
408 or 400 instead of leaving the server to answer 500.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Receive = Callable[[], Awaitable[dict[str, Any]]]


class BodyIncomplete(Exception):
    """The body did not arrive whole: 408 when it stalled, 400 when the stream broke off."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


async def _read(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    too_large = False
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            raise BodyIncomplete(
                400, "BAD_REQUEST", "The request body is malformed or ended before it was complete."
            )
        body = msg.get("body", b"")
        if body and not too_large:
            size += len(body)
            if size > limit:
                too_large = True  # keep reading, without buffering, to answer 413
                chunks = []
            else:
                chunks.append(body)
        if not msg.get("more_body", False):
            return (b"".join(chunks) if len(chunks) != 1 else chunks[0]), too_large


async def read_body(
    receive: Receive, headers: dict[str, str], limit: int, timeout: float
) -> tuple[bytes, bool]:
    """(body, too_large); raises ``BodyIncomplete``. Only announced bodies pay for the timer."""
    if headers.get("content-length", "0") in ("", "0") and "transfer-encoding" not in headers:
        return await _read(receive, limit)
    try:
        async with asyncio.timeout(timeout):
            return await _read(receive, limit)
    except TimeoutError:
        raise BodyIncomplete(
            408, "REQUEST_TIMEOUT", f"The request body was not received within {timeout:g} seconds."
        ) from None
