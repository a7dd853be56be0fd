"""JSON written once and placed in larger bodies as is: a write's shaped record goes into its
subscribed event (stored) and into the write's answer, serialised once for both."""

from __future__ import annotations

from typing import Any

import orjson

#: stands for the spliced value while the body around it is serialised
_MARK = "\x00kantata:spliced\x00"
_MARK_JSON = orjson.dumps(_MARK)


def spliced(body: Any, holder: dict[str, Any], key: str, raw: bytes) -> bytes:
    """``orjson.dumps(body)``, with ``holder[key]`` (inside ``body``) written as ``raw``, its
    JSON made before. Should the mark occur in the body's own values, the body is serialised
    whole instead."""
    value = holder[key]
    holder[key] = _MARK
    try:
        data = orjson.dumps(body)
    finally:
        holder[key] = value
    if data.count(_MARK_JSON) == 1:
        return data.replace(_MARK_JSON, raw)
    return orjson.dumps(body)
