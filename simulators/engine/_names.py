"""Names that become file names: tenants and snapshots, checked in one place.

The admin API puts them into paths under the data directory (tenant databases,
snapshot files), so anything but a plain name is refused before a handler runs;
a percent-encoded ``../`` never reaches the file system.
"""

from __future__ import annotations

import re

from ._errors import ConfigError

TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
SNAPSHOT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def check_tenant_name(name: str) -> str:
    if not TENANT_NAME.match(name):
        raise ConfigError(
            f"invalid tenant name {name!r}",
            hint="use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
        )
    return name


def check_snapshot_name(name: str) -> str:
    if not SNAPSHOT_NAME.match(name):
        raise ConfigError(
            f"invalid snapshot name {name!r}", hint="1-100 letters, digits, '-' and '_'"
        )
    return name


def check_admin_params(params: dict[str, str]) -> None:
    """Validate the path parameters of an admin route that name a tenant or a snapshot."""
    tenant = params.get("tenant")
    if tenant is not None:
        check_tenant_name(tenant)
    name = params.get("name")
    if name is not None:
        check_snapshot_name(name)
