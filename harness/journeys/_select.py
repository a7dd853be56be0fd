"""Choosing journeys: by name, by suite, and with a ``-k`` expression as pytest reads it."""

from __future__ import annotations

import re

from .._errors import ConfigurationError
from ._journeys import JOURNEYS, SUITES


def select_journeys(names: list[str], k: str | None = None) -> list[str]:
    """Journey keys in play order for suites/journeys ``names`` (none or ``all``: every
    journey), kept when ``k`` matches the journey's name or suite."""
    wanted: list[str] = []
    for raw in names or ["all"]:
        name = raw.strip()
        if name == "all":
            found = list(JOURNEYS)
        elif name in SUITES:
            found = list(SUITES[name])
        elif name in JOURNEYS:
            found = [name]
        else:
            raise ConfigurationError(
                f"unknown journey(s) {name}",
                hint=f"choose from the suites {', '.join(SUITES)} or the journeys {', '.join(JOURNEYS)}",
            )
        wanted += [j for j in found if j not in wanted]
    if k:
        wanted = [j for j in wanted if _matches(k, {j, JOURNEYS[j].suite})]
        if not wanted:
            raise ConfigurationError(
                f"-k {k!r} matches no journey", hint=f"journeys: {', '.join(JOURNEYS)}"
            )
    return wanted


def _matches(expr: str, words: set[str]) -> bool:
    """``-k`` as pytest: substrings joined by and/or/not and parentheses."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expr)
    out = []
    for t in tokens:
        if t in ("and", "or", "not", "(", ")"):
            out.append(t)
        else:
            out.append(str(any(t.lower() in w.lower() for w in words)))
    try:
        return bool(eval(" ".join(out), {"__builtins__": {}}, {}))  # noqa: S307 - only True/False/and/or/not
    except SyntaxError:
        raise ConfigurationError(f"-k {expr!r} is not a valid expression") from None
