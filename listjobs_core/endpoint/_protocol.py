"""AWS Batch's REST-JSON protocol, as the reference endpoint speaks it: routes, bodies and errors.

Theory of operation: the model's ``protocol`` is ``rest-json`` and every Batch operation is a POST of a
JSON object to its ``requestUri``. This module holds the three things that follow from that and from
nothing else, as data and pure functions, for the HTTP shell (``_server``) and the command line to share:

- ``ROUTES``: the operations served, by ``requestUri`` (rule H-1), and ``route``, which names the operation
  of a method and path or refuses them (``UnknownOperationException``, 404 or 405);
- the errors of the HTTP level, each a ``ListingError`` with its own status and wire type (rule H-14),
  so that every refusal renders as the service's errors do (rule E-3);
- ``decode_json_body`` / ``decode_body``: request bytes to the JSON they hold (rule H-2), and
  ``encode_answer``: a response to bytes that can never fail on a stored job (rule H-18).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from .._errors import ClientException, ListingError
from .._jobs import is_valid_unicode
from .._json import InvalidJson, decode_json, json_kind

__all__ = [
    "MAX_BODY_BYTES",
    "ROUTES",
    "HeadTooLarge",
    "LengthRequired",
    "MalformedHttpRequest",
    "MethodNotAllowed",
    "RequestAborted",
    "RequestEntityTooLarge",
    "RequestTimeout",
    "Route",
    "UnknownOperation",
    "VersionNotSupported",
    "decode_body",
    "decode_json_body",
    "encode_answer",
    "route",
]


@dataclass(frozen=True, slots=True)
class Route:
    """An operation the endpoint serves: its name in the model and the ``ReferenceService`` method."""

    operation: str
    method_name: str


# H-1: every service-job operation of the model, ListJobs and ListJobsByConsumableResource, at its
# ``http.requestUri`` (botocore, ``batch/2016-08-10/service-2.json``; each one's ``http.method`` is POST).
ROUTES: dict[str, Route] = {
    "/v1/listservicejobs": Route("ListServiceJobs", "list_service_jobs"),
    "/v1/submitservicejob": Route("SubmitServiceJob", "submit_service_job"),
    "/v1/describeservicejob": Route("DescribeServiceJob", "describe_service_job"),
    "/v1/terminateservicejob": Route("TerminateServiceJob", "terminate_service_job"),
    "/v1/terminateservicejobs": Route("TerminateServiceJobs", "terminate_service_jobs"),
    "/v1/updateservicejob": Route("UpdateServiceJob", "update_service_job"),
    "/v1/listjobs": Route("ListJobs", "list_jobs"),
    "/v1/listjobsbyconsumableresource": Route(
        "ListJobsByConsumableResource", "list_jobs_by_consumable_resource"
    ),
}

# H-1, QS-1 to QS-6, SN-1: the queues as resources (scheduling policies, job queues, quota shares) and
# GetJobQueueSnapshot, at their ``http.requestUri``.
ROUTES.update(
    {
        "/v1/createschedulingpolicy": Route("CreateSchedulingPolicy", "create_scheduling_policy"),
        "/v1/describeschedulingpolicies": Route("DescribeSchedulingPolicies", "describe_scheduling_policies"),
        "/v1/deleteschedulingpolicy": Route("DeleteSchedulingPolicy", "delete_scheduling_policy"),
        "/v1/createjobqueue": Route("CreateJobQueue", "create_job_queue"),
        "/v1/describejobqueues": Route("DescribeJobQueues", "describe_job_queues"),
        "/v1/deletejobqueue": Route("DeleteJobQueue", "delete_job_queue"),
        "/v1/createquotashare": Route("CreateQuotaShare", "create_quota_share"),
        "/v1/describequotashare": Route("DescribeQuotaShare", "describe_quota_share"),
        "/v1/updatequotashare": Route("UpdateQuotaShare", "update_quota_share"),
        "/v1/deletequotashare": Route("DeleteQuotaShare", "delete_quota_share"),
        "/v1/listquotashares": Route("ListQuotaShares", "list_quota_shares"),
        "/v1/getjobqueuesnapshot": Route("GetJobQueueSnapshot", "get_job_queue_snapshot"),
    }
)

# H-2: "a request body of more than 1 MiB is refused with 413" before any of it is decoded.
MAX_BODY_BYTES = 1024 * 1024


# --- the errors of the HTTP level (rule H-14) -------------------------------------------------------------
# Types and statuses from the errors AWS documents as common to every service ("Common Errors"):
# UnknownOperationException (404), MalformedHttpRequestException (400), RequestTimeoutException (408),
# RequestAbortedException (400) and RequestEntityTooLargeException (413). Where HTTP has a more precise
# status for a malformed request (405, 411, 431, 505), the endpoint sends it, with the same type.


class UnknownOperation(ListingError):
    """No operation is at this path (H-1)."""

    status_code: ClassVar[int] = 404
    error_type: ClassVar[str] = "UnknownOperationException"
    # Whether the connection is closed after the answer: only when the request could not be framed.
    closes_connection: ClassVar[bool] = False


class MethodNotAllowed(UnknownOperation):
    """The path is an operation's, but the method is not POST (H-1); answered with ``Allow: POST``."""

    status_code: ClassVar[int] = 405


