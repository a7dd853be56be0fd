"""The acquisition journey: a company bought mid-year becomes a legal entity of the firm,
and its first deal is invoiced in its own subsidiary and currency.

Finance onboards the acquired company in the ERP as a new legal entity (its country, its
currency): a subsidiary under the firm's parent on NetSuite, a company of its own on
Business Central (the ERP seam, ``sc.erp``, says how); HR brings its office and organization into the HCM
and moves two consultants into it (a Job Change each: new supervisory organization,
location, cost rate in the new currency). Then the sales rep wins a time-and-materials
deal with a client in the acquired company's country, a client the CRM has never had:
the stack must put the customer, the project and the invoice in the new legal entity, in
its currency, not in the entity it knew before the acquisition.
"""

from __future__ import annotations

from typing import Any

from ._actors import HrPartner, SalesRep
from ._errors import JourneyFailure
from ._journeys import (
    FIXED,
    TM,
    Scene,
    bill_time,
    log_and_approve,
    open_project,
    pay_and_flow_back,
    raise_step,
    wait_invoices,
    wait_time_invoiced,
)

#: companies the firm may acquire: (country, currency, legal form, office); each play of
#: the journey acquires the first whose country no subsidiary serves yet
TARGETS = (
    ("DE", "EUR", "GmbH", "Berlin"),
    ("FR", "EUR", "SAS", "Paris"),
    ("NL", "EUR", "B.V.", "Amsterdam"),
    ("ES", "EUR", "S.L.", "Madrid"),
    ("IT", "EUR", "S.r.l.", "Milan"),
    ("AT", "EUR", "GmbH", "Vienna"),
    ("IE", "EUR", "Limited", "Dublin"),
    ("BE", "EUR", "SRL", "Brussels"),
)


def _entity(country: str, currency: str, form: str, office: str) -> dict[str, str]:
    return {
        "name": f"Meridian Hale Consulting {form} ({country})",
        "country": country,
        "currency": currency,
        "office": office,
        "location": f"LOC-{office.upper()}",
        "org": f"SO-MHC-{country}",
    }


# -- the journey ---------------------------------------------------------------------


def play_acquisition(sc: Scene) -> None:
    # business as usual first: a new client of the firm as it was, so the stack has
    # looked up the legal entities before the acquisition
    with sc.steps.step("sales rep opens a new client of the firm as it was", "crm"):
        before = SalesRep(sc.systems, sc.rng).new_account(f"Harbor Logistics ({sc.key})", "US")
    open_project(sc, FIXED, 9120.45, before)
    served = sc.erp.served_countries()
    fresh = [t for t in TARGETS if t[0] not in served]
    if not fresh:
        raise_step(sc, "a country no subsidiary serves yet", f"subsidiaries in {sorted(served)}")
    entity = _entity(*fresh[0])
    with sc.steps.step(f"finance onboards {entity['name']} as a legal entity in the ERP", "erp"):
        # NetSuite: a subsidiary under the firm's parent; Business Central: a new company
        acquired = {**entity, **sc.erp.onboard_entity(entity)}
    with sc.steps.step(
        f"HR brings the {entity['office']} office and organization into the HCM", "hcm"
    ):
        hcm = sc.systems.admin["hcm"]
        office = {
            "name": entity["office"],
            "code": entity["location"],
            "country": entity["country"],
        }
        org = {"name": entity["name"], "code": entity["org"]}
        for kind, rec in (("locations", office), ("supervisoryOrganizations", org)):
            hcm.wire.call(
                "POST",
                f"/tenants/{hcm.tenant}/records/{kind}",
                json={"records": [rec]},
                expect=(201,),
            )
    moved: list[str] = []
    with sc.steps.step("HR moves 2 consultants into the acquired company", "hcm"):
        hr = HrPartner(sc.systems)
        for c in _candidates(sc):
            try:
                hr.change(
                    c.hcm_id,
                    {
                        "supervisoryOrganization": entity["org"],
                        "location": entity["location"],
                        "currency": entity["currency"],
                        "costRate": round(c.cost_rate_minor / 100 * 0.92, 2),
                        "reason": "Acquisition",
                    },
                )
            except JourneyFailure as exc:  # left the firm earlier in this run
                if "terminated" not in str(exc):
                    raise
                continue
            moved.append(c.hcm_id)
            if len(moved) == 2:
                break
        if len(moved) < 2:
            raise AssertionError(f"only {len(moved)} active consultants could be moved")
    with sc.steps.step("sales rep opens the acquired company's first client in the CRM", "crm"):
        account = SalesRep(sc.systems, sc.rng).new_account(
            f"Rheinwerk Industrie {entity['country']} ({sc.key})", entity["country"]
        )
    open_project(sc, TM, 28716.35, account)
    sc.ids["acquired"] = acquired
    sc.ids["moved"] = moved
    log_and_approve(sc, 2)
    bill_time(sc)
    wait_invoices(sc, 1)
    wait_time_invoiced(sc)
    pay_and_flow_back(sc)


def _hcm_type(collection: str) -> str:
    return {"locations": "Location", "supervisoryOrganizations": "SupervisoryOrganization"}[
        collection
    ]


def _candidates(sc: Scene) -> list[Any]:
    """The firm's employees, newest hires first (the HCM says who is still active)."""
    if sc.canon is None:
        return []
    people = [
        c for c in sc.canon.firm.consultants if str(c.worker_type.value).lower() == "employee"
    ]
    return sorted(people, key=lambda c: c.hcm_id, reverse=True)


def booked_in_acquired_entity(f: Any) -> str | None:
    """Customer, job and every invoice of the acquired company's deal sit in its new
    subsidiary and currency; the PSA workspace is priced in that currency."""
    want = f.ids.get("acquired") or {}
    sub, cur = str(want.get("subsidiary")), str(want.get("currency_id"))
    for kind, records in f.erp.entity_books(f.ids).items():
        if not records:
            return f"the ERP has no {kind} for the acquired company's deal"
        for r in records:
            got_sub = _ref(r.get("subsidiary"))
            got_cur = _ref(r.get("currency"))
            if got_sub != sub or got_cur != cur:
                name = r.get("tranId") or r.get("entityId") or r.get("id")
                return (
                    f"ERP {kind} {name} is in subsidiary {got_sub} / currency {got_cur}; "
                    f"{want.get('name')} is subsidiary {sub} / currency {cur}"
                )
    ws = f.workspaces[0] if f.workspaces else {}
    code = str(want.get("currency"))
    if str(ws.get("currency") or "") != code:
        return f"PSA workspace {f.ws} is priced in {ws.get('currency')!r}, not {code}"
    return None


def _ref(value: Any) -> str:
    return str(value.get("id") if isinstance(value, dict) else value)
