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
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ..._extras import install_hint

__all__ = [
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
}
_SERVICE = "batch"
_DEFAULT_REGION = "us-east-1"
# What an emulator on this machine gets when no credentials are found: any will do for it.
_DUMMY_CREDENTIALS = ("testing", "testing")
_USER_AGENT = "listjobs-core-conformance"


class MissingDependency(RuntimeError):
    """botocore, which signs requests, is not installed."""


class EndpointUnreachable(ConnectionError):
    """The endpoint cannot be reached at all (refused, unknown host, timed out)."""


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
        timeout: float = 10.0,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the endpoint URL must be http://HOST[:PORT] or https://..., got {url!r}")
        self.url = url
        self._scheme = parts.scheme
        self._netloc = parts.netloc
        self._host = parts.hostname
        self._port = parts.port
        self._base_path = parts.path.rstrip("/")
        self._timeout = timeout
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
        return self.post(OPERATION_PATHS[operation], json.dumps(request).encode("utf-8"))

    def post(self, path: str, body: bytes) -> HttpAnswer:
        """POST raw ``body`` bytes to ``path``, signed; one retry on a fresh connection if the kept one was
        closed by the server."""
        self.requests += 1
        full_path = self._base_path + path
        signed = self._request_class(
            method="POST",
            url=f"{self._scheme}://{self._netloc}{full_path}",
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": _USER_AGENT},
        )
        self._signer.add_auth(signed)
        headers = {name: str(value) for name, value in signed.headers.items()}
        headers["Host"] = self._netloc
        for attempt in (1, 2):
            connection = self._open()
            try:
                connection.request("POST", full_path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise EndpointUnreachable(f"{self.url} closed the connection") from None
                continue
            except (OSError, http.client.HTTPException) as error:
                self.close()
                raise EndpointUnreachable(f"cannot reach {self.url}: {error}") from None
            if response.will_close:
                self.close()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            return HttpAnswer(response.status, answer_headers, data, _json_or_none(data))
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the kept connection, if any."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _open(self) -> http.client.HTTPConnection:
        if self._connection is None:
            connection_class = (
                http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            )
            self._connection = connection_class(self._host, self._port, timeout=self._timeout)
            try:
                self._connection.connect()
                sock = self._connection.sock
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as error:
                self._connection = None
                raise EndpointUnreachable(f"cannot reach {self.url}: {error}") from None
        return self._connection


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
