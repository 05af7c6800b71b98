"""Talking to the reference endpoint as its clients do: boto3, the AWS CLI, raw HTTP and raw sockets.

Shared by the endpoint's test modules. Nothing here knows how the endpoint works; expected answers come
from the pure functions (``list_service_jobs``, ``list_jobs``) over jobs normalised by ``as_held``, which
restates rule H-10 in a few lines of its own.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPOSITORY = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
ACCOUNT = "123456789012"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
TIMEOUT_SECONDS = 30
SUBMIT = {
    "jobName": "train-1",
    "jobQueue": "sagemaker-training-queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": '{"TrainingJobName": "train-1"}',
}


# --- expected answers --------------------------------------------------------------------------------------

# The operations the endpoint serves besides the job listings and service-job operations: the queues as
# resources and GetJobQueueSnapshot (QS-1 to QS-6, SN-1), and the consumable resources (H-21).
RESOURCE_OPERATIONS = (
    "CreateSchedulingPolicy",
    "DescribeSchedulingPolicies",
    "DeleteSchedulingPolicy",
    "CreateJobQueue",
    "DescribeJobQueues",
    "DeleteJobQueue",
    "CreateQuotaShare",
    "DescribeQuotaShare",
    "UpdateQuotaShare",
    "DeleteQuotaShare",
    "ListQuotaShares",
    "GetJobQueueSnapshot",
    # H-21: the consumable resources the Batch jobs require.
    "CreateConsumableResource",
    "DescribeConsumableResource",
    "UpdateConsumableResource",
    "DeleteConsumableResource",
    "ListConsumableResources",
)


def served_routes(model: Any) -> dict[str, str]:
    """H-1: what the endpoint must route, from a botocore service model: every service-job operation,
    ListJobs, ListJobsByConsumableResource and ``RESOURCE_OPERATIONS``, each at its ``requestUri``."""
    return {
        model.operation_model(name).http["requestUri"]: name
        for name in model.operation_names
        if "ServiceJob" in name
        or name in ("ListJobs", "ListJobsByConsumableResource")
        or name in RESOURCE_OPERATIONS
    }


def as_held(
    jobs: list[dict[str, Any]], region: str = REGION, account: str = ACCOUNT, kind: str = "service-job"
) -> list[dict[str, Any]]:
    """The jobs as the endpoint holds them (H-10): a queue name made the queue ARN of the endpoint's region
    and account, and a missing jobArn filled in."""
    held = []
    for job in jobs:
        job = dict(job)
        queue_name = job.get("jobQueue")
        if isinstance(queue_name, str) and not queue_name.startswith("arn:"):
            job["jobQueue"] = f"arn:aws:batch:{region}:{account}:job-queue/{queue_name}"
        job.setdefault("jobArn", f"arn:aws:batch:{region}:{account}:{kind}/{job['jobId']}")
        held.append(job)
    return held


def full_selection(
    list_function: Callable[..., dict[str, Any]], jobs: list[dict[str, Any]], request: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every summary a query selects, in order, by walking the pure function's pages."""
    summaries: list[dict[str, Any]] = []
    page = list_function(jobs, dict(request))
    summaries += page["jobSummaryList"]
    while "nextToken" in page:
        page = list_function(jobs, {**request, "nextToken": page["nextToken"]})
        summaries += page["jobSummaryList"]
    return summaries


# --- boto3 -------------------------------------------------------------------------------------------------


@functools.cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def client(url: str, *, region: str = REGION, validate: bool = True) -> Any:
    """A boto3 Batch client for the endpoint; ``validate=False`` lets bad requests reach the server."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, parameter_validation=validate)
    session = boto3.session.Session(botocore_session=_botocore_session())
    return session.client("batch", region_name=region, endpoint_url=url, config=config, **CREDENTIALS)


def paginate(batch: Any, operation: str, page_size: int, **request: Any) -> list[dict[str, Any]]:
    """The pages of boto3's paginator for ``operation``, merged."""
    pages = batch.get_paginator(operation).paginate(**request, PaginationConfig={"PageSize": page_size})
    return [summary for page in pages for summary in page["jobSummaryList"]]


