"""The reference endpoint over HTTP/1.1: a thin, hardened shell around ``ReferenceService``.

Theory of operation: this module holds no Batch rule. A request is bytes in, bytes out: a connection's
thread reads the request head (``_head``) and the body within the request deadline, names the operation
(``_protocol.route``), decodes the body to a dict (``_protocol.decode_body``), calls the one
``ReferenceService`` method the route names, and sends what it returns as JSON (``encode_answer``; a
method may return the body already encoded), or the ``ListingError`` it raises as the service's wire error
(rule E-3: the status, ``x-amzn-ErrorType`` and ``{"__type", "message"}``, the message in the service's
``Error executing request, ... RequestId: <uuid>`` form). Every response carries a fresh
``x-amzn-RequestId``, and every request gets one log line (``_logs``, rule H-17). Whatever else goes wrong
inside a call is logged with its traceback and answered 500 ``ServerException`` (rule H-3); the server
keeps serving.

The server is the standard library's ``socketserver.ThreadingTCPServer``, one thread per connection, with
what keeps slow or hostile clients from starving the others (rule H-15):

- a deadline for each request: from its first byte (from the accept, for a connection's first request)
  until its whole body has arrived, ``request_deadline`` seconds; past it the request is answered 408 and
  the connection closed. Between requests a keep-alive connection may stay idle ``idle_timeout`` seconds;
- a cap on open connections, below the process's file descriptor limit. At the cap, a new connection
  takes the slot of the connection idle the longest: a keep-alive connection that has been answered and
  waits for its next request holds nothing a client was promised, so the server closes it (as HTTP lets a
  server close an idle persistent connection at any time) and the new one is accepted. With no idle
  connection, the server accepts no more until one closes, and clients wait in the listening socket's
  backlog (``request_queue_size``). So idle connections, however many, never keep a client out;
- caps on the head (``_head``: 16 KiB, 100 header lines; 431) and the body (1 MiB; 413).
"""

from __future__ import annotations

import contextlib
import email.utils
import signal
import socket
import socketserver
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import FrameType
from typing import Any, TextIO

from .._errors import ListingError, ServerException
from ..rest_errors import wire_error
from ._head import RequestHead, read_head
from ._logs import log_request, logger
from ._protocol import (
    MAX_BODY_BYTES,
    LengthRequired,
    MalformedHttpRequest,
    MethodNotAllowed,
    RequestAborted,
    RequestEntityTooLarge,
    RequestTimeout,
    Route,
    decode_body,
    encode_answer,
    route,
)
from ._service import ReferenceService

__all__ = [
    "DEFAULT_IDLE_TIMEOUT_SECONDS",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_REQUEST_DEADLINE_SECONDS",
    "INTERNAL_ERROR_MESSAGE",
    "ReferenceServer",
    "ServerSettings",
    "make_server",
    "serve",
]

# H-15: "a request's head and body must arrive within 15 seconds of its first byte"; 10 to 20 s is the
# usual range for HTTP servers' request-header timeouts.
DEFAULT_REQUEST_DEADLINE_SECONDS = 15.0
# H-15: an idle keep-alive connection is closed after a minute, as botocore reconnects transparently.
DEFAULT_IDLE_TIMEOUT_SECONDS = 60.0
# H-15: at most this many open connections (and never more than the file descriptor limit allows).
DEFAULT_MAX_CONNECTIONS = 256
# Descriptors kept free for everything else the process opens (the listening socket, logs, files).
_RESERVED_DESCRIPTORS = 32

# H-3: the message of a 500; the details go to the log, not to the client.
INTERNAL_ERROR_MESSAGE = "An internal error occurred; the request was not completed."

# H-2: how much of a body refused as too large the server still reads (and discards), for at most one
# second, so that the client, which may be still sending it, reads the 413 rather than a reset.
_MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES
_DRAIN_SECONDS = 1.0
_RECEIVE_BYTES = 65536
# How far past a deadline a read may wait before the socket's timeout is shortened to fit it.
_TIMEOUT_SLACK_SECONDS = 0.05


