"""What a new Salesforce org starts with: its id space, org id, user, price book and Organization."""

from __future__ import annotations

import zlib

from simulators.engine import Tenant, TenantRegistry, index_name

from . import _ids
from ._records import RecordService
from ._state import state_of
from ._wire import sf_datetime

#: the start's lookups, by a scan of their type's few rows: (field, type)
_LOOKUPS = (("Username", "User"), ("IsStandard", "Pricebook2"))


def seed_tenant(
    tenant: Tenant, records: RecordService, tenants: TenantRegistry, username: str
) -> None:
    """Ids kept in store meta (so they survive a reset) and the org's standing records, once."""
    store = tenant.store
    # tenant files of earlier versions kept a partial index for each of the two lookups
    # below, which every insert of every type paid for
    for field_name, type_ in _LOOKUPS:
        store.conn.execute(f"DROP INDEX IF EXISTS {index_name(field_name, type_)}")
    space = store.meta_get(_ids.ID_SPACE_KEY)
    if space is None:
        taken = {
            int(space)
            for other in tenants.all()
            if other is not tenant and (space := state_of(other).id_space) is not None
        }
        space = _ids.id_space(tenant.name, taken)
        store.meta_set(_ids.ID_SPACE_KEY, space)
    state = state_of(tenant)
    state.id_space = int(space)
    org = store.meta_get("sf.org_id")
    if org is None:
        org = (
            _ids.make_id("00D", zlib.crc32(tenant.name.encode()) % 10_000_000)
            if space == 0
            else _ids.make_id("00D", 1, int(space))  # unique like every other id
        )
        store.meta_set("sf.org_id", org)
    state.org_id = org
    # looked up by a scan of the type's few rows, not through a partial index made for it:
    # every index on the records table costs every insert of every type (about 1.2k
    # instructions each, for its cursor), and these two lookups run once per tenant start
    users = store.find("User", {"Username": username}, limit=1)
    if users:
        state.user_id = str(users[0]["Id"])
    else:
        uid = _ids.new_id(tenant, "005")
        state.user_id = uid
        stamp = sf_datetime(tenant.clock.time())
        user = records.blank(records.object("User"))
        user.update(
            {
                "Id": uid,
                "IsDeleted": False,
                "Username": username,
                "LastName": "User",
                "FirstName": "Integration",
                "Name": "Integration User",
                "Email": username,
                "Alias": "integ",
                "IsActive": True,
                "TimeZoneSidKey": "America/Los_Angeles",
                "LocaleSidKey": "en_US",
                "EmailEncodingKey": "UTF-8",
                "LanguageLocaleKey": "en_US",
                "ProfileId": "00eRO0000000001AAA",
            }
            | _audit(stamp, uid)
        )
        store.insert("User", uid, user, stamp, emit=False)
    pbs = store.find("Pricebook2", {"IsStandard": True}, limit=1)
    if pbs:
        state.standard_pricebook = str(pbs[0]["Id"])
    else:
        pid = _ids.new_id(tenant, "01s")
        stamp = sf_datetime(tenant.clock.time())
        uid = state.user_id
        store.insert(
            "Pricebook2",
            pid,
            records.blank(records.object("Pricebook2"))
            | {
                "Id": pid,
                "IsDeleted": False,
                "Name": "Standard Price Book",
                "IsActive": True,
                "IsStandard": True,
                "Description": None,
            }
            | _audit(stamp, uid),
            stamp,
            emit=False,
        )
        state.standard_pricebook = pid
    if store.get("Organization", org) is None:
        stamp = sf_datetime(tenant.clock.time())
        uid = state.user_id
        store.insert(
            "Organization",
            org,
            records.blank(records.object("Organization"))
            | {
                "Id": org,
                "IsDeleted": False,
                "Name": f"ps-integration-harness {tenant.name}",
                "OrganizationType": "Developer Edition",
                "InstanceName": "SIM1",
                "IsSandbox": True,
                "DefaultLocaleSidKey": "en_US",
                "LanguageLocaleKey": "en_US",
                "TimeZoneSidKey": "America/Los_Angeles",
                "DefaultCurrencyIsoCode": "USD",
            }
            | _audit(stamp, uid),
            stamp,
            emit=False,
        )


def _audit(stamp: str, uid: str) -> dict[str, str]:
    """The audit fields of a record the integration user made at ``stamp``."""
    return {
        "CreatedDate": stamp,
        "CreatedById": uid,
        "LastModifiedDate": stamp,
        "LastModifiedById": uid,
        "SystemModstamp": stamp,
    }
