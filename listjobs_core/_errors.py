"""The errors a listing can raise: a status hint, an error type and a message.

Theory of operation: the seed names two errors, ``ClientException`` ("usually caused by a client action",
HTTP 400) and ``ServerException`` ("usually caused by a server issue", HTTP 500). Each carries its status
hint and error type (rules E-1, E-2), so a shell maps an error to a response without parsing text. How an
error looks on the wire (headers, a JSON body, rule E-3) is the shells' (``rest_errors``), not the core's.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ClientException", "ListingError", "ServerException"]


class ListingError(Exception):
    """Base of the errors listjobs_core raises; each knows its status hint (an HTTP status) and error type."""

    status_code: ClassVar[int] = 500
    error_type: ClassVar[str] = "ServerException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


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
