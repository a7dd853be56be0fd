"""A generated firm loaded into running simulators, and a Kantata API client, for the loader
tests that check the result over the vendors' own APIs."""

from __future__ import annotations

import httpx

from harness.data import Firm, generate_firm
from harness.loaders import LoadReport, load_firm
from harness.testing import SimHandle

from .._clients import loader_endpoint
from .._serving import bearer_client


def load_small_firm(seed: int, crm: SimHandle, **systems: SimHandle) -> tuple[Firm, LoadReport]:
    """A small firm from ``seed`` loaded into the CRM and ``systems`` (``psa=``, ``erp=``, ...)."""
    firm = generate_firm(seed, "small")
    endpoints = {
        "crm": loader_endpoint(crm),
        **{name: loader_endpoint(sim) for name, sim in systems.items()},
        "ca_bundle": crm.ca_bundle,
    }
    return firm, load_firm(firm, endpoints)


def kantata_api(psa: SimHandle, token: str) -> httpx.Client:
    """Kantata ``/api/v1`` with the simulator's static bearer token."""
    return bearer_client(f"{psa.base_url}/api/v1", token)
