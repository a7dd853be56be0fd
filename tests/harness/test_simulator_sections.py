"""[erp], [psa] and [hcm] in harness.toml reach their simulator: a setting there takes
effect on the started simulator (seen over its admin API), an unknown key is refused."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from harness._config import load_config
from harness._errors import ConfigurationError
from harness.testing import start_simulator

CASES = [
    # (section, vendor module, setting lines, what GET /__admin/tenants/default/limits shows)
    ("erp", "simulators.netsuite", "concurrency_limit = 2", {"concurrency": 2}),
    (
        "psa",
        "simulators.kantata",
        "rate_limit_per_second = 3.0\nrate_limit_burst = 4.0",
        {"rate_per_second": 3.0, "burst": 4.0},
    ),
    (
        "hcm",
        "simulators.workday",
        "rate_limit_per_second = 2.0\nrate_limit_burst = 5",
        {"enabled": True, "rate_per_second": 2.0, "burst": 5.0},
    ),
]


@pytest.mark.parametrize(("section", "module", "lines", "shown"), CASES, ids=[c[0] for c in CASES])
def test_section_setting_takes_effect(
    tmp_path: Path, section: str, module: str, lines: str, shown: dict[str, object]
) -> None:
    (tmp_path / "harness.toml").write_text(f"[{section}]\n{lines}\n")
    settings = load_config(cwd=tmp_path, env={}).dialect_settings()[section]
    sim = start_simulator(importlib.import_module(module).create_simulator(settings))
    try:
        limits = sim.admin.get("/tenants/default/limits")
        assert limits.status_code == 200, limits.text
        assert shown.items() <= limits.json().items()
    finally:
        sim.close()


@pytest.mark.parametrize("section", ["crm", "erp", "psa", "hcm"])
def test_unknown_key_in_a_section_is_refused(tmp_path: Path, section: str) -> None:
    (tmp_path / "harness.toml").write_text(f"[{section}]\nno_such_setting = 1\n")
    with pytest.raises(
        ConfigurationError, match=rf"^\[{section}\] unknown \w+ setting\(s\): no_such"
    ):
        load_config(cwd=tmp_path, env={}).dialect_settings()
