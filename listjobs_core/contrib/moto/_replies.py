"""Request bodies in, responses and errors out, as the operations the plug-in adds put them on the wire.

Theory of operation: moto hands each ``BatchResponse`` method the raw request body and turns what the
method returns into the HTTP response, in decorator and server mode alike: a string is a 200 with that
body, a ``(body, headers)`` pair a response with the ``status`` and headers given. The operations the
plug-in adds answer with such a pair, so that every answer carries a request id of the plug-in's making in
``x-amzn-RequestId`` and an error's message names the same id, in the service's own form (rule E-3):
``Error executing request, Exception : <text>, RequestId: <uuid>``. moto writes a request id of its own
into every response it renders; the plug-in keeps an id already there (see ``_install``), so the header and
the message agree (rule MS-14).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ... import ClientException, ListingError
from ..._json import InvalidJson, decode_json
from ...rest_errors import wire_error

__all__ = ["REQUEST_ID_HEADER", "error_response", "request_of", "success_response"]

# The header moto writes its request id under (lower case); the plug-in writes its own id under the same key.
REQUEST_ID_HEADER = "x-amzn-requestid"

MotoReply = tuple[str, dict[str, Any]]


def request_of(body: object) -> object:
    """The request a body holds, decoded from UTF-8 JSON; an empty body is the empty request ``{}``.

    >>> request_of(b'{"jobId": "j-1"}'), request_of("")
    ({'jobId': 'j-1'}, {})
    >>> request_of(b"{")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: The request body is not valid JSON
    """
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ClientException("The request body is not UTF-8") from None
    if not body:
        return {}
    if not isinstance(body, str):
        raise ClientException("The request body is not a JSON object")
    try:
        return decode_json(body)  # strict JSON, the core's one decoder
    except InvalidJson:
        raise ClientException("The request body is not valid JSON") from None


def success_response(result: Mapping[str, Any], request_id: str) -> MotoReply:
    """A 200 answer holding ``result`` as JSON."""
    headers = {"status": 200, "Content-Type": "application/json", REQUEST_ID_HEADER: request_id}
    return json.dumps(result), headers


def error_response(error: ListingError, request_id: str) -> MotoReply:
    """An error answer in the service's form (rule E-3), its message naming ``request_id``.

    >>> body, headers = error_response(ClientException("jobId is required"), "r-1")
    >>> json.loads(body)["message"], headers["status"], headers["x-amzn-ErrorType"]
    ('Error executing request, Exception : jobId is required, RequestId: r-1', 400, 'ClientException')
    """
    wire = wire_error(error, request_id)
    headers: dict[str, Any] = {
        name: value for name, value in wire.headers.items() if name.lower() != REQUEST_ID_HEADER
    }
    headers["status"] = wire.status_code
    headers[REQUEST_ID_HEADER] = request_id
    return json.dumps(wire.body), headers
