"""The reference endpoint: AWS Batch's REST-JSON protocol over HTTP, a thin shell around ``_service``.

Theory of operation: this module holds no Batch rule. A request is bytes in, bytes out: the handler checks
the route and the body (rules H-1, H-2), decodes the body to a dict, calls the one ``ReferenceService``
method the route names, and encodes the dict it returns as JSON, or the ``ListingError`` it raises as the
service's wire error (rule E-3: the status code, ``x-amzn-ErrorType`` and ``{"__type", "message"}``, the
message in the service's ``Error executing request, ... RequestId: <uuid>`` form). Every response,
success or error, carries a fresh ``x-amzn-RequestId``. Whatever else goes wrong inside a call is logged
and answered as a 500 ``ServerException`` (rule H-3); the server keeps serving.

The routes are the operations' ``requestUri`` in the service model (botocore,
``batch/2016-08-10/service-2.json``); the model's ``protocol`` is ``rest-json``, so every operation is a
POST of a JSON object.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Any, NoReturn, TextIO

from ._errors import ClientException, ListingError, ServerException
from ._service import JobStore, ReferenceService

__all__ = [
    "MAX_BODY_BYTES",
    "ROUTES",
    "ReferenceServer",
    "decode_body",
    "make_server",
    "serve",
]

logger = logging.getLogger("listjobs_core.server")

# H-1: the operations' requestUri in the service model, each answered by the service method named here.
ROUTES: dict[str, str] = {
    "/v1/listservicejobs": "list_service_jobs",
    "/v1/submitservicejob": "submit_service_job",
    "/v1/describeservicejob": "describe_service_job",
    "/v1/terminateservicejob": "terminate_service_job",
}

# H-2: "a request body of more than 1 MiB is refused with 413" before any of it is decoded.
MAX_BODY_BYTES = 1024 * 1024

# H-2: how much of a refused body the server still reads (and discards) so that the client, which may be
# still sending it, reads the error instead of a connection reset; past this the connection is just closed.
_MAX_DRAIN_BYTES = 16 * MAX_BODY_BYTES

# H-3: the message of a 500; the details go to the log, not to the client.
INTERNAL_ERROR_MESSAGE = "An internal error occurred; the request was not completed."

# An idle keep-alive connection is closed after this many seconds.
_IDLE_TIMEOUT_SECONDS = 60.0


class _Refusal(Exception):
    """An HTTP-level refusal: the status, the ClientException to send, and whether to close."""

    def __init__(self, status: HTTPStatus, message: str, *, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.error = ClientException(message)
        self.close = close


def _reject_constant(name: str) -> NoReturn:
    # Python's json accepts NaN and Infinity; a JSON body cannot hold them.
    raise ValueError(f"{name} is not valid JSON")


def decode_body(body: bytes) -> dict[str, Any]:
    """A request body as the JSON object it holds (rule H-2); an empty body is ``{}``.

    Raises ``ClientException`` for anything that is not UTF-8 JSON holding an object.

    >>> decode_body(b'{"maxResults": 3}')
    {'maxResults': 3}
    >>> decode_body(b"")
    {}
    >>> decode_body(b"[1]")
    Traceback (most recent call last):
    ...
    listjobs_core._errors.ClientException: The request body must be a JSON object, got an array
    """
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ClientException(
            f"The request body is not valid UTF-8 (byte offset {error.start}): {error.reason}"
        ) from None
    try:
        request: object = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ClientException(
            f"The request body is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise ClientException("The request body is not valid JSON: nested too deeply") from None
    except ValueError as error:  # NaN/Infinity, or an integer too long to convert
        raise ClientException(f"The request body is not valid JSON: {error}") from None
    if not isinstance(request, dict):
        raise ClientException(f"The request body must be a JSON object, got {_json_kind(request)}")
    return request


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__


def _encode(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    """One connection: reads requests, routes them to the service, writes JSON responses."""

    server: ReferenceServer
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    server_version = "listjobs_core"
    timeout = _IDLE_TIMEOUT_SECONDS
    # Headers and body go out in two writes; without TCP_NODELAY the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    # The Content-Length of a body refused as too large, which _drain reads past.
    _refused_length = 0

    def version_string(self) -> str:
        """The ``Server`` header: the package, without the Python version."""
        return self.server_version

    # --- methods ---------------------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self._answer()

    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def do_PUT(self) -> None:  # noqa: N802
        self._answer()

    def do_DELETE(self) -> None:  # noqa: N802
        self._answer()

    def do_PATCH(self) -> None:  # noqa: N802
        self._answer()

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._answer()

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer()

    # --- one request -----------------------------------------------------------------------------------

    def _answer(self) -> None:
        request_id = str(uuid.uuid4())
        try:
            body = self._read_body()
            method_name = self._route()
            request = decode_body(body)
            payload = _encode(self.server.call(method_name, request))
        except _Refusal as refusal:
            if refusal.close:
                self.close_connection = True
            self._send_error(refusal.status, refusal.error, request_id)
            if refusal.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
                self._drain()
            return
        except ListingError as error:
            self._send_error(HTTPStatus(error.status_code), error, request_id)
            return
        except Exception:
            # H-3: "an unexpected exception is a 500 ServerException, logged; the server keeps serving."
            logger.exception(
                "internal error answering %s %s (RequestId %s)", self.command, self.path, request_id
            )
            fault = ServerException(INTERNAL_ERROR_MESSAGE)
            self._send_error(HTTPStatus.INTERNAL_SERVER_ERROR, fault, request_id)
            return
        self._send(HTTPStatus.OK, {"x-amzn-RequestId": request_id}, payload)

    def _route(self) -> str:
        # H-1: "POST to an operation's requestUri; any other path is 404, any other method 405".
        path = self.path.split("?", 1)[0]
        method_name = ROUTES.get(path)
        if method_name is None:
            raise _Refusal(HTTPStatus.NOT_FOUND, f"No operation at {self.command} {_clip(path)}")
        if self.command != "POST":
            raise _Refusal(
                HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not allowed on {path}; use POST"
            )
        return method_name

    def _read_body(self) -> bytes:
        # H-2: "the body comes with a Content-Length of at most 1 MiB"; chunked bodies are not read.
        if self.headers.get("Transfer-Encoding") is not None:
            raise _Refusal(
                HTTPStatus.LENGTH_REQUIRED,
                "Transfer-Encoding is not supported; send the body with a Content-Length",
                close=True,
            )
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            if self.command == "POST":
                raise _Refusal(HTTPStatus.LENGTH_REQUIRED, "Content-Length is required", close=True)
            return b""
        text = lengths[0].strip()
        if len(set(lengths)) > 1 or not text.isascii() or not text.isdigit() or len(text) > 18:
            raise _Refusal(
                HTTPStatus.BAD_REQUEST,
                f"Content-Length is not a valid length: {_clip(lengths[0])}",
                close=True,
            )
        length = int(text)
        if length > MAX_BODY_BYTES:
            self._refused_length = length
            raise _Refusal(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The request body is {length} bytes; the limit is {MAX_BODY_BYTES} bytes",
                close=True,
            )
        body = self.rfile.read(length)
        if len(body) < length:
            # The client went away mid-body: nobody is left to answer.
            self.close_connection = True
            raise _Refusal(
                HTTPStatus.BAD_REQUEST, "The request body is shorter than its Content-Length", close=True
            )
        return body

    def _drain(self) -> None:
        """Read and discard (some of) a refused body, so the client reads the 413 rather than a reset."""
        remaining = min(self._refused_length, _MAX_DRAIN_BYTES)
        try:
            self.connection.settimeout(1.0)
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:
            pass

    # --- writing ---------------------------------------------------------------------------------------

    def _send_error(self, status: HTTPStatus, error: ListingError, request_id: str) -> None:
        wire = error.to_wire(request_id)
        headers = dict(wire.headers)
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers["Allow"] = "POST"
        self._send(status, headers, wire.body_bytes())

    def _send(self, status: HTTPStatus, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers.items():
            if name.lower() != "content-type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors http.server itself detects (a malformed request line, headers too long, an unknown
        method) in the service's error shape, not as an HTML page."""
        self.close_connection = True
        try:
            status = HTTPStatus(code)
        except ValueError:
            status = HTTPStatus.BAD_REQUEST
        # Each of these is the request's fault, whatever the status (501 is an unknown method).
        self._send_error(status, ClientException(message or status.phrase), str(uuid.uuid4()))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature http.server calls
        """The access log, on standard error, unless the server is quiet."""
        if not self.server.quiet:
            super().log_message(format, *args)


