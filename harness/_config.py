"""One typed settings object, read once from harness.toml, [tool.harness] or HARNESS_* variables.

Precedence, lowest to highest: defaults, ``[tool.harness]`` in pyproject.toml,
``harness.toml`` (or the file given with ``--config``), ``HARNESS_*`` environment
variables, command-line options. Simulator sections (``[crm]``, ``[erp]``, ``[psa]``,
``[hcm]``) are passed to the settings class of the vendor serving that system (its
``from_mapping``, which refuses unknown keys), e.g. custom fields and objects for the CRM::

    [crm]
    daily_api_requests = 50000
    custom_fields = [{object = "Account", name = "Region__c", type = "picklist"}]
    platform_events = [{name = "Project_Activated__e", fields = {Project_Id__c = "string"}}]

    [[crm.custom_objects]]
    name = "Timesheet__c"
    key_prefix = "a01"
    fields = [{name = "Hours__c", type = "double"}]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ._errors import ConfigurationError
from ._schema_input import check_document, plain

_SYSTEMS = ("crm", "erp", "psa", "hcm")


@dataclass(slots=True)
class HarnessConfig:
    seed: int = 1
    size: str = "small"
    port_base: int = 8701
    https: bool = False
    endpoints_file: Path | None = None
    report_dir: Path = Path("reports")
    data_dir: Path | None = None
    systems: list[str] | None = None
    simulators: dict[str, dict[str, Any]] = field(default_factory=dict)  # system -> dialect options
    vendors: dict[str, str] = field(default_factory=dict)  # system -> vendor, if not the default
    source: str = "defaults"

    def dialect_settings(self) -> dict[str, Any]:
        """Dialect settings objects per system, built by each vendor's settings class from
        its section; an unknown key is a ConfigurationError."""
        from ._sim_settings import simulator_settings

        return {
            system: simulator_settings(system, self.vendors.get(system), section)
            for system, section in self.simulators.items()
            if section
        }


def _coerce(name: str, value: Any) -> Any:
    if name in ("seed", "port_base"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigurationError(f"{name} must be an integer, got {value!r}") from None
    if name == "https":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off", ""):
            return False
        raise ConfigurationError(f"https must be true or false, got {value!r}")
    if name in ("endpoints_file", "report_dir", "data_dir"):
        return Path(value) if value not in (None, "") else None
    if name == "systems":
        items = value.split(",") if isinstance(value, str) else list(value)
        items = [s.strip() for s in items if s.strip()]
        bad = [s for s in items if s not in _SYSTEMS]
        if bad:
            raise ConfigurationError(
                f"unknown system(s) {', '.join(bad)}", hint=f"choose from {', '.join(_SYSTEMS)}"
            )
        return items
    return str(value) if name == "size" else value


def _apply(cfg: HarnessConfig, data: dict[str, Any], source: str) -> None:
    check_document(plain(data), "config", source)
    names = {f.name for f in fields(HarnessConfig)} - {"simulators", "source", "vendors"}
    for key, value in data.items():
        if key in _SYSTEMS and isinstance(value, str):
            cfg.vendors[key] = value  # erp = "businesscentral" chooses the vendor
        elif key in _SYSTEMS:
            if not isinstance(value, dict):
                raise ConfigurationError(f"[{key}] in {source} must be a table")
            table = dict(value)
            if "vendor" in table:  # [erp] vendor = "businesscentral", beside its settings
                cfg.vendors[key] = str(table.pop("vendor"))
            cfg.simulators.setdefault(key, {}).update(table)
        elif key in names:
            setattr(cfg, key, _coerce(key, value))
        else:
            raise ConfigurationError(
                f"unknown setting {key!r} in {source}",
                hint=f"known: {', '.join(sorted(names | set(_SYSTEMS)))}",
            )
    cfg.source = source


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from None


def load_config(
    path: Path | None = None, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> HarnessConfig:
    """Defaults < [tool.harness] < harness.toml (or ``path``) < HARNESS_* variables."""
    cwd = cwd or Path.cwd()
    env = dict(os.environ) if env is None else env
    cfg = HarnessConfig()
    pyproject = cwd / "pyproject.toml"
    if pyproject.exists():
        tool = _read_toml(pyproject).get("tool", {}).get("harness")
        if isinstance(tool, dict):
            _apply(cfg, tool, f"{pyproject} [tool.harness]")
    file = path or (cwd / "harness.toml")
    if path is not None and not path.exists():
        raise ConfigurationError(f"config file {path} does not exist")
    if file.exists():
        _apply(cfg, _read_toml(file), str(file))
    for var, value in sorted(env.items()):
        if not var.startswith("HARNESS_"):
            continue
        system = var.removeprefix("HARNESS_").lower()
        if system in _SYSTEMS:  # HARNESS_ERP=businesscentral chooses the vendor
            check_document({system: value}, "config", f"environment variable {var}")
            cfg.vendors[system] = value
            continue
        name = _env_name(var)
        typed = _env_value(name, value, var)
        check_document({name: typed}, "config", f"environment variable {var}")
        setattr(cfg, name, _coerce(name, typed))
    return cfg


_ENV_NAMES = (
    "seed",
    "size",
    "port_base",
    "https",
    "endpoints_file",
    "report_dir",
    "data_dir",
    "systems",
)


def _env_name(var: str) -> str:
    name = var.removeprefix("HARNESS_").lower()
    if name not in _ENV_NAMES:
        allowed = ", ".join(f"HARNESS_{n.upper()}" for n in (*_ENV_NAMES, *_SYSTEMS))
        raise ConfigurationError(
            f"unknown environment variable {var}", hint=f"the harness reads {allowed}"
        )
    return name


def _env_value(name: str, value: str, var: str) -> Any:
    """A variable's text as the type the settings schema expects."""
    if name in ("seed", "port_base"):
        try:
            return int(value)
        except ValueError:
            raise ConfigurationError(f"{var} must be an integer, got {value!r}") from None
    if name == "https":
        return _coerce(name, value)
    return value
