"""Stock clients against the simulator, unchanged: MSAL for the token, python-odata for the API.

MSAL (Microsoft's own authentication library) finds the token endpoint by OpenID
discovery under the authority, so only the authority is pointed at the simulator; it
needs https, hence the simulator serves TLS with the harness CA here. python-odata is
given the service URL of the company; its entity classes are declared the way its
documentation shows (its reflection cannot read Business Central's $metadata, whose
blank enum members are named ``_x0020_``, a name Python's Enum reserves).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msal
import pytest
import requests
from odata import ODataService
from odata.exceptions import ODataError
from odata.property import DecimalProperty, StringProperty, UUIDProperty

from harness.testing import SimHandle, start_simulator
from simulators.engine import TlsFiles


@pytest.fixture(scope="module")
def bc_tls(tls_files: TlsFiles) -> Iterator[SimHandle]:
    from simulators.businesscentral import create_simulator

    handle = start_simulator(create_simulator(), tls_files)
    yield handle
    handle.close()


@pytest.fixture
def session(tls_files: TlsFiles) -> Iterator[requests.Session]:
    s = requests.Session()
    s.trust_env = False  # the machine's REQUESTS_CA_BUNDLE would replace the harness CA
    s.verify = str(tls_files.ca_bundle)
    yield s
    s.close()


def test_msal_and_python_odata_work_unchanged(bc_tls: SimHandle, session: requests.Session) -> None:
    creds: dict[str, Any] = bc_tls.sim.dialect.credentials(
        bc_tls.sim.tenants.get("default"), bc_tls.base_url
    )
    app = msal.ConfidentialClientApplication(
        creds["client_id"],
        client_credential=creds["client_secret"],
        authority=creds["authority"],
        instance_discovery=False,
        http_client=session,
    )
    result = app.acquire_token_for_client(scopes=[creds["scope"]])
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer"
    bad = msal.ConfidentialClientApplication(
        creds["client_id"],
        client_credential="wrong",
        authority=creds["authority"],
        instance_discovery=False,
        http_client=session,
    ).acquire_token_for_client(scopes=[creds["scope"]])
    assert bad["error"] == "invalid_client" and 7000215 in bad["error_codes"]

    session.headers["Authorization"] = f"Bearer {result['access_token']}"
    service = ODataService(
        f"{creds['api_url']}/companies({creds['company_id']})/",
        session=session,
        quiet_progress=True,
    )

    class Customer(service.Entity):  # type: ignore[name-defined,misc]
        __odata_type__ = "Microsoft.NAV.customer"
        __odata_collection__ = "customers"
        id = UUIDProperty("id", primary_key=True)
        number = StringProperty("number")
        displayName = StringProperty("displayName")
        city = StringProperty("city")
        balanceDue = DecimalProperty("balanceDue", is_computed_value=True)  # read-only in BC

    for name, city in (("Adatum", "Atlanta"), ("Coho Winery", "Boston"), ("Fabrikam", "Atlanta")):
        c = Customer()
        c.displayName = name
        c.city = city
        service.save(c)
        assert c.id is not None and c.number.startswith("C")

    atlanta = (
        service.query(Customer)
        .filter(Customer.city == "Atlanta")
        .order_by(Customer.displayName.asc())
        .all()
    )
    assert [c.displayName for c in atlanta] == ["Adatum", "Fabrikam"]
    coho = service.query(Customer).filter(Customer.displayName.startswith("Coho")).first()
    assert coho.city == "Boston"

    coho.city = "Seattle"
    with pytest.raises(ODataError) as err:
        service.save(coho)  # Business Central requires If-Match on PATCH
    assert err.value.code == "BadRequest_InvalidToken"
    coho.city = "Seattle"
    context = service.create_context(session=session)
    context.save(coho, extra_headers={"If-Match": "*"})
    assert service.query(Customer).get(coho.id).city == "Seattle"
    assert service.query(Customer).count() == 3
