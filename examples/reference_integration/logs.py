"""Structured JSON logs and the correlation id every outbound call carries."""

from __future__ import annotations

import contextvars
import json
import logging
import time
from typing import Any

CORRELATION_ID: contextvars.ContextVar[str] = contextvars.ContextVar(
    "ri_correlation_id", default=""
)
LOGGER_NAME = "reference_integration"


def correlation_id() -> str:
    """The id of the inbound event being processed ("" outside a task)."""
    return CORRELATION_ID.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, correlation id, extras."""

    _RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        cid = correlation_id()
        if cid:
            out["correlation_id"] = cid
        for key, value in record.__dict__.items():
            if key not in self._RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def get_logger(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def configure(level: str = "INFO") -> None:
    """Send the integration's logs to stderr as JSON lines (idempotent)."""
    root = logging.getLogger(LOGGER_NAME)
    root.setLevel(level.upper())
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.propagate = False