@dataclass(frozen=True)
class ServerSettings:
    """The connection limits of rule H-15 (seconds, and a count of connections)."""

    request_deadline: float = DEFAULT_REQUEST_DEADLINE_SECONDS
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT_SECONDS
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    def __post_init__(self) -> None:
        if self.request_deadline <= 0 or self.idle_timeout <= 0 or self.max_connections < 1:
            raise ValueError("the deadline and the idle timeout must be positive, max_connections at least 1")


class _Reader:
    """Buffered reads from a connection, each bounded by the current request's deadline (H-15).

    Before a request's first byte the wait is ``idle_timeout``; the first byte starts the request's
    deadline, which every later read of that request shares, so a client trickling bytes cannot hold the
    connection longer than the deadline. A read past the deadline raises ``TimeoutError``.

    The socket keeps one timeout, the shorter of the deadline and the idle timeout: an idle wait longer
    than that is several reads in a row, and only a read that could outlast what is left of a deadline
    (a slow request) shortens it. So an ordinary request, whose bytes arrive at once, costs no system
    call to set a timeout.
    """

    def __init__(
        self,
        sock: socket.socket,
        settings: ServerSettings,
        idle: Callable[[], None] = lambda: None,
        busy: Callable[[], bool] = lambda: True,
    ) -> None:
        self._sock = sock
        # H-15: told when the connection starts to wait for its next request (``idle``) and when that
        # request's first byte arrives (``busy``, False when the server closed the idle connection).
        self._idle = idle
        self._busy = busy
        self._buffer = bytearray()
        self._request_seconds = settings.request_deadline
        self._idle_seconds = settings.idle_timeout
        self._base_timeout = min(self._request_seconds, self._idle_seconds)
        self._timeout = self._base_timeout
        sock.settimeout(self._timeout)
        now = time.monotonic()
        # The first request's deadline runs from the accept: a client that connects sends at once.
        self._deadline: float | None = now + self._request_seconds
        self._idle_until = now + self._idle_seconds
        self.request_started = False
        self.started_at = time.perf_counter()

    def next_request(self) -> None:
        """The previous response is sent: wait up to the idle timeout for the next request's first byte."""
        self.restore_timeout()
        now = time.monotonic()
        self.request_started = bool(self._buffer)
        if self._buffer:  # pipelined bytes of the next request are here already
            self._deadline = now + self._request_seconds
            self.started_at = time.perf_counter()
        else:
            self._deadline = None
            self._idle_until = now + self._idle_seconds
            self._idle()

    def restore_timeout(self) -> None:
        """Give the socket its usual timeout back, if a slow request shortened it (before a write, say)."""
        if self._timeout != self._base_timeout:
            self._timeout = self._base_timeout
            self._sock.settimeout(self._timeout)

    def _fill(self) -> bool:
        """One receive into the buffer; False at the end of the stream."""
        while True:
            until = self._idle_until if self._deadline is None else self._deadline
            left = until - time.monotonic()
            if left <= 0:
                raise TimeoutError("request deadline passed" if self._deadline else "idle timeout passed")
            if left < self._timeout - _TIMEOUT_SLACK_SECONDS:
                self._timeout = left
                self._sock.settimeout(left)
            try:
                data = self._sock.recv(_RECEIVE_BYTES)
            except TimeoutError:
                continue  # the loop checks what is left of the wait
            break
        if not data:
            return False
        if not self.request_started:
            if self._deadline is None and not self._busy():
                # The server closed this idle connection for a new one just as a request began: the
                # connection ends here, as if closed a moment earlier (the client sees it closed unanswered).
                return False
            self.request_started = True
            self.started_at = time.perf_counter()
            if self._deadline is None:
                self._deadline = time.monotonic() + self._request_seconds
        self._buffer += data
        return True

    def read_head(self) -> RequestHead | None:
        """The next request head (``_head.read_head``); ``None`` when the stream ends before it."""
        return read_head(self._buffer, self._fill)

    def read(self, size: int) -> bytes:
        """``size`` bytes, or fewer when the stream ends first."""
        buffer = self._buffer
        while len(buffer) < size and self._fill():
            pass
        data = bytes(buffer[:size])
        del buffer[:size]
        return data

    def discard(self, size: int, seconds: float) -> None:
        """Read and drop up to ``size`` bytes for at most ``seconds``; errors end it quietly."""
        size -= len(self._buffer)
        self._buffer.clear()
        end = time.monotonic() + seconds
        try:
            while size > 0 and (remaining := end - time.monotonic()) > 0:
                self._sock.settimeout(remaining)
                data = self._sock.recv(min(size, _RECEIVE_BYTES))
                if not data:
                    return
                size -= len(data)
        except OSError:
            return


