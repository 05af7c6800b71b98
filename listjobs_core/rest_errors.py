"""Errors on the wire: how the HTTP shells (the endpoint, the moto plug-in, the CLI) send a ``ListingError``.

Theory of operation: this is a shell module, public (an emulator that answers over HTTP may render its
errors with it too), and not part of the core; the core never imports it. The core's
errors carry only a status hint (``status_code``), an ``error_type`` and a ``message`` (rules E-1, E-2).
A shell that answers over HTTP renders them here, as botocore expects from a REST-JSON service (rule E-3):
the status code, the ``x-amzn-ErrorType`` header and a ``{"__type": ..., "message": ...}`` body; with a
request id, the message takes the service's own form and the id goes in ``x-amzn-RequestId`` (H-3). The
endpoint and the moto plug-in both import it, and neither imports the other.

``wire_error`` dispatches on the error's class (``functools.singledispatch``), so a shell or a test may
register its own rendering for an error class of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import singledispatch

from ._errors import ListingError

__all__ = ["ERROR_TYPE_HEADER", "REQUEST_ID_HEADER", "WireError", "wire_error"]

# E-3: the header botocore reads an error's type from; H-3: the header of the request id.
ERROR_TYPE_HEADER = "x-amzn-ErrorType"
REQUEST_ID_HEADER = "x-amzn-RequestId"


@dataclass(frozen=True)
class WireError:
    """An error as a REST-JSON service sends it: status, headers and a JSON body.

    >>> from listjobs_core import ClientException
    >>> wire = wire_error(ClientException("maxResults must be an integer"))
    >>> wire.status_code, wire.headers["x-amzn-ErrorType"], wire.body["__type"]
    (400, 'ClientException', 'ClientException')
    """

    status_code: int
    headers: dict[str, str] = field(hash=False)
    body: dict[str, str] = field(hash=False)

    def body_bytes(self) -> bytes:
        """The body as UTF-8 JSON bytes."""
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


@singledispatch
def wire_error(error: ListingError, request_id: str | None = None) -> WireError:
    """Render ``error`` as the service would send it (rule E-3).

    With a ``request_id`` the message takes the service's own form:

    >>> from listjobs_core import ClientException
    >>> wire_error(ClientException("bad"), "r-1").body["message"]
    'Error executing request, Exception : bad, RequestId: r-1'
    """
    message = error.message
    headers = {"Content-Type": "application/json", ERROR_TYPE_HEADER: error.error_type}
    if request_id is not None:
        # E-3, observed: "Error executing request, Exception : <text>, RequestId: <uuid>".
        message = f"Error executing request, Exception : {message}, RequestId: {request_id}"
        headers[REQUEST_ID_HEADER] = request_id
    return WireError(error.status_code, headers, {"__type": error.error_type, "message": message})
