"""Change events and notifications each vendor (or the firm's wiring of it) sends.

``x-channels`` maps an event channel (a regular expression) to the schema of its payload.
"""

from __future__ import annotations

from typing import Any

from ._schema import DIALECT, prop, schema_id

_SF_WSDL = (
    "salesforce/thimotyb-salesforce-springboot-demo-enterprise-wsdl-v51.0-excerpt-"
    "Account-Contact-Opportunity-OpportunityLineItem.wsdl"
)
SOURCES = {
    "salesforce": f"ChangeEventHeader from the enterprise WSDL {_SF_WSDL}; event envelope "
    "written from the Change Data Capture Developer Guide "
    "(https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm)",
    "netsuite": "written from the SuiteScript 2.x User Event afterSubmit context "
    "(https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_4387799721.html): "
    "the notification a firm's deployed script posts",
    "kantata": "attribute names from the gem specification kantata/mavenlink_gem-specification.yml "
    "(subscribed_events); types written from https://developer.kantata.com/kantata/specification#tag/Subscribed-Events",
    "businesscentral": "written from the webhook notification of the API v2.0 subscriptions "
    "resource (https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/dynamics-subscriptions)",
    "coupa": "none: the Core API resources covered send no events (integrations poll with "
    "exported=false)",
    "workday": "written from Workday's business process event fields as a customer's outbound "
    "subscription delivers them in JSON (the SOAP Receive_Notification form is XML and has no JSON Schema)",
}


def events(vendor: str, release: str) -> dict[str, Any]:
    s = prop("string")
    defs: dict[str, Any]
    channels: dict[str, str]
    if vendor == "salesforce":
        payload = {
            "type": "object",
            "properties": {"ChangeEventHeader": {"$ref": "common.json#/$defs/changeEventHeader"}},
            "required": ["ChangeEventHeader"],
        }
        defs = {
            "changeEvent": {  # the Streaming API (CometD) message carrying one change event
                "type": "object",
                "properties": {
                    "channel": s,
                    "data": {
                        "type": "object",
                        "properties": {
                            "schema": s,
                            "payload": payload,
                            "event": {
                                "type": "object",
                                "properties": {"replayId": prop("integer")},
                                "required": ["replayId"],
                            },
                        },
                        "required": ["payload", "event"],
                    },
                },
                "required": ["channel", "data"],
            }
        }
        channels = {"^/data/.*ChangeEvents?$": "#/$defs/changeEvent"}
    elif vendor == "netsuite":
        defs = {
            "afterSubmit": {
                "type": "object",
                "properties": {
                    "recordType": s,
                    "id": s,
                    "operation": prop("string", enum=["create", "edit", "xedit", "delete"]),
                    "lastModifiedDate": prop("string", fmt="date-time"),
                    "accountId": s,
                },
                "required": ["recordType", "id", "operation"],
            }
        }
        channels = {"^netsuite/afterSubmit$": "#/$defs/afterSubmit"}
    elif vendor == "kantata":
        defs = {
            "subscribedEvent": {
                "type": "object",
                "properties": {
                    "id": s,
                    "event_type": prop("string"),
                    "account_id": prop(["integer", "string"]),
                    "user_id": prop(["integer", "string", "null"]),
                    "subject_id": prop(["integer", "string"]),
                    "subject_type": s,
                    "subject_changed_at": prop("string", fmt="date-time"),
                    "previous_payload": {"type": ["object", "null"]},
                    "current_payload": {"type": ["object", "null"]},
                    "payload": {"type": ["object", "null"]},
                    "payload_changes": {"type": ["object", "null"]},
                    "change_summary": prop(["string", "null"]),
                    "change_details": {"type": ["object", "array", "null"]},
                    "updated_at": prop(["string", "null"]),
                    "created_at": prop(["string", "null"]),
                    "subject_ref": {"type": ["object", "null"]},
                },
                "required": ["id", "event_type", "subject_id", "subject_type"],
                "additionalProperties": False,
            }
        }
        channels = {"^subscribed_events$": "#/$defs/subscribedEvent"}
    elif vendor == "coupa":
        defs, channels = {}, {}
    elif vendor == "businesscentral":
        item = {
            "type": "object",
            "properties": {
                "subscriptionId": s,
                "clientState": prop(["string", "null"]),
                "expirationDateTime": prop("string", fmt="date-time"),
                "resource": s,
                "changeType": prop("string", enum=["created", "updated", "deleted", "collection"]),
                "lastModifiedDateTime": prop("string", fmt="date-time"),
            },
            "required": ["subscriptionId", "resource", "changeType"],
        }
        defs = {
            "notification": {
                "type": "object",
                "properties": {"value": {"type": "array", "items": item}},
                "required": ["value"],
            }
        }
        channels = {".*": "#/$defs/notification"}
    else:
        ref = {
            "type": "object",
            "properties": {"id": s, "descriptor": s, "href": s},
            "required": ["id"],
        }
        defs = {
            "notification": {
                "type": "object",
                "properties": {
                    "notificationType": s,
                    "tenant": s,
                    "businessProcessType": s,
                    "event": ref,
                    "worker": ref,
                    "employeeId": prop(["string", "null"]),
                    "effectiveDate": prop("string", fmt="date"),
                    "completedOn": prop("string", fmt="date-time"),
                    "status": s,
                    "reason": ref,
                    "changedFields": {"type": "array", "items": s},
                },
                "required": ["businessProcessType", "event", "worker", "effectiveDate"],
            }
        }
        channels = {".*": "#/$defs/notification"}
    return {
        "$schema": DIALECT,
        "$id": schema_id(vendor, release, "events.json"),
        "title": f"{vendor} change events and notifications",
        "x-channels": channels,
        "$defs": defs,
    }
