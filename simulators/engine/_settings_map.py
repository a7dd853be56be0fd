"""Vendor settings built from a mapping (a harness.toml section, a JSON body), with
unknown keys refused: a key that does nothing is an error, never silently dropped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ._errors import ConfigError

T = TypeVar("T")


def settings_from_mapping(
    cls: type[T],
    section: Mapping[str, Any],
    what: str,
    convert: Mapping[str, Callable[[Any], Any]] | None = None,
) -> T:
    """``cls(**section)`` for a settings dataclass: unknown keys refused, lists made tuples
    where the field is a tuple, ``convert`` applied per key, ``validate()`` run if present.

    Every problem is a ConfigError naming ``what`` (e.g. "HCM (workday)").
    """
    assert dataclasses.is_dataclass(cls)
    by_name = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(section) - set(by_name))
    if unknown:
        raise ConfigError(
            f"unknown {what} setting(s): {', '.join(unknown)}",
            hint=f"known: {', '.join(sorted(by_name))}",
        )
    values: dict[str, Any] = {}
    try:
        for key, value in section.items():
            if convert is not None and key in convert:
                value = convert[key](value)
            elif isinstance(value, list) and str(by_name[key].type).startswith("tuple"):
                value = tuple(value)
            values[key] = value
        out = cls(**values)
        validate = getattr(out, "validate", None)
        if callable(validate):
            validate()
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError(f"invalid {what} settings: {exc}") from None
    return out
