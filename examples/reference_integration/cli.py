"""``python -m reference_integration serve|replay|dead-letters``."""

from __future__ import annotations

import argparse
import json
import sys

from .errors import IntegrationError
from .settings import CRM_INTAKES

DESCRIPTION = """\
The reference integration: runs the opportunity-to-invoice journey between a CRM
(Salesforce), an ERP (NetSuite, or Dynamics 365 Business Central), a PSA (Kantata OX)
and an HCM (Workday) over their public APIs only.

Point it at the simulators with the endpoints file `harness up --endpoints-file ep.json`
writes. Point it at real systems with the same JSON shape, or environment variables:
  RI_CRM_TOKEN_URL  https://<MyDomain>.my.salesforce.com/services/oauth2/token
  RI_CRM_CLIENT_ID / RI_CRM_CLIENT_SECRET   connected app (client-credentials flow)
  RI_ERP_REST_URL   https://<account>.suitetalk.api.netsuite.com/services/rest
  RI_ERP_ACCOUNT, RI_ERP_CONSUMER_KEY, RI_ERP_CONSUMER_SECRET, RI_ERP_TOKEN_ID,
  RI_ERP_TOKEN_SECRET                       token-based authentication (HMAC-SHA256)
  or Business Central: RI_ERP_VENDOR=businesscentral,
  RI_ERP_TOKEN_URL  https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token
  RI_ERP_CLIENT_ID / RI_ERP_CLIENT_SECRET   Entra app (client credentials)
  RI_ERP_API_URL    https://api.businesscentral.dynamics.com/v2.0/<tenant>/<env>/api/v2.0
  RI_ERP_COMPANY_ID company GUID; RI_ERP_COMPANIES {"GB": {"id", "currency"}, ...} (JSON)
  RI_PSA_API_BASE   https://api.mavenlink.com/api/v1   RI_PSA_TOKEN  bearer token
  RI_HCM_TOKEN_URL  https://<host>/ccx/oauth2/<tenant>/token
  RI_HCM_CLIENT_ID, RI_HCM_CLIENT_SECRET, RI_HCM_REFRESH_TOKEN   API client
  RI_HCM_COMMON_BASE_URL https://<host>/ccx/api/common/v1/<tenant>
  RI_HCM_REPORT_URL      RaaS staffing report URL (?format=json)
  RI_CA_BUNDLE, RI_DB, RI_MODE (webhook|poll), RI_PUBLIC_URL (how vendors reach you)
  RI_CRM_INTAKE (webhook|cometd|poll), RI_CRM_API_VERSION (e.g. 60.0)
Real vendors push no webhooks to a URL by themselves: use --mode poll, or relay their
events (CDC, SuiteScript afterSubmit, Workday outbound subscription) to /webhooks/<system>.
Business Central is the exception: in webhook mode the integration subscribes to each
company's salesInvoices itself (RI_PUBLIC_URL must reach /webhooks/erp).
Salesforce needs no relay with --crm-intake cometd: the integration subscribes to
/data/OpportunityChangeEvent at <instance_url>/cometd/<api_version> itself (enable Change
Data Capture for Opportunity in Setup; the run-as user needs View All Data or View
All on Opportunity).
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reference_integration",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the service (webhooks, worker, billing runs)")
    s.add_argument("--endpoints", help="endpoints file (default: $RI_ENDPOINTS)")
    s.add_argument("--host", default=None, help="listen address (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=None, help="listen port; 0 picks a free one")
    s.add_argument("--db", default=None, help="SQLite file for inbox, outbox and links")
    s.add_argument(
        "--mode",
        choices=("webhook", "poll"),
        default=None,
        help="webhook: register /webhooks/<system> with each system (simulators' admin_url);"
        " poll: vendor change queries (default webhook, or $RI_MODE)",
    )
    s.add_argument(
        "--crm-intake",
        choices=CRM_INTAKES,
        default=None,
        help="how CRM changes come in (default: as --mode, or $RI_CRM_INTAKE). webhook: CDC"
        " relayed to /webhooks/crm; cometd: the integration subscribes to"
        " /data/OpportunityChangeEvent over the Streaming API (CometD long-polling, OAuth"
        " client-credentials token, replayId stored in --db and resumed after a restart);"
        " poll: SOQL on Opportunity.SystemModstamp",
    )
    s.add_argument(
        "--billing-every", type=float, default=None, help="seconds between scheduled billing runs"
    )
    r = sub.add_parser("replay", help="put dead letters back in the queue")
    r.add_argument("--db", default=None, help="the service's SQLite file")
    r.add_argument("--id", type=int, default=None, help="one dead letter (default: all)")
    d = sub.add_parser("dead-letters", help="list dead letters as JSON")
    d.add_argument("--db", default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from .logs import configure
            from .server import serve
            from .settings import load_settings

            settings = load_settings(
                args.endpoints,
                host=args.host,
                port=args.port,
                db_path=args.db,
                mode=args.mode,
                crm_intake=args.crm_intake,
                billing_every_seconds=args.billing_every,
            )
            configure(settings.log_level)
            serve(settings)
            return 0
        import os

        from .store import Store

        db = args.db or os.environ.get("RI_DB", "reference_integration.sqlite3")
        if not os.path.exists(db):
            raise IntegrationError(f"no database at {db}", hint="pass --db with the service's file")
        store = Store(db)
        if args.command == "replay":
            ids = store.replay(args.id)
            if args.id is not None and not ids:
                raise IntegrationError(f"no dead letter {args.id}")
            print(json.dumps({"replayed": ids}))
            print("a running service picks them up within a second", file=sys.stderr)
        else:
            print(json.dumps([t.to_dict() for t in store.dead_letters()], indent=2))
        return 0
    except IntegrationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
