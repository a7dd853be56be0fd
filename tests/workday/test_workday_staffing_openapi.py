"""The Staffing service (v6 and v7) serves every property of Workday's published schemas.

Source: Workday Staffing v6 OpenAPI (konfig-sdks/workday-staffing-java-sdk api/openapi.yaml)
and Staffing v7 Swagger 2.0 captured 2026-04-18 (denhamd2/pm-agent-mirror), trimmed to the
response properties of each single-instance GET in ``simulators/workday/_openapi/``.
References without a value may be left out; every other property must be there with its
JSON type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.testing import SimHandle
from simulators.workday._openapi import VERSIONS, load

_JSON = {"string": str, "boolean": bool, "array": list, "object": dict, "integer": int}


def _check(path: str, body: dict[str, Any], props: dict[str, str]) -> None:
    for name, kind in props.items():
        if name not in body:
            assert kind == "object", f"{path}: {name} missing"
            continue
        py = _JSON[kind.split("/")[0]]
        assert isinstance(body[name], py), (path, name, body[name], kind)


@pytest.mark.parametrize("version", VERSIONS)
def test_staffing_resources_match_the_openapi(
    wd: SimHandle, creds: dict[str, Any], get_token: Any, firm: Any, version: str
) -> None:
    base = creds["staffing_base_url"].replace("/staffing/v6/", f"/staffing/{version}/")
    with wd.client() as c:
        token = get_token(c, creds)
    spec = load(version)["resources"]
    with httpx.Client(
        base_url=base + "/", headers={"authorization": f"Bearer {token}"}, trust_env=False
    ) as api:
        for collection, path in (
            ("workers", "/workers/{ID}"),
            ("jobProfiles", "/jobProfiles/{ID}"),
            ("supervisoryOrganizations", "/supervisoryOrganizations/{ID}"),
            ("jobs", "/jobs/{ID}"),
            ("jobFamilies", "/jobFamilies/{ID}"),
        ):
            listed = api.get(collection)
            assert listed.status_code == 200, (collection, listed.text)
            first = listed.json()["data"][0]
            one = api.get(f"{collection}/{first['id']}")
            assert one.status_code == 200, (collection, one.text)
            _check(path, one.json(), spec[path])
        org = api.get("supervisoryOrganizations").json()["data"]
        assert any(o["managers"] for o in org)  # the firm's orgs have managers
        job = api.get("jobs").json()["data"][0]
        assert job["worker"]["id"] and job["jobProfile"]["id"]
        assert api.get("jobs/nope").status_code == 404
        fam = api.get("jobFamilies").json()["data"][0]
        assert fam["jobProfiles"] and api.get(f"jobFamilies/{fam['id']}").json() == fam


def _vendor_specs() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        cand = parent / "shared" / "vendor-specs" / "workday"
        if cand.is_dir() and any(cand.glob("*staffing_v7*.json")):
            return cand
    return None


def test_generated_files_match_the_specs() -> None:
    src = _vendor_specs()
    if src is None:
        pytest.skip("Workday's specs (shared/vendor-specs/workday) are not beside the repo")
    import yaml

    from simulators.workday._openapi._generate import SOURCES, extract

    v6 = yaml.safe_load(next(src.glob("*staffing-v6-openapi.yaml")).read_text("utf-8"))
    v7 = json.loads(next(src.glob("*staffing_v7*.json")).read_text("utf-8"))
    assert extract(v6, SOURCES["v6"]) == load("v6")
    assert extract(v7, SOURCES["v7"]) == load("v7")
