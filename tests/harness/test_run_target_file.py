"""The target file: TOML or JSON, loopback only, unknown keys refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness._errors import ConfigurationError
from harness.journeys import load_target_file


def test_toml_target_file(tmp_path: Path) -> None:
    f = tmp_path / "stack.toml"
    f.write_text(
        'base_url = "http://127.0.0.1:8750/"\nhealth_url = "http://127.0.0.1:8750/health"\n'
        'start = "my-stack --endpoints {endpoints}"\n[webhooks]\ncrm = "http://localhost:8750/webhooks/crm"\n'
    )
    spec = load_target_file(f)
    assert spec.base_url == "http://127.0.0.1:8750"
    assert spec.start == ("my-stack", "--endpoints", "{endpoints}")
    assert spec.webhooks == {"crm": "http://localhost:8750/webhooks/crm"}
    assert not spec.embedded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('base_url = "http://10.0.0.5:8750"', "must be an http(s) URL on 127.0.0.1"),
        ('base_url = "http://127.0.0.1:1"\nport = 3', "unknown keys"),
        ("[webhooks]\nfoo = 'http://127.0.0.1:1/x'", "webhooks"),
        ("base_url = ", "not valid"),
    ],
)
def test_bad_target_files(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "stack.toml"
    f.write_text(text)
    with pytest.raises(ConfigurationError) as err:
        load_target_file(f)
    assert message in str(err.value)
