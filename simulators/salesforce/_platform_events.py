"""Publishing platform events (``POST /sobjects/{Name}__e``, the admin publish): validate the
fields, publish through the engine, number the replay id on the event's own channel."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from simulators.engine import Publish, Request, Response, Tenant

from . import _ids
from ._errors import invalid_field, json_parser_error
from ._records import RecordService
from ._render import save_result
from ._schema import ObjectDef
from ._wire import json_response, sf_datetime
from .streaming._replay_ids import ChannelReplayIds


class PlatformEvents:
    def __init__(
        self,
        records: RecordService,
        publish: Publish,
        replay_ids: Callable[[Tenant], ChannelReplayIds],
    ) -> None:
        self.records = records
        self.schema = records.schema
        self.publish_event = publish
        #: the tenant's replay ids per channel (the CometD endpoint numbers them)
        self.replay_ids = replay_ids

    def publish(self, req: Request, obj: ObjectDef) -> Response:
        """POST /sobjects/{Name}__e: validate fields, publish, answer the SaveResult."""
        assert req.tenant is not None
        t = req.tenant
        body = req.json()
        if not isinstance(body, dict):
            raise json_parser_error(
                f"Cannot deserialize instance of {obj.name} from non-object value",
            )
        values: dict[str, Any] = {}
        for k, v in body.items():
            f = obj.field(k)
            if f is None:
                raise invalid_field(f"No such column '{k}' on sobject of type {obj.name}")
            values[f.name] = self.records.coerce(t, obj, f, v)
        uid = _ids.new_id(t, obj.key_prefix)
        payload = {
            "CreatedDate": sf_datetime(t.clock.time()),
            "CreatedById": self.records.user_id(t),
            **values,
        }

        replay_ids = self.replay_ids(t)

        def make(seq: int) -> dict[str, Any]:
            channel = f"/event/{obj.name}"
            return {
                "channel": channel,
                "data": {
                    "schema": secrets.token_urlsafe(16),
                    "payload": payload,
                    "event": {"replayId": replay_ids.assign(channel, seq)},
                },
            }

        self.publish_event(t, obj.name, uid, "publish", f"/event/{obj.name}", make)
        return json_response(save_result(uid), 201)
