"""Run options from a target file's ``[run]`` table, merged under the command line's.

Precedence: command-line option > target file ``[run]`` > settings (harness.toml,
``[tool.harness]``, ``HARNESS_*``) > defaults. Every key of ``[run]`` must be consumed by
an option; one that nothing reads is an error, not a silent no-op.
"""

from __future__ import annotations

from typing import Any

from .._errors import ConfigurationError


class RunDefaults:
    """The ``[run]`` options of one target file, taken one by one."""

    def __init__(self, options: dict[str, Any], source: str) -> None:
        self._left = dict(options)
        self._source = source

    def take(self, key: str, given: Any, fallback: Any) -> Any:
        """``given`` (from the command line) if set, else the file's value, else ``fallback``."""
        from_file = self._left.pop(key, None)
        if given is not None:
            return given
        return fallback if from_file is None else from_file

    def finish(self) -> None:
        """Fail on the keys no option has taken."""
        if self._left:
            keys = ", ".join(sorted(self._left))
            raise ConfigurationError(
                f"{self._source}: {keys} has no effect in this version of the harness",
                hint="remove it from the target file",
            )
