"""Reading the head of an HTTP/1.1 request: the request line and the headers, within a size cap.

Theory of operation: the endpoint reads request heads itself rather than through ``http.server``, whose
parser answers some malformed request lines as HTTP/0.9 (a bare body, without status line or headers)
and caps each header line but not their total. Here a head is taken whole from the connection's buffer
and parsed in one pass, and is either a ``RequestHead`` or one of the protocol's errors (``_protocol``,
rule H-14):

- the request line is exactly ``METHOD SP TARGET SP HTTP/1.x`` (RFC 9112, 3); a version of another major
  number is ``VersionNotSupported`` (505), anything else malformed is ``MalformedHttpRequest`` (400);
- each header line is ``name: value`` with a token name; a folded line (obsolete line folding) is refused
  (RFC 9112, 5.2: a server "MUST either reject the message by sending a 400 (Bad Request)" or replace it);
- the request line and headers together are at most ``MAX_HEAD_BYTES`` and ``MAX_HEADER_LINES`` header
  lines (rule H-15), else ``HeadTooLarge`` (431): no more than that is ever read or kept;
- the connection ending before the blank line that ends the head is ``RequestAborted``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ._protocol import HeadTooLarge, MalformedHttpRequest, RequestAborted, VersionNotSupported

__all__ = ["MAX_HEADER_LINES", "MAX_HEAD_BYTES", "Headers", "RequestHead", "read_head"]

# H-15: "the request line and the headers take at most 16 KiB and 100 header lines". botocore sends about
# 1 KiB; 16 KiB is the common default of HTTP servers (Node.js), and 100 lines that of http.client.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADER_LINES = 100

# RFC 9110, 5.6.2: token = 1*tchar.
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")
# Header lines: each a token name, a colon, and a value of anything but line ends (RFC 9112, 5).
_HEADER_LINES = re.compile(rb"(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[^\r\n]*\r?\n)*")
# RFC 9112, 2.2: a server "SHOULD ignore at least one empty line (CRLF) received prior to the request-line".
_MAX_LEADING_EMPTY_LINES = 2


class Headers:
    """A request's header fields, looked up by case-insensitive name, each name's values in order.

    Built from a block of header lines already checked to be ``name: value`` lines (``parse_head``);
    values are decoded only when looked up, so a request pays only for the few fields the endpoint reads.

    >>> headers = Headers(b"Content-Length: 2\\r\\nX-A: 1\\r\\nx-a:  2 \\r\\n")
    >>> headers.get("content-length"), headers.get_all("X-A"), headers.get("Expect")
    ('2', ['1', '2'], None)
    """

    __slots__ = ("_fields",)

    def __init__(self, block: bytes) -> None:
        self._fields: dict[bytes, list[bytes]] = {}
        for line in block.split(b"\n")[:-1]:
            name, _, value = line.partition(b":")
            self._fields.setdefault(name.lower(), []).append(value)

    def get(self, name: str) -> str | None:
        """The first value of a field, or ``None`` when the request has none."""
        values = self._fields.get(name.lower().encode("ascii"))
        return None if values is None else _value(values[0])

    def get_all(self, name: str) -> list[str]:
        """Every value of a field, in order; empty when the request has none."""
        return [_value(value) for value in self._fields.get(name.lower().encode("ascii"), ())]


def _value(raw: bytes) -> str:
    # RFC 9112, 5: field-line = field-name ":" OWS field-value OWS
    return raw.removesuffix(b"\r").strip(b" \t").decode("iso-8859-1")


@dataclass(frozen=True)
class RequestHead:
    """A request line and its headers."""

    method: str
    target: str
    version: str
    headers: Headers

    @property
    def keeps_alive(self) -> bool:
        """Whether the client keeps the connection open after this request (RFC 9112, 9.3)."""
        connection = (self.headers.get("Connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


def read_head(buffer: bytearray, fill: Callable[[], bool]) -> RequestHead | None:
    """Read one request head from the front of ``buffer``; ``None`` when the stream ends before its first
    byte. ``fill()`` appends what arrives next to ``buffer`` and returns False at the end of the stream.

    The head is taken from the buffer whole, through the blank line that ends it, and parsed in one pass;
    the bytes after it (the body, or a pipelined request) stay in the buffer.

    >>> buffer = bytearray(b"POST /v1/listjobs HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n{}")
    >>> head = read_head(buffer, lambda: False)
    >>> head.method, head.target, head.headers.get("host"), bytes(buffer)
    ('POST', '/v1/listjobs', 'x', b'{}')
    >>> read_head(bytearray(b"POST /v1/listjobs HTTP/2.0\\r\\n\\r\\n"), lambda: False)
    Traceback (most recent call last):
    ...
    listjobs_core.endpoint._protocol.VersionNotSupported: HTTP/2.0 is not supported; use HTTP/1.1
    """
    skipped = 0
    while True:
        # RFC 9112, 2.2: empty lines before the request line are ignored (a few of them).
        while skipped < _MAX_LEADING_EMPTY_LINES and buffer.startswith((b"\r\n", b"\n")):
            del buffer[: 2 if buffer.startswith(b"\r\n") else 1]
            skipped += 1
        end = _end_of_head(buffer)
        if end is not None:
            if end > MAX_HEAD_BYTES:
                raise HeadTooLarge(f"The request head is larger than {MAX_HEAD_BYTES} bytes")
            head = bytes(buffer[:end])
            del buffer[:end]
            return parse_head(head)
        if len(buffer) > MAX_HEAD_BYTES:
            raise HeadTooLarge(f"The request head is larger than {MAX_HEAD_BYTES} bytes")
        if not fill():
            if not buffer.strip(b"\r\n"):
                return None
            raise RequestAborted("The connection ended inside the request head")


def _end_of_head(buffer: bytearray) -> int | None:
    """Where the head ends, just after its blank line (CRLF or bare LF line ends), or None."""
    ends = [index + len(mark) for mark in (b"\n\r\n", b"\n\n") if (index := buffer.find(mark)) >= 0]
    return min(ends) if ends else None


def parse_head(head: bytes) -> RequestHead:
    """Parse a whole request head, through the blank line that ends it.

    >>> parse_head(b"GET / HTTP/1.0\\r\\nConnection: keep-alive\\r\\n\\r\\n").keeps_alive
    True
    """
    line_end = head.index(b"\n") + 1
    method, target, version = _request_line(head[:line_end].rstrip(b"\r\n"))
    # The header lines, without the blank line that ends the head.
    block = head[line_end:].removesuffix(b"\n").removesuffix(b"\r")
    if block.count(b"\n") > MAX_HEADER_LINES:
        raise HeadTooLarge(f"The request has more than {MAX_HEADER_LINES} header lines")
    if not _HEADER_LINES.fullmatch(block):
        bad = next((line for line in block.split(b"\n") if not _HEADER_LINES.fullmatch(line + b"\n")), block)
        raise MalformedHttpRequest(f"A request header is not NAME: VALUE: {_shown(bad)}")
    return RequestHead(method, target, version, Headers(block))


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


def _shown(data: bytes) -> str:
    text = repr(data[:60])[2:-1]
    return text + ("..." if len(data) > 60 else "")
