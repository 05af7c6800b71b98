"""Reading the head of an HTTP/1.1 request: the request line and the headers, within a size cap.

Theory of operation: the endpoint reads request heads itself rather than through ``http.server``, whose
parser answers some malformed request lines as HTTP/0.9 (a bare body, without status line or headers)
and caps each header line but not their total. Here a head is read line by line from a ``readline``
function, and is either a ``RequestHead`` or one of the protocol's errors (``_protocol``, rule H-14):

- the request line is exactly ``METHOD SP TARGET SP HTTP/1.x`` (RFC 9112, 3); a version of another major
  number is ``VersionNotSupported`` (505), anything else malformed is ``MalformedHttpRequest`` (400);
- each header line is ``name: value`` with a token name; a folded line (obsolete line folding) is refused
  (RFC 9112, 5.2: a server "MUST either reject the message by sending a 400 (Bad Request)" or replace it);
- the request line and headers together are at most ``MAX_HEAD_BYTES`` and ``MAX_HEADER_LINES`` header
  lines (rule H-15), else ``HeadTooLarge`` (431), read no further;
- the connection ending before the blank line that ends the head is ``RequestAborted``.
"""

from __future__ import annotations

import email.parser
import http.client
import re
from collections.abc import Callable
from dataclasses import dataclass

from ._protocol import HeadTooLarge, MalformedHttpRequest, RequestAborted, VersionNotSupported

__all__ = ["MAX_HEADER_LINES", "MAX_HEAD_BYTES", "RequestHead", "read_head"]

# H-15: "the request line and the headers take at most 16 KiB and 100 header lines". botocore sends about
# 1 KiB; 16 KiB is the common default of HTTP servers (Node.js), and 100 lines that of http.client.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADER_LINES = 100

# RFC 9110, 5.6.2: token = 1*tchar.
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")
# RFC 9112, 2.2: a server "SHOULD ignore at least one empty line (CRLF) received prior to the request-line".
_MAX_LEADING_EMPTY_LINES = 2


@dataclass(frozen=True)
class RequestHead:
    """A request line and its headers (header names are case-insensitive, as in ``http.server``)."""

    method: str
    target: str
    version: str
    headers: http.client.HTTPMessage

    @property
    def keeps_alive(self) -> bool:
        """Whether the client keeps the connection open after this request (RFC 9112, 9.3)."""
        connection = (self.headers.get("Connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


def read_head(readline: Callable[[int], bytes]) -> RequestHead | None:
    """Read one request head; ``None`` when the connection ends before its first byte.

    ``readline(limit)`` returns the next line, at most ``limit`` bytes, and ``b""`` at the end.

    >>> import io
    >>> head = read_head(io.BytesIO(b"POST /v1/listjobs HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n").readline)
    >>> head.method, head.target, head.headers["host"]
    ('POST', '/v1/listjobs', 'x')
    >>> read_head(io.BytesIO(b"POST /v1/listjobs HTTP/2.0\\r\\n\\r\\n").readline)
    Traceback (most recent call last):
    ...
    listjobs_core.endpoint._protocol.VersionNotSupported: HTTP/2.0 is not supported; use HTTP/1.1
    """
    budget = MAX_HEAD_BYTES
    line = readline(budget + 1)
    for _ in range(_MAX_LEADING_EMPTY_LINES):
        if line not in (b"\r\n", b"\n"):
            break
        line = readline(budget + 1)
    if not line:
        return None
    budget -= len(line)
    if budget < 0:
        raise HeadTooLarge(f"The request line is longer than {MAX_HEAD_BYTES} bytes")
    if not line.endswith(b"\n"):
        raise RequestAborted("The connection ended inside the request line")
    method, target, version = _request_line(line.rstrip(b"\r\n"))

    lines: list[bytes] = []
    while True:
        line = readline(budget + 1)
        budget -= len(line)
        if budget < 0:
            raise HeadTooLarge(f"The request head is larger than {MAX_HEAD_BYTES} bytes")
        if not line.endswith(b"\n"):
            raise RequestAborted("The connection ended inside the request headers")
        if line in (b"\r\n", b"\n"):
            break
        if len(lines) == MAX_HEADER_LINES:
            raise HeadTooLarge(f"The request has more than {MAX_HEADER_LINES} header lines")
        _check_header_line(line)
        lines.append(line)
    text = b"".join(lines).decode("iso-8859-1")
    headers = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    return RequestHead(method, target, version, headers)


def _request_line(line: bytes) -> tuple[str, str, str]:
    parts = line.split(b" ")
    if len(parts) != 3 or not _TOKEN.fullmatch(parts[0]) or not parts[1] or not parts[1].isascii():
        raise MalformedHttpRequest(f"The request line is not METHOD TARGET HTTP/1.1: {_shown(line)}")
    method, target, version = parts
    match = _VERSION.fullmatch(version)
    if match is None:
        raise MalformedHttpRequest(f"The request line ends in {_shown(version)}, not an HTTP version")
    if match[1] != b"1":
        raise VersionNotSupported(f"{version.decode('ascii')} is not supported; use HTTP/1.1")
    return method.decode("ascii"), target.decode("ascii"), version.decode("ascii")


def _check_header_line(line: bytes) -> None:
    name, colon, _ = line.partition(b":")
    if not colon or not _TOKEN.fullmatch(name):
        shown = _shown(line.rstrip(b"\r\n"))
        raise MalformedHttpRequest(f"A request header is not NAME: VALUE: {shown}")


def _shown(data: bytes) -> str:
    text = repr(data[:60])[2:-1]
    return text + ("..." if len(data) > 60 else "")