def _clip(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."


class ReferenceServer(ThreadingHTTPServer):
    """A threaded HTTP server answering the Batch routes from one ``ReferenceService``.

    >>> server = make_server(ReferenceService([]), "127.0.0.1", 0, quiet=True)
    >>> server.server_address[0], server.server_address[1] > 0
    ('127.0.0.1', True)
    >>> server.server_close()
    """

    daemon_threads = True  # a keep-alive connection never holds up shutdown
    allow_reuse_address = True
    # socketserver's default backlog of 5 drops connections when many clients connect at once; a dropped
    # SYN costs the client a one-second retransmission.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], service: ReferenceService, *, quiet: bool = False) -> None:
        self.service = service
        self.quiet = quiet
        super().__init__(address, _Handler)

    def call(self, method_name: str, request: dict[str, Any]) -> dict[str, Any]:
        """Call the service method a route names."""
        method: Callable[[object], dict[str, Any]] = getattr(self.service, method_name)
        return method(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A failure outside a request (a reset connection, say): logged, never fatal."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        logger.exception("error on the connection from %s", client_address)

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` with the port actually bound."""
        address = self.server_address[0]
        host = address.decode("ascii") if isinstance(address, bytes) else address
        port = self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"


class _ReferenceServerIPv6(ReferenceServer):
    address_family = socket.AF_INET6


def make_server(service: ReferenceService, host: str, port: int, *, quiet: bool = False) -> ReferenceServer:
    """A bound, listening server for ``service`` (not yet serving); port 0 picks a free port."""
    server_class = _ReferenceServerIPv6 if ":" in host else ReferenceServer
    return server_class((host, port), service, quiet=quiet)


def serve(
    jobs: Iterable[Mapping[str, Any]],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token_key: bytes | None = None,
    quiet: bool = False,
    out: TextIO | None = None,
    store: JobStore | None = None,
) -> int:
    """Serve ``jobs`` until SIGINT or SIGTERM, then shut down cleanly; returns the exit status 0.

    Prints ``listening on http://HOST:PORT`` (the real port, when ``port`` is 0) once connections are
    accepted. Raises ``OSError`` when the address cannot be bound. ``store`` holds the jobs when given
    (``jobs`` are put into it first), else a new in-memory store does.
    """
    service = ReferenceService(jobs, store=store, token_key=token_key)
    server = make_server(service, host, port, quiet=quiet)
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
