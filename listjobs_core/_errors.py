"""The errors a listing can raise, and how each looks on the wire.

Theory of operation: the seed names two errors, ``ClientException`` ("usually caused by a client action",
HTTP 400) and ``ServerException`` ("usually caused by a server issue", HTTP 500). Each carries its own HTTP
status and wire error type (rule E-1, E-2), so a shell maps an error to a response without parsing text,
and renders it as botocore expects from a REST-JSON service (rule E-3): the status code, the
``x-amzn-ErrorType`` header and a ``{"__type": ..., "message": ...}`` body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import ClassVar

__all__ = ["ClientException", "ListingError", "ServerException", "WireError"]


@dataclass(frozen=True)
class WireError:
    """An error as a REST-JSON service sends it: status, headers and a JSON body.

    >>> wire = ClientException("maxResults must be an integer").to_wire()
    >>> wire.status_code, wire.headers["x-amzn-ErrorType"], wire.body["__type"]
    (400, 'ClientException', 'ClientException')
    """

    status_code: int
    headers: dict[str, str] = field(hash=False)
    body: dict[str, str] = field(hash=False)

    def body_bytes(self) -> bytes:
        """The body as UTF-8 JSON bytes."""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


class ListingError(Exception):
    """Base of the errors listjobs_core raises; each knows its HTTP status and wire error type."""

    status_code: ClassVar[int] = 500
    error_type: ClassVar[str] = "ServerException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def to_wire(self, request_id: str | None = None) -> WireError:
        """Render this error as the service would send it.

        With a ``request_id`` the message takes the service's own form (rule E-3):

        >>> ClientException("bad").to_wire("r-1").body["message"]
        'Error executing request, Exception : bad, RequestId: r-1'
        """
        message = self.message
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": self.error_type}
        if request_id is not None:
            message = f"Error executing request, Exception : {message}, RequestId: {request_id}"
            headers["x-amzn-RequestId"] = request_id
        return WireError(self.status_code, headers, {"__type": self.error_type, "message": message})


class ClientException(ListingError):
    """The request is at fault (HTTP 400): a bad member, a foreign or tampered token.

    >>> error = ClientException("Only one filter key-value pair can be specified.")
    >>> error.status_code, error.error_type, error.message
    (400, 'ClientException', 'Only one filter key-value pair can be specified.')
    """

    status_code: ClassVar[int] = 400
    error_type: ClassVar[str] = "ClientException"


class ServerException(ListingError):
    """A fault that is not the client's (HTTP 500), such as a malformed job among the jobs.

    >>> ServerException("jobs[3] has no jobId").status_code
    500
    """

    status_code: ClassVar[int] = 500
    error_type: ClassVar[str] = "ServerException"
