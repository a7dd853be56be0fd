"""API versions: which are served, retired, and the release each belongs to.

Three releases a year, +1.0 each (Spring '24 = 60.0). 30.0 and older are retired and
answer 410 GONE; versions newer than the simulator's current one do not exist (404).
"""

from __future__ import annotations

_SEASONS = ("Spring", "Summer", "Winter")


def release_label(version: int) -> str:
    k = version - 60
    season = k % 3
    year = 24 + k // 3 + (1 if season == 2 else 0)
    return f"{_SEASONS[season]} '{year:02d}"


def served_versions(min_version: int, max_version: int) -> list[dict[str, str]]:
    return [
        {"label": release_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
        for v in range(min_version, max_version + 1)
    ]


def parse_version(text: str) -> int | None:
    """'68.0' -> 68; None when malformed."""
    major, dot, minor = text.partition(".")
    if not major.isdigit() or (dot and minor != "0"):
        return None
    return int(major)
