"""Salesforce's push channels on top of the engine's change events.

The Streaming API (CometD at /cometd/{version}: CDC, platform events, replay) and
Outbound Messages (SOAP notifications) deliver the same events the engine retains;
nothing here keeps a second source of truth.
"""

from ._bayeux import BayeuxEndpoint
from ._config import Condition, OutboundMessageConfig, StreamingSettings
from ._outbound import OutboundMessages
from ._streaming import Streaming

__all__ = [
    "BayeuxEndpoint",
    "Condition",
    "OutboundMessageConfig",
    "OutboundMessages",
    "Streaming",
    "StreamingSettings",
]
