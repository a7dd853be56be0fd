"""Salesforce's error codes, each named once.

Salesforce answers an error with ``[{"message", "errorCode", "fields"}]`` (REST) or
``{"errorCode", "message"}`` in the Bulk API 2.0 shape; ``_wire.error_response`` renders
both. Bulk API 1.0 answers ``{"exceptionCode", "exceptionMessage"}`` with camel-case codes
of its own: those are ``BulkError`` (``bulk1.bulk_error_response`` renders them). A handler raises one of these instead of spelling a code and status inline, so a
search for a code lands here. The status is the one Salesforce sends with that code.
"""

from __future__ import annotations

from typing import Unpack

from simulators.engine import ErrorDetail, HttpError


class BulkError(HttpError):
    """A Bulk API 1.0 failure, answered as ``{"exceptionCode", "exceptionMessage"}`` with its
    own camel-case code (the other errors are mapped to one in ``bulk1``)."""


def all_or_none_operation_rolled_back(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A collection item undone because another item of an allOrNone call failed."""
    return HttpError(400, "ALL_OR_NONE_OPERATION_ROLLED_BACK", message, **detail)


def api_error(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 query job request Salesforce refuses as a whole."""
    return HttpError(400, "API_ERROR", message, **detail)


def ambiguous_external_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """An upsert whose external id matches more than one record (300 Multiple Choices)."""
    return HttpError(300, "DUPLICATE_EXTERNAL_ID", message, **detail)


def batch_processing_halted(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A composite batch subrequest skipped after an earlier one failed (haltOnError)."""
    return HttpError(412, "BATCH_PROCESSING_HALTED", message, **detail)


def bulk_client_input_error(message: str, **detail: Unpack[ErrorDetail]) -> BulkError:
    """A Bulk API 1.0 request body that cannot be parsed."""
    return BulkError(400, "ClientInputError", message, **detail)


def bulk_exceeded_quota(message: str, **detail: Unpack[ErrorDetail]) -> BulkError:
    """A Bulk API 1.0 batch with more records than one batch takes."""
    return BulkError(400, "ExceededQuota", message, **detail)


def bulk_invalid_batch(message: str, **detail: Unpack[ErrorDetail]) -> BulkError:
    """A Bulk API 1.0 batch that is unknown, failed or cannot run."""
    return BulkError(400, "InvalidBatch", message, **detail)


def bulk_invalid_job(message: str, **detail: Unpack[ErrorDetail]) -> BulkError:
    """A Bulk API 1.0 job that is unknown or that Salesforce refuses to create."""
    return BulkError(400, "InvalidJob", message, **detail)


def bulk_invalid_job_state(message: str, **detail: Unpack[ErrorDetail]) -> BulkError:
    """A Bulk API 1.0 state change or batch the job's state does not allow."""
    return BulkError(400, "InvalidJobState", message, **detail)


def cannot_insert_update_activate_entity(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A trigger or validation refused the write."""
    return HttpError(400, "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", message, **detail)


def duplicate_external_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A bulk row whose lookup by external id matches more than one record."""
    return HttpError(400, "DUPLICATE_EXTERNAL_ID", message, **detail)


def duplicate_value(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A value already taken in a unique field."""
    return HttpError(400, "DUPLICATE_VALUE", message, **detail)


def entity_is_deleted(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """The record is in the recycle bin."""
    return HttpError(404, "ENTITY_IS_DELETED", message, **detail)


def exceeded_id_limit(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """More ids or records than one collections call accepts."""
    return HttpError(400, "EXCEEDED_ID_LIMIT", message, **detail)


def field_integrity_exception(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A value the field's type or reference cannot hold."""
    return HttpError(400, "FIELD_INTEGRITY_EXCEPTION", message, **detail)


def insufficient_access_or_readonly(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A write to a record or field the user may not change."""
    return HttpError(400, "INSUFFICIENT_ACCESS_OR_READONLY", message, **detail)


def invalid_argument(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 ingest request with a bad argument."""
    return HttpError(400, "INVALIDARGUMENT", message, **detail)


def invalid_batch(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 upload whose CSV cannot be taken."""
    return HttpError(400, "INVALIDBATCH", message, **detail)


def invalid_cross_reference_key(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A reference to a record that does not exist or has the wrong type."""
    return HttpError(400, "INVALID_CROSS_REFERENCE_KEY", message, **detail)


def invalid_date_format(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A date or datetime Salesforce cannot parse."""
    return HttpError(400, "INVALID_DATE_FORMAT", message, **detail)


def invalid_entity(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 job on an object that does not exist or cannot be loaded."""
    return HttpError(400, "INVALIDENTITY", message, **detail)


def invalid_field(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A field the object does not have, or that the operation cannot use."""
    return HttpError(400, "INVALID_FIELD", message, **detail)


def invalid_field_for_insert_update(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A write to a field that is not createable or updateable."""
    return HttpError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", message, **detail)


def invalid_input(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A request body whose shape the resource does not take."""
    return HttpError(400, "INVALID_INPUT", message, **detail)


def invalid_job(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 job request Salesforce refuses."""
    return HttpError(400, "INVALIDJOB", message, **detail)


def invalid_job_state(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A Bulk API 2.0 state change the job's state does not allow."""
    return HttpError(400, "INVALIDJOBSTATE", message, **detail)


def invalid_or_null_for_restricted_picklist(
    message: str, **detail: Unpack[ErrorDetail]
) -> HttpError:
    """A value outside a restricted picklist."""
    return HttpError(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message, **detail)


def invalid_query_locator(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A query locator that is unknown or used up."""
    return HttpError(400, "INVALID_QUERY_LOCATOR", message, **detail)


def invalid_reference(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A composite reference (``@{ref.id}``) that names no earlier result."""
    return HttpError(400, "INVALID_REFERENCE", message, **detail)


def invalid_replication_date(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A getUpdated/getDeleted window outside what the org keeps."""
    return HttpError(400, "INVALID_REPLICATION_DATE", message, **detail)


def invalid_session_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A missing, expired or revoked session."""
    return HttpError(401, "INVALID_SESSION_ID", message, **detail)


def invalid_type(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """An sObject type the org does not have."""
    return HttpError(400, "INVALID_TYPE", message, **detail)


def json_parser_error(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A request body that is not the JSON the resource expects."""
    return HttpError(400, "JSON_PARSER_ERROR", message, **detail)


def limit_exceeded(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """More subrequests or records than the call allows."""
    return HttpError(400, "LIMIT_EXCEEDED", message, **detail)


def malformed_id(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """An id that is not a valid 15- or 18-character Salesforce id."""
    return HttpError(400, "MALFORMED_ID", message, **detail)


def malformed_query(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A SOQL query that does not parse or cannot run."""
    return HttpError(400, "MALFORMED_QUERY", message, **detail)


def malformed_search(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A SOSL search that does not parse."""
    return HttpError(400, "MALFORMED_SEARCH", message, **detail)


def method_not_allowed(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A path served, but not with this method."""
    return HttpError(405, "METHOD_NOT_ALLOWED", message, **detail)


def missing_argument(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A request without a parameter the resource needs."""
    return HttpError(400, "MISSING_ARGUMENT", message, **detail)


def not_found(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """No record, resource or job with that id or name."""
    return HttpError(404, "NOT_FOUND", message, **detail)


def processing_halted(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A composite subrequest not run (or undone) because another failed under allOrNone."""
    return HttpError(400, "PROCESSING_HALTED", message, **detail)


def query_timeout(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A query that ran past its time budget."""
    return HttpError(400, "QUERY_TIMEOUT", message, **detail)


def request_entity_too_large(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A body over the size Salesforce accepts."""
    return HttpError(413, "REQUEST_ENTITY_TOO_LARGE", message, **detail)


def request_limit_exceeded(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """The org's daily API request limit is used up."""
    return HttpError(403, "REQUEST_LIMIT_EXCEEDED", message, **detail)


def required_field_missing(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A create without a required field."""
    return HttpError(400, "REQUIRED_FIELD_MISSING", message, **detail)


def string_too_long(message: str, **detail: Unpack[ErrorDetail]) -> HttpError:
    """A text value longer than the field's length."""
    return HttpError(400, "STRING_TOO_LONG", message, **detail)