class _Connection(socketserver.BaseRequestHandler):
    """One client connection: requests answered in turn until either side closes it."""

    server: ReferenceServer
    request: socket.socket

    def setup(self) -> None:
        # Headers and body go out in one write; without TCP_NODELAY a response could wait for an ACK.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = self.request
        self._reader = _Reader(
            sock,
            self.server.settings,
            idle=lambda: self.server.connection_idle(sock),
            busy=lambda: self.server.connection_busy(sock),
        )
        host, port = self.client_address[:2]
        self._client = f"{host}:{port}"

    def handle(self) -> None:
        try:
            while self._exchange():
                self._reader.next_request()
        finally:
            # Before the socket is closed: from here on the server never closes it as idle.
            self.server.connection_busy(self.request)

    def _exchange(self) -> bool:
        """Read one request and answer it; whether the connection stays open for another."""
        request_id = str(uuid.uuid4())
        head: RequestHead | None = None
        found: Route | None = None
        fault: BaseException | None = None
        try:
            try:
                head = self._reader.read_head()
                if head is None:
                    return False
                body = self._read_body(head)
            except (TimeoutError, OSError) as failure:
                # The connection failed, not the service: an idle or silent one has no request to answer.
                if not self._reader.request_started:
                    return False
                if isinstance(failure, TimeoutError):
                    seconds = self.server.settings.request_deadline
                    raise RequestTimeout(
                        f"The request head and body must arrive within {seconds:g} seconds of its first byte"
                    ) from None
                raise RequestAborted("The connection failed before the whole request arrived") from None
            found = route(head.method, head.target)
            answer = self.server.call(found, decode_body(body))
            payload = encode_answer(answer)
        except ListingError as refusal:
            error: ListingError = refusal
        except Exception as unexpected:  # H-3: logged with its traceback, answered 500, server keeps serving
            fault = unexpected
            error = ServerException(INTERNAL_ERROR_MESSAGE)
        else:
            sent = self._send(HTTPStatus.OK, payload, request_id, head=head)
            self._log(request_id, head, found, 200)
            return sent and head.keeps_alive
        closes = getattr(error, "closes_connection", False) or head is None or not head.keeps_alive
        wire = wire_error(error, request_id)
        extra = {"Allow": "POST"} if isinstance(error, MethodNotAllowed) else {}
        sent = self._send(
            HTTPStatus(wire.status_code),
            wire.body_bytes(),
            request_id,
            head=head,
            error=error,
            close=closes,
            extra=extra,
        )
        self._log(request_id, head, found, wire.status_code, error, fault)
        if isinstance(error, RequestEntityTooLarge) and sent:
            self._reader.discard(error.refused_bytes, _DRAIN_SECONDS)
        return sent and not closes

    def _read_body(self, head: RequestHead) -> bytes:
        # H-2: "the body comes with a Content-Length of at most 1 MiB"; chunked bodies are not read.
        if head.headers.get("Transfer-Encoding") is not None:
            raise LengthRequired("Transfer-Encoding is not supported; send the body with a Content-Length")
        lengths = head.headers.get_all("Content-Length") or []
        if not lengths:
            if head.method == "POST":
                raise LengthRequired("Content-Length is required")
            return b""
        text = lengths[0].strip()
        if len(set(lengths)) > 1 or not text.isascii() or not text.isdigit() or len(text) > 18:
            raise MalformedHttpRequest(f"Content-Length is not a valid length: {lengths[0][:40]!r}")
        length = int(text)
        if length > MAX_BODY_BYTES:
            raise RequestEntityTooLarge(
                f"The request body is {length} bytes; the limit is {MAX_BODY_BYTES} bytes", length
            )
        if (head.headers.get("Expect") or "").lower() == "100-continue" and head.version == "HTTP/1.1":
            self.request.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self._reader.read(length)
        if len(body) < length:
            raise RequestAborted(
                f"The request body is shorter than its Content-Length: {len(body)} of {length} bytes arrived "
                "before the connection ended"
            )
        return body

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        request_id: str,
        *,
        head: RequestHead | None,
        error: ListingError | None = None,
        close: bool = False,
        extra: dict[str, str] | None = None,
    ) -> bool:
        """Write one response in one write; whether it went out."""
        lines = [
            f"HTTP/1.1 {status.value} {status.phrase}",
            f"Server: {self.server.server_version}",
            f"Date: {_http_date()}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            f"x-amzn-RequestId: {request_id}",
        ]
        if error is not None:
            lines.append(f"x-amzn-ErrorType: {error.error_type}")
        lines += [f"{name}: {value}" for name, value in (extra or {}).items()]
        if close:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
        if head is None or head.method != "HEAD":
            data += body
        try:
            self._reader.restore_timeout()
            self.request.sendall(data)
        except OSError:
            return False
        return True

    def _log(
        self,
        request_id: str,
        head: RequestHead | None,
        found: Route | None,
        status: int,
        error: ListingError | None = None,
        fault: BaseException | None = None,
    ) -> None:
        log_request(
            request_id=request_id,
            client=self._client,
            method=None if head is None else head.method,
            path=None if head is None else head.target,
            operation=None if found is None else found.operation,
            status=status,
            started=self._reader.started_at,
            error_type=None if error is None else error.error_type,
            error_message=None if error is None else error.message,
            fault=fault,
        )


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The ``Date`` header value (RFC 9110, 6.6.1), formatted at most once a second."""
    global _date_cache
    now = int(time.time())
    second, text = _date_cache
    if second != now:
        text = email.utils.formatdate(now, usegmt=True)
        _date_cache = (now, text)
    return text


def connection_limit(requested: int) -> int:
    """``requested``, lowered below the process's soft limit on open file descriptors (rule H-15).

    >>> 1 <= connection_limit(10) <= 10
    True
    """
    try:
        import resource
    except ImportError:  # not on Unix: no descriptor limit to stay under
        return requested
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return requested
    return max(1, min(requested, soft - _RESERVED_DESCRIPTORS))


class ReferenceServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A threaded HTTP/1.1 server answering the Batch routes from one ``ReferenceService``.

    >>> server = make_server(ReferenceService(), "127.0.0.1", 0)
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.server_close()
    """

    daemon_threads = True  # a keep-alive connection never holds up shutdown
    allow_reuse_address = True
    # H-15: the backlog where connections wait while the server is at its connection cap; also, a backlog
    # of 5 (socketserver's default) drops connections when many clients connect at once.
    request_queue_size = 128
    server_version = "listjobs_core"

    def __init__(
        self, address: tuple[str, int], service: ReferenceService, settings: ServerSettings = ServerSettings()
    ) -> None:
        self.service = service
        self.settings = settings
        self.max_connections = connection_limit(settings.max_connections)
        self._open: set[socket.socket] = set()
        # H-15: the open connections waiting for their next request, the longest idle first (a dict keeps
        # the order of insertion), and those the server closed to free their slot, until their thread ends.
        self._idle: dict[socket.socket, None] = {}
        self._closing: set[socket.socket] = set()
        self._slots = threading.Condition()
        self._stopping = False
        super().__init__(address, _Connection)

    def call(self, found: Route, request: dict[str, Any]) -> dict[str, Any] | bytes:
        """Call the service method a route names."""
        method: Callable[[object], dict[str, Any] | bytes] = getattr(self.service, found.method_name)
        return method(request)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Wait for a free connection slot (H-15), then answer the connection in a thread of its own.

        At the cap, the connection idle the longest is closed to free its slot; without one, the wait lasts
        until a connection closes."""
        with self._slots:
            while len(self._open) >= self.max_connections and not self._stopping:
                if len(self._open) - len(self._closing) >= self.max_connections:
                    self._close_longest_idle()
                self._slots.wait(0.2)
            if self._stopping:
                self.shutdown_request(request)
                return
            self._open.add(request)
        try:
            super().process_request(request, client_address)
        except Exception:  # no thread could start: give the slot back and drop the connection
            self._release(request)
            self.shutdown_request(request)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def _release(self, request: socket.socket) -> None:
        with self._slots:
            self._open.discard(request)
            self._idle.pop(request, None)
            self._closing.discard(request)
            self._slots.notify()

    def connection_idle(self, connection: socket.socket) -> None:
        """``connection`` has been answered and waits for its next request: the server may close it."""
        with self._slots:
            if connection not in self._closing:
                self._idle[connection] = None

    def connection_busy(self, connection: socket.socket) -> bool:
        """``connection`` begins a request (or ends): the server no longer closes it as idle. False when
        the server has closed it already."""
        with self._slots:
            self._idle.pop(connection, None)
            return connection not in self._closing

    def _close_longest_idle(self) -> None:
        """H-15: close the connection idle the longest (holding the lock), if there is one; its thread sees
        the stream end, and its slot is free once the thread ends."""
        if not self._idle:
            return
        connection = next(iter(self._idle))
        del self._idle[connection]
        self._closing.add(connection)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A failure outside a request (a reset connection, say): logged, never fatal."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        logger.exception("error on the connection from %s", client_address)

    def shutdown(self) -> None:
        """Stop ``serve_forever``, also while it waits for a free connection slot."""
        with self._slots:
            self._stopping = True
            self._slots.notify_all()
        super().shutdown()

    def server_close(self) -> None:
        """Close the listening socket and end every open connection."""
        super().server_close()
        with self._slots:
            self._stopping = True
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` with the port actually bound."""
        address = self.server_address[0]
        host = address.decode("ascii") if isinstance(address, bytes) else str(address)
        port = self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"


class _ReferenceServerIPv6(ReferenceServer):
    address_family = socket.AF_INET6


def make_server(
    service: ReferenceService, host: str, port: int, settings: ServerSettings = ServerSettings()
) -> ReferenceServer:
    """A bound, listening server for ``service`` (not yet serving); port 0 picks a free port."""
    server_class = _ReferenceServerIPv6 if ":" in host else ReferenceServer
    return server_class((host, port), service, settings)


def serve(
    service: ReferenceService,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ServerSettings = ServerSettings(),
    out: TextIO | None = None,
) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly; returns the exit status 0.

    Prints ``listening on http://HOST:PORT`` (the real port, when ``port`` is 0) once connections are
    accepted. Raises ``OSError`` when the address cannot be bound.
    """
    server = make_server(service, host, port, settings)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    try:
        serving.start()
        stream = out if out is not None else sys.stdout
        print(f"listening on {server.url}", file=stream, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        serving.join(timeout=5.0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