class MalformedHttpRequest(ListingError):
    """The request cannot be read as HTTP/1.1: its request line, a header, or its framing (H-14)."""

    status_code: ClassVar[int] = 400
    error_type: ClassVar[str] = "MalformedHttpRequestException"
    closes_connection: ClassVar[bool] = True


class LengthRequired(MalformedHttpRequest):
    """A POST without a ``Content-Length``, or with a ``Transfer-Encoding`` (H-2)."""

    status_code: ClassVar[int] = 411


class HeadTooLarge(MalformedHttpRequest):
    """The request line and headers are longer than the endpoint reads (H-15)."""

    status_code: ClassVar[int] = 431


class VersionNotSupported(MalformedHttpRequest):
    """An HTTP version other than 1.0 and 1.1 (H-14)."""

    status_code: ClassVar[int] = 505


class RequestTimeout(ListingError):
    """The request head and body did not arrive within the request deadline (H-15)."""

    status_code: ClassVar[int] = 408
    error_type: ClassVar[str] = "RequestTimeoutException"
    closes_connection: ClassVar[bool] = True


class RequestAborted(ListingError):
    """The client ended the connection before the whole request arrived (H-14)."""

    status_code: ClassVar[int] = 400
    error_type: ClassVar[str] = "RequestAbortedException"
    closes_connection: ClassVar[bool] = True


class RequestEntityTooLarge(ListingError):
    """The body is larger than ``MAX_BODY_BYTES`` (H-2)."""

    status_code: ClassVar[int] = 413
    error_type: ClassVar[str] = "RequestEntityTooLargeException"
    closes_connection: ClassVar[bool] = True

    def __init__(self, message: str, refused_bytes: int = 0) -> None:
        super().__init__(message)
        # The body's declared length, which the server may still read and discard (H-2).
        self.refused_bytes = refused_bytes


def route(method: str, path: str) -> Route:
    """The operation a method and path name (rule H-1): a POST to an operation's ``requestUri``.

    A query string is ignored. Any other path is ``UnknownOperation`` (404); another method on an
    operation's path is ``MethodNotAllowed`` (405).

    >>> route("POST", "/v1/listjobs?x=1").operation
    'ListJobs'
    >>> route("GET", "/v1/listjobs")
    Traceback (most recent call last):
    ...
    listjobs_core.endpoint._protocol.MethodNotAllowed: GET is not allowed on /v1/listjobs; use POST
    """
    path = path.split("?", 1)[0]
    found = ROUTES.get(path)
    if found is None:
        raise UnknownOperation(f"No operation at {_clip(method)} {_clip(path)}")
    if method != "POST":
        raise MethodNotAllowed(f"{_clip(method)} is not allowed on {path}; use POST")
    return found


