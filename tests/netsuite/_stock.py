"""The stock `netsuite` package's REST client, signing with TBA, its URL pointed at the
simulator and nothing else changed."""

from __future__ import annotations

import warnings
from typing import Any

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from netsuite import Config, NetSuite, TokenAuth
    from netsuite.rest_api import NetSuiteRestApi


def stock_rest_api(base_url: str, creds: dict[str, Any]) -> NetSuiteRestApi:
    """The package's REST client for ``creds`` (the admin API's TBA credentials)."""

    class LocalRestApi(NetSuiteRestApi):
        def _make_url(self, subpath: str) -> str:
            return f"{base_url}/services/rest{subpath}"

    config = Config(
        account=creds["account"],
        auth=TokenAuth(
            consumer_key=creds["consumer_key"],
            consumer_secret=creds["consumer_secret"],
            token_id=creds["token_id"],
            token_secret=creds["token_secret"],
        ),
    )
    assert isinstance(NetSuite(config).rest_api, NetSuiteRestApi)
    return LocalRestApi(config)
