"""``python inherited_subsidiary_main.py serve ...``: the reference integration as a stack
written before NetSuite 2027.1, whose jobs leave the subsidiary to be inherited from the
customer (valid up to 2026.2, refused on create by 2027.1)."""

import sys
from typing import Any

from reference_integration.cli import main
from reference_integration.flows import closed_won

orig = closed_won.legal_entity


async def legal_entity(svc: Any, customer: Any) -> Any:
    out = await orig(svc, customer)
    out["erp"].pop("subsidiary", None)
    return out


closed_won.legal_entity = legal_entity
sys.exit(main(sys.argv[1:]))