def _clip(text: str) -> str:
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= 100 else text[:97] + "..."


# --- bodies (rule H-2) -------------------------------------------------------------------------------------

_BYTE_ORDER_MARK = b"\xef\xbb\xbf"
# Only a \\u escape can put a surrogate into decoded JSON (the UTF-8 decoder refuses encoded ones), so a
# body without one needs no walk.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def decode_json_body(data: bytes, what: str) -> object:
    """The JSON value request bytes hold; ``what`` names them in messages ("The request body").

    Empty or blank bytes are ``{}``. A leading UTF-8 byte order mark is ignored (RFC 8259, 8.1: parsers
    "MAY ignore the presence of a byte order mark"). The bytes must be UTF-8 holding strict JSON
    (``_json.decode_json``), and every string in it, keys included, valid Unicode: a lone surrogate
    escape (``"\\ud800"``) is refused, naming where it is. Every refusal is a ``ClientException`` in the
    service's words, never Python's advice.

    >>> decode_json_body(b'\\xef\\xbb\\xbf{"a": [1]}', "The request body")
    {'a': [1]}
    >>> decode_json_body(b'{"tags": {"k": "\\\\udc80"}}', "The request body")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: tags.k must be valid Unicode: it holds a lone surrogate
    """
    data = data.removeprefix(_BYTE_ORDER_MARK)
    if not data.strip():
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ClientException(
            f"{what} is not valid UTF-8 (byte offset {error.start}): {error.reason}"
        ) from None
    if text.startswith("\ufeff"):
        # json.loads would refuse it with advice for programmers; this is the service's own wording.
        raise ClientException(f"{what} is not valid JSON: a second byte order mark at line 1, column 1")
    try:
        value = decode_json(text)
    except InvalidJson as error:
        raise ClientException(f"{what} is not valid JSON: {error}") from None
    if _SURROGATE_ESCAPE.search(data):
        where = _lone_surrogate_at(value)
        if where is not None:
            raise ClientException(f"{where} must be valid Unicode: it holds a lone surrogate")
    return value


def decode_body(body: bytes) -> dict[str, Any]:
    """A request body as the JSON object it holds (rule H-2); an empty body is ``{}``.

    >>> decode_body(b'{"maxResults": 3}')
    {'maxResults': 3}
    >>> decode_body(b"[1]")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: The request body must be a JSON object, got an array
    """
    request = decode_json_body(body, "The request body")
    if not isinstance(request, dict):
        raise ClientException(f"The request body must be a JSON object, got {json_kind(request)}")
    return request


def _lone_surrogate_at(value: object) -> str | None:
    """Where in a decoded JSON value a string holds a lone surrogate (``filters[0].values[1]``), or None.

    Iterative, so any depth ``decode_json`` accepted is walked without recursion.
    """
    pending: list[tuple[str, object]] = [("", value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if not is_valid_unicode(item):
                return _clip(path) if path else "the request"
        elif isinstance(item, dict):
            for key, child in item.items():
                if not is_valid_unicode(key):
                    return f"a member name in {_clip(path)}" if path else "a member name"
                pending.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            pending.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return None


# --- responses (rule H-18) --------------------------------------------------------------------------------

# ensure_ascii escapes every non-ASCII character, so encoding cannot fail on any string (not even one
# holding a lone surrogate, which the stores refuse anyway) and the result is ASCII, hence UTF-8.
_ENCODER = json.JSONEncoder(ensure_ascii=True, check_circular=False, separators=(",", ":"))


def encode_answer(answer: dict[str, Any] | bytes) -> bytes:
    """A service method's answer as the response body: bytes as they are, a dict as compact JSON.

    >>> encode_answer({"jobSummaryList": [{"jobName": "Straße"}]})
    b'{"jobSummaryList":[{"jobName":"Stra\\\\u00dfe"}]}'
    >>> encode_answer(b'{"jobSummaryList":[]}')
    b'{"jobSummaryList":[]}'
    """
    if isinstance(answer, bytes):
        return answer
    return _ENCODER.encode(answer).encode("ascii")
