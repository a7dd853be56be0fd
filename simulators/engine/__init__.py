"""The shared simulator engine: everything a SaaS simulator needs, written once.

A vendor is a ``Dialect`` on top of it. Public surface below; modules are private.
"""

from ._app import Simulator, SimulatorSettings
from ._auth import Token, TokenStore
from ._cli import serve_cli
from ._clock import Clock
from ._contracts import RequestContracts
from ._delivery import DeadLetter, DeliveryRecord, RetryPolicy, Subscription
from ._dialect import Dialect
from ._errors import ConfigError, ErrorDetail, HttpError, NotFoundError, SimulatorError
from ._events import DeliveryFaults, Event, EventBus, check_webhook_url
from ._faults import Fault, FaultRule, FaultRules
from ._guard import AdminGuard, exposure_warning, warn_if_exposed
from ._http import OPTIONAL_SLASH, Request, Response, Route, Router, make_response
from ._journal import Journal, JournalEntry, JournalFilter
from ._limiters import BucketLimiter
from ._parse import admin_json, parse_iso_datetime
from ._ratelimit import ConcurrencyLimit, RollingQuota, TokenBucket
from ._readers import QueryBudget, QueryTimeout, run_read
from ._server import ServerOptions, SimulatorServer, advertised_host, bind_socket, quiet_uvicorn
from ._services import Dispatch, EngineServices, Limiter, Publish
from ._settings_map import settings_from_mapping
from ._stamps import UtcStamps
from ._store import Change, RecordStore, index_name, json_path, type_literal
from ._tenants import DEFAULT_TENANT, Tenant, TenantRegistry
from ._tls import LOOPBACK_NAMES, WILDCARD_HOSTS, TlsFiles, make_tls_files

__all__ = [
    "DEFAULT_TENANT",
    "LOOPBACK_NAMES",
    "OPTIONAL_SLASH",
    "WILDCARD_HOSTS",
    "AdminGuard",
    "BucketLimiter",
    "Change",
    "Clock",
    "ConcurrencyLimit",
    "ConfigError",
    "DeadLetter",
    "DeliveryFaults",
    "DeliveryRecord",
    "Dialect",
    "Dispatch",
    "EngineServices",
    "ErrorDetail",
    "Event",
    "EventBus",
    "Fault",
    "FaultRule",
    "FaultRules",
    "HttpError",
    "Journal",
    "JournalEntry",
    "JournalFilter",
    "Limiter",
    "NotFoundError",
    "Publish",
    "QueryBudget",
    "QueryTimeout",
    "RecordStore",
    "Request",
    "RequestContracts",
    "Response",
    "RetryPolicy",
    "RollingQuota",
    "Route",
    "Router",
    "ServerOptions",
    "Simulator",
    "SimulatorError",
    "SimulatorServer",
    "SimulatorSettings",
    "Subscription",
    "Tenant",
    "TenantRegistry",
    "TlsFiles",
    "Token",
    "TokenBucket",
    "TokenStore",
    "UtcStamps",
    "admin_json",
    "advertised_host",
    "bind_socket",
    "check_webhook_url",
    "exposure_warning",
    "index_name",
    "json_path",
    "make_response",
    "make_tls_files",
    "parse_iso_datetime",
    "quiet_uvicorn",
    "run_read",
    "serve_cli",
    "settings_from_mapping",
    "type_literal",
    "warn_if_exposed",
]