# --- the AWS CLI -------------------------------------------------------------------------------------------


def aws_cli(url: str, *arguments: str, region: str = REGION) -> subprocess.CompletedProcess[str]:
    """``aws batch ARGUMENTS --output json`` against the endpoint, as a subprocess of this Python."""
    command = [sys.executable, "-m", "awscli", "batch", *arguments, "--endpoint-url", url, "--output", "json"]
    environment = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_RETRY_MODE": "standard",
        "AWS_MAX_ATTEMPTS": "1",
    }
    return subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=TIMEOUT_SECONDS, check=False
    )


def aws_cli_json(url: str, *arguments: str, region: str = REGION) -> Any:
    """What ``aws batch ARGUMENTS`` prints, decoded; fails the test when the command fails."""
    result = aws_cli(url, *arguments, region=region)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


# --- raw HTTP ----------------------------------------------------------------------------------------------


def address(url: str) -> tuple[str, int]:
    """The host and port of an endpoint URL."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def raw(
    url: str, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    """One request through http.client: status, headers (lower-case names), decoded JSON body."""
    host, port = address(url)
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        response_headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, response_headers, json.loads(data) if data else None
    finally:
        connection.close()


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], Any, str]:
    """Parse one HTTP response from a socket: status, headers, decoded JSON body, and the status line's
    version (``HTTP/1.1``)."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    data = response.read()
    version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.version, str(response.version))
    headers = {name.lower(): value for name, value in response.getheaders()}
    return response.status, headers, json.loads(data) if data else None, version


def read_responses(sock: socket.socket, count: int) -> list[tuple[int, dict[str, str], Any]]:
    """Parse ``count`` successive responses (each with a Content-Length) from one buffered reader, so that
    bytes read ahead for one response are not lost to the next."""
    reader = sock.makefile("rb")
    responses = []
    for _ in range(count):
        status = int(reader.readline().split(b" ", 2)[1])
        headers: dict[str, str] = {}
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        data = reader.read(int(headers["content-length"]))
        responses.append((status, headers, json.loads(data)))
    return responses


def raw_socket(url: str, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send hand-written request bytes; parse the one response."""
    with socket.create_connection(address(url), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(request)
        status, headers, body, _ = read_response(sock)
        return status, headers, body


def connection_closed(sock: socket.socket) -> bool:
    """Whether the server closed the connection: the next read ends (or resets) rather than waiting."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def assert_error(
    status: int, headers: Mapping[str, str], body: Any, expected_status: int, error_type: str
) -> None:
    """The response is the service's error (E-3) of this status and type, naming its request id."""
    assert status == expected_status
    assert headers["x-amzn-errortype"] == error_type
    assert body["__type"] == error_type
    request_id = headers["x-amzn-requestid"]
    assert body["message"].startswith("Error executing request, Exception : ")
    assert body["message"].endswith(f", RequestId: {request_id}")


# --- python -m listjobs_core serve -------------------------------------------------------------------------


@contextmanager
def serve_process(*arguments: str) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """``python -m listjobs_core serve --port 0 ARGUMENTS``: the process, its URL and its stderr file."""
    descriptor, name = tempfile.mkstemp(prefix="listjobs-serve-", suffix=".err")
    os.close(descriptor)
    stderr_path = Path(name)
    command = [
        sys.executable,
        "-m",
        "listjobs_core",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        *arguments,
    ]
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=stderr, text=True)
    stdout = process.stdout
    assert stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    # readline blocks; a thread lets the wait for the first line have a timeout.
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        first = lines.get(timeout=TIMEOUT_SECONDS)
        assert first.startswith("listening on http://127.0.0.1:"), (first, stderr_path.read_text())
        yield process, first.removeprefix("listening on ").strip(), stderr_path
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT_SECONDS)
        stdout.close()
        stderr_path.unlink(missing_ok=True)


def run_command(*arguments: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """``python -m listjobs_core ARGUMENTS`` to its end."""
    return subprocess.run(
        [sys.executable, "-m", "listjobs_core", *arguments],
        cwd=REPOSITORY,
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
