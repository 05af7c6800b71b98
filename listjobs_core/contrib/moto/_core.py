"""The core functions this plug-in uses that are not on listjobs_core's public surface, imported here only.

The service-job rules of the reference endpoint (validating ``SubmitServiceJobRequest`` and the other
service-job requests, building a submitted job's record, the describe projection, the messages for an
unknown job and a reused client token) and the core's way of showing a bad value in a message are the
plug-in's rules too, so it uses them rather than restating them. They live in private core modules; this is
the one module that imports them, so a move of those modules is a change here alone (see MS-4 to MS-7).
"""

from ..._json import json_kind, show
from ...endpoint._service_jobs import (
    DESCRIBE_MEMBERS,
    FINISHED_STATUSES,
    SERVICE_JOB_TYPES,
    _integer,
    _object,
    _request_object,
    _required_string,
    _string,
    _tags,
    describe_response,
    new_service_job,
    parse_describe_request,
    parse_submit_request,
    parse_terminate_many_request,
    parse_terminate_request,
    reused_client_token,
    submit_response,
    unknown_job,
)

__all__ = [
    "DESCRIBE_MEMBERS",
    "FINISHED_STATUSES",
    "SERVICE_JOB_TYPES",
    "describe_response",
    "integer",
    "kind",
    "new_service_job",
    "object_member",
    "parse_describe_request",
    "parse_submit_request",
    "parse_terminate_many_request",
    "parse_terminate_request",
    "request_object",
    "required_string",
    "reused_client_token",
    "show",
    "string",
    "submit_response",
    "tags",
    "unknown_job",
]

# The member validators, under public names inside the plug-in: each raises ClientException naming the member.
kind = json_kind
integer = _integer
object_member = _object
request_object = _request_object
required_string = _required_string
string = _string
tags = _tags
