"""Talking to an endpoint: AWS Batch's REST-JSON protocol, SigV4-signed, over one kept-alive connection.

Theory of operation: every Batch operation is a POST of a JSON object to its ``requestUri`` in the service
model (``/v1/listservicejobs``, ...), so a request is just bytes: the kit sends exactly the JSON it means,
including what an SDK refuses to send (null members, unknown members, ``filters`` as an object, a body
that is not JSON at all), and reads back the status, the headers and the body unparsed. Requests are
signed with AWS Signature Version 4 (``botocore.auth.SigV4Auth``, service ``batch``) with the credentials
given, or else the ambient ones botocore finds (environment, profile, instance role); an endpoint on this
machine that finds none gets dummy ones, as emulators accept any. botocore is the kit's optional extra
(``pip install ".[conformance]"`` from a clone), imported only when a client is made; the core never
needs it.

The connection is kept alive and made again when the server closes it (moto's does after every response).

The kit exists to judge servers, so it trusts none. Every response must arrive whole within ``timeout``
seconds of its request, however the bytes trickle in (a watchdog shuts the socket down at that moment,
so a server that drips a byte at a time cannot keep resetting a per-read timeout), and within the run's
``deadline``; its body is read up to ``max_body`` bytes and no further. A server that breaks any of these,
or closes or resets the connection instead of answering, raises :class:`TargetFault`: a failed check of
the target, which the run reports under the rule it was checking. Only an endpoint that cannot be
connected to at all, on the run's first request, is :class:`EndpointUnreachable`: a usage error.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ..._extras import install_hint
from .._report import TargetFault

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY",
    "DEFAULT_TIMEOUT",
    "OPERATION_PATHS",
    "EndpointClient",
    "EndpointUnreachable",
    "HttpAnswer",
    "MissingDependency",
    "is_loopback",
]

# The operations the kit calls, and their requestUri in the service model (batch/2016-08-10).
OPERATION_PATHS: dict[str, str] = {
    "ListServiceJobs": "/v1/listservicejobs",
    "ListJobs": "/v1/listjobs",
    "SubmitServiceJob": "/v1/submitservicejob",
    "DescribeServiceJob": "/v1/describeservicejob",
    "TerminateServiceJob": "/v1/terminateservicejob",
    "CreateServiceEnvironment": "/v1/createserviceenvironment",
    "UpdateServiceEnvironment": "/v1/updateserviceenvironment",
    "DeleteServiceEnvironment": "/v1/deleteserviceenvironment",
    "CreateJobQueue": "/v1/createjobqueue",
    "UpdateJobQueue": "/v1/updatejobqueue",
    "DeleteJobQueue": "/v1/deletejobqueue",
    "CreateSchedulingPolicy": "/v1/createschedulingpolicy",
    "DeleteSchedulingPolicy": "/v1/deleteschedulingpolicy",
    "CreateComputeEnvironment": "/v1/createcomputeenvironment",
    "UpdateComputeEnvironment": "/v1/updatecomputeenvironment",
    "DeleteComputeEnvironment": "/v1/deletecomputeenvironment",
    "RegisterJobDefinition": "/v1/registerjobdefinition",
    "DeregisterJobDefinition": "/v1/deregisterjobdefinition",
    "SubmitJob": "/v1/submitjob",
    "TerminateJob": "/v1/terminatejob",
    "DescribeSchedulingPolicies": "/v1/describeschedulingpolicies",
    "DescribeJobQueues": "/v1/describejobqueues",
    "CreateQuotaShare": "/v1/createquotashare",
    "DescribeQuotaShare": "/v1/describequotashare",
    "UpdateQuotaShare": "/v1/updatequotashare",
    "DeleteQuotaShare": "/v1/deletequotashare",
    "ListQuotaShares": "/v1/listquotashares",
    "GetJobQueueSnapshot": "/v1/getjobqueuesnapshot",
    "ListJobsByConsumableResource": "/v1/listjobsbyconsumableresource",
    "CreateConsumableResource": "/v1/createconsumableresource",
    "DeleteConsumableResource": "/v1/deleteconsumableresource",
    "ListConsumableResources": "/v1/listconsumableresources",
}
_SERVICE = "batch"
_DEFAULT_REGION = "us-east-1"
# What an emulator on this machine gets when no credentials are found: any will do for it.
_DUMMY_CREDENTIALS = ("testing", "testing")
_USER_AGENT = "listjobs-core-conformance"
# A whole run against the reference takes about a second; a run is stopped after this many.
DEFAULT_DEADLINE = 300.0
# Seconds for each whole response.
DEFAULT_TIMEOUT = 10.0
# The largest response body read: a ListJobs page of 1000 full summaries is well under 4 MiB.
DEFAULT_MAX_BODY = 8 * 1024 * 1024
_READ_SIZE = 64 * 1024
# The rule a request of each operation is checked under when it fails outside a case.
_RULE_OF_OPERATION = {
    "ListServiceJobs": "W-1",
    "ListJobs": "LJ-1",
    "ListJobsByConsumableResource": "CR-1",
    "SubmitServiceJob": "H-4",
    "DescribeServiceJob": "H-5",
    "TerminateServiceJob": "H-6",
    # What a ListJobs run makes for itself is checked under LJ-1, the rule its listings are judged by.
    "CreateComputeEnvironment": "LJ-1",
    "RegisterJobDefinition": "LJ-1",
    "SubmitJob": "LJ-1",
    "TerminateJob": "LJ-1",
}


class MissingDependency(RuntimeError):
    """botocore, which signs requests, is not installed."""


class EndpointUnreachable(ConnectionError):
    """The endpoint cannot be reached at all (refused, unknown host, timed out) on the run's first
    request."""


def check_url(url: str) -> None:
    """``ValueError`` unless ``url`` is ``http://HOST[:PORT]`` or ``https://...``; a URL without a scheme
    is told so.

    >>> check_url("127.0.0.1:8771")
    Traceback (most recent call last):
    ...
    ValueError: the endpoint URL '127.0.0.1:8771' has no scheme: write http://127.0.0.1:8771
    """
    if "://" not in url:
        raise ValueError(f"the endpoint URL {url!r} has no scheme: write http://{url}")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"the endpoint URL must be http://HOST[:PORT] or https://..., got {url!r}")


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """One HTTP response: the status, the headers (names in lower case) and the body, with the body as
    JSON when it is JSON (``data``, else None)."""

    status: int
    headers: dict[str, str]
    body: bytes
    data: Any = field(default=None)

    @property
    def request_id(self) -> str | None:
        """The ``x-amzn-RequestId`` header, if any."""
        return self.headers.get("x-amzn-requestid")

    def error_type(self) -> str | None:
        """The error type as botocore reads it: ``x-amzn-ErrorType`` (up to a ``:``), else the body's
        ``__type`` or ``code`` (after a ``#``)."""
        header = self.headers.get("x-amzn-errortype")
        if header:
            return header.split(":", 1)[0]
        if isinstance(self.data, dict):
            for member in ("__type", "code", "Code"):
                value = self.data.get(member)
                if isinstance(value, str) and value:
                    return value.rsplit("#", 1)[-1]
        return None

    def error_message(self) -> str | None:
        """The body's ``message`` (or ``Message``), if any."""
        if isinstance(self.data, dict):
            for member in ("message", "Message"):
                value = self.data.get(member)
                if isinstance(value, str):
                    return value
        return None

    def shown(self) -> Any:
        """How the report shows this answer: the JSON body, else the status and the start of the body."""
        if self.data is not None and 200 <= self.status < 300:
            return self.data
        text = " ".join(self.body[:300].decode("utf-8", "replace").split())
        return f"HTTP {self.status}: {text}"


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine: ``localhost`` or a loopback address.

    >>> is_loopback("http://127.0.0.1:8000"), is_loopback("http://[::1]:5000"), is_loopback("http://localhost")
    (True, True, True)
    >>> is_loopback("https://batch.us-east-1.amazonaws.com")
    False
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EndpointClient:
    """Sends signed REST-JSON requests to one endpoint and returns :class:`HttpAnswer` values."""

    def __init__(
        self,
        url: str,
        *,
        region: str | None = None,
        profile: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        check_url(url)
        parts = urllib.parse.urlsplit(url)
        self.url = url
        self._scheme = parts.scheme
        self._netloc = parts.netloc
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base_path = parts.path.rstrip("/")
        self._timeout = timeout
        self.deadline = deadline
        self._deadline_at = time.monotonic() + deadline
        self._max_body = max_body
        self._reached = False
        self._connection: http.client.HTTPConnection | None = None
        self.requests = 0
        try:
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            from botocore.session import Session
        except ImportError:
            raise MissingDependency(
                f"checking an endpoint needs botocore to sign requests: {install_hint('conformance')}"
            ) from None
        self._request_class = AWSRequest
        session = Session(profile=profile)
        self.region = region or session.get_config_variable("region") or _DEFAULT_REGION
        if access_key_id is not None and secret_access_key is not None:
            credentials = Credentials(access_key_id, secret_access_key, session_token)
        else:
            found = session.get_credentials()
            if found is None:
                if not is_loopback(url):
                    raise ValueError(
                        f"no AWS credentials found to sign requests to {url}: set AWS_ACCESS_KEY_ID and "
                        "AWS_SECRET_ACCESS_KEY, or name a --profile"
                    )
                credentials = Credentials(*_DUMMY_CREDENTIALS)
            else:
                credentials = found.get_frozen_credentials()
        self._signer = SigV4Auth(credentials, _SERVICE, self.region)

    def call(self, operation: str, request: Any) -> HttpAnswer:
        """POST ``request`` (any JSON value) as the body of ``operation``."""
        return self.post(OPERATION_PATHS[operation], json.dumps(request).encode("utf-8"), operation)

    def post(self, path: str, body: bytes, operation: str = "") -> HttpAnswer:
        """POST raw ``body`` bytes to ``path``, signed; one retry on a fresh connection if a kept one was
        closed by the server. :class:`TargetFault` when no whole response comes (see the module
        documentation)."""
        self.requests += 1
        full_path = self._base_path + path

        def fault(reason: str) -> TargetFault:
            self.close()
            return TargetFault(
                reason,
                request=_shown_body(body),
                operation=operation or f"POST {path}",
                rule=_RULE_OF_OPERATION.get(operation, "H-1"),
            )

        remaining = self._deadline_at - time.monotonic()
        if remaining <= 0:
            raise fault(f"the run's deadline of {self.deadline:g} s passed")
        limit = min(self._timeout, remaining)
        signed = self._request_class(
            method="POST",
            url=f"{self._scheme}://{self._netloc}{full_path}",
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": _USER_AGENT},
        )
        self._signer.add_auth(signed)
        headers = {name: str(value) for name, value in signed.headers.items()}
        headers["Host"] = self._netloc
        if limit < self._timeout:
            late = f"the run's deadline of {self.deadline:g} s passed while waiting for a whole response"
        else:
            late = f"no whole response within {limit:g} s"
        for attempt in (1, 2):
            kept = self._connection is not None
            # The watchdog covers the connection's set-up too (a TLS handshake can drip as well).
            opened: list[http.client.HTTPConnection] = []
            cut = threading.Event()
            watchdog = threading.Timer(limit, _shut_down, (opened, cut))
            watchdog.daemon = True
            watchdog.start()
            try:
                connection = self._open(limit, opened)
            except OSError as error:
                watchdog.cancel()
                if not self._reached:
                    raise EndpointUnreachable(f"cannot reach {self.url}: {error}") from None
                raise fault(late if cut.is_set() else f"a new connection failed: {error}") from None
            try:
                connection.request("POST", full_path, body=body, headers=headers)
                response = connection.getresponse()
                data = self._read_body(response)
            except _BodyTooLarge as error:
                raise fault(str(error)) from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                if cut.is_set():
                    raise fault(late) from None
                if attempt == 1 and kept:
                    continue
                closed = "reset" if isinstance(error, ConnectionResetError) else "closed"
                raise fault(f"the endpoint {closed} the connection without a whole response") from None
            except (OSError, http.client.HTTPException) as error:
                if cut.is_set() or isinstance(error, TimeoutError):
                    raise fault(late) from None
                raise fault(f"no readable HTTP response: {type(error).__name__}: {error}") from None
            finally:
                watchdog.cancel()
            if cut.is_set():
                raise fault(late)
            if response.will_close:
                self.close()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            return HttpAnswer(response.status, answer_headers, data, _json_or_none(data))
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_body(self, response: http.client.HTTPResponse) -> bytes:
        """The body, read up to the cap; :class:`_BodyTooLarge` beyond it."""
        declared = response.getheader("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self._max_body:
            raise _BodyTooLarge(
                f"a body of {int(declared)} bytes declared, more than the {self._max_body} read"
            )
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_READ_SIZE)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self._max_body:
                raise _BodyTooLarge(f"a body of more than the {self._max_body} bytes read")
            chunks.append(chunk)

    def remaining(self) -> float:
        """Seconds left before the run's deadline (negative once it has passed)."""
        return self._deadline_at - time.monotonic()

    def grant(self, seconds: float) -> None:
        """Let requests go on for ``seconds`` from now even past the deadline: the clean-up's bounded time
        to remove what the run made."""
        self._deadline_at = max(self._deadline_at, time.monotonic() + seconds)

    def close(self) -> None:
        """Close the kept connection, if any."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _open(self, limit: float, opened: list[http.client.HTTPConnection]) -> http.client.HTTPConnection:
        """The kept connection, or a new one; either is put in ``opened`` for the watchdog."""
        if self._connection is None:
            connection_class = (
                http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            )
            connection = connection_class(self._host, self._port, timeout=limit)
            opened.append(connection)
            try:
                connection.connect()
            except OSError:
                connection.close()
                raise
            self._reached = True
            sock = connection.sock
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connection = connection
        else:
            opened.append(self._connection)
        sock = self._connection.sock
        if sock is not None:
            sock.settimeout(limit)
        return self._connection


class _BodyTooLarge(Exception):
    """A response body beyond the cap."""


def _shut_down(opened: list[http.client.HTTPConnection], cut: threading.Event) -> None:
    """The watchdog: end a response that has taken too long, whatever its reads are waiting for."""
    cut.set()
    for connection in opened:
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def _shown_body(body: bytes) -> Any:
    """A request body as a report shows it: JSON when it is, else its start as text."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return body[:300].decode("utf-8", "replace")


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
