"""Streaming channels: which exist, which events each carries, and the message sent.

CDC channels are ``/data/ChangeEvents`` (every enabled object), ``/data/{Object}ChangeEvent``
and ``/data/{Name}__ChangeEvent`` for custom objects; platform events are ``/event/{Name}__e``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from simulators.engine import Event

if TYPE_CHECKING:
    from .._schema import Schema

ALL_CHANGES = "/data/ChangeEvents"
CDC_MIN_VERSION = 44
PLATFORM_EVENT_MIN_VERSION = 41


class ChannelError(Exception):
    """A subscription to a channel Salesforce would refuse; ``str`` is the Bayeux error."""


def check_channel(schema: Schema, cdc_objects: list[str] | None, channel: Any, version: int) -> str:
    """The channel name when it exists for this org and API version, else ChannelError."""
    if not isinstance(channel, str) or not channel:
        raise ChannelError("400::Channel name not specified")
    if not channel.startswith("/"):
        raise ChannelError("400::Channel subscriptions must start with a leading '/'")
    if _exists(schema, cdc_objects, channel, version):
        return channel
    raise ChannelError(
        f"400::The channel you requested to subscribe to does not exist {{{channel}}}"
    )


def _exists(schema: Schema, cdc_objects: list[str] | None, channel: str, version: int) -> bool:
    if channel.startswith("/data/"):
        if version < CDC_MIN_VERSION:
            return False
        if channel == ALL_CHANGES:
            return True
        name = channel[len("/data/") :]
        if name.endswith("__ChangeEvent"):
            obj_name = name[: -len("ChangeEvent")] + "c"
        elif name.endswith("ChangeEvent"):
            obj_name = name[: -len("ChangeEvent")]
        else:
            return False
        obj = schema.get(obj_name)
        if obj is None or obj.is_platform_event or obj.name != obj_name:
            return False
        enabled = cdc_objects
        return enabled is None or obj.name.lower() in {o.lower() for o in enabled}
    if channel.startswith("/event/"):
        if version < PLATFORM_EVENT_MIN_VERSION:
            return False
        obj = schema.get(channel[len("/event/") :])
        return obj is not None and obj.is_platform_event and f"/event/{obj.name}" == channel
    return False


def carries(subscription: str, ev: Event) -> bool:
    """Whether ``ev`` is delivered to a subscriber of ``subscription``."""
    if subscription == ev.channel:
        return True
    return subscription == ALL_CHANGES and ev.channel.startswith("/data/")


def message(ev: Event, subscription: str, replay_id: int | None) -> dict[str, Any]:
    """The Bayeux data message for ``ev`` on the subscribed channel, with its replay id there."""
    rid = ev.seq if replay_id is None else replay_id
    data = ev.payload.get("data")
    if not isinstance(data, dict):
        return {
            "data": {"payload": ev.payload, "event": {"replayId": rid}},
            "channel": subscription,
        }
    return {"data": {**data, "event": {"replayId": rid}}, "channel": subscription}


def gap_message(msg: dict[str, Any]) -> dict[str, Any] | None:
    """The GAP event standing in for a change event a client had no room for.

    Gap events keep the header (entity, record ids, commit facts) with ``GAP_`` before the
    change type and carry no field values; None for messages that are not change events.
    """
    payload = msg.get("data", {}).get("payload")
    if not isinstance(payload, dict) or "ChangeEventHeader" not in payload:
        return None
    header = copy.deepcopy(payload["ChangeEventHeader"])
    kind = str(header.get("changeType", "UPDATE"))
    if not kind.startswith("GAP_"):
        header["changeType"] = f"GAP_{kind}"
    header["changedFields"] = []
    header["diffFields"] = []
    header["nulledFields"] = []
    data = dict(msg["data"])
    data["payload"] = {"ChangeEventHeader": header}
    return {"data": data, "channel": msg["channel"]}
