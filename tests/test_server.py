"""The reference endpoint, driven by the real AWS clients (boto3 and the AWS CLI) and by raw HTTP.

Every test starts its own server on 127.0.0.1 with a free port: most in a thread of this process, one as
``python -m listjobs_core serve``. The expected answers come from the pure function over the same jobs.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
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

import pytest

from listjobs_core import list_service_jobs
from listjobs_core.endpoint._demo import demo_jobs
from listjobs_core.endpoint._jobsfile import load_jobs
from listjobs_core.endpoint._server import MAX_BODY_BYTES
from listjobs_core.endpoint._service import ReferenceService
from listjobs_core.testing import serving

boto3 = pytest.importorskip("boto3")
from botocore.config import Config  # noqa: E402 - only once boto3 is known to be installed
from botocore.exceptions import ClientError  # noqa: E402

REPOSITORY = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# The AWS CLI in a subprocess: dummy credentials, and no user configuration or instance metadata lookups.
AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
SUBMIT = {
    "jobName": "train-1",
    "jobQueue": "sagemaker-training-queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": '{"TrainingJobName": "train-1"}',
}
TWO_FILTERS = [
    {"name": "JOB_NAME", "values": ["test1"]},
    {"name": "AFTER_CREATED_AT", "values": ["0"]},
]
TIMEOUT_SECONDS = 30


# --- helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[str]:
    """The URL of a running endpoint holding the demo jobs."""
    with serving(demo_jobs()) as url:
        yield url


def address(url: str) -> tuple[str, int]:
    """The host and port of an endpoint URL."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def client(url: str, *, validate: bool = True) -> Any:
    """A boto3 Batch client for the endpoint; ``validate=False`` lets bad requests reach the server."""
    config = Config(retries={"total_max_attempts": 1}, parameter_validation=validate)
    session = boto3.session.Session()
    return session.client("batch", region_name=REGION, endpoint_url=url, config=config, **CREDENTIALS)


def full_selection(jobs: list[dict[str, Any]], request: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every summary the query selects, in order, by walking the pure function's pages."""
    summaries: list[dict[str, Any]] = []
    page = list_service_jobs(jobs, dict(request))
    summaries += page["jobSummaryList"]
    for _ in range(len(jobs)):
        if "nextToken" not in page:
            break
        page = list_service_jobs(jobs, {**request, "nextToken": page["nextToken"]})
        summaries += page["jobSummaryList"]
    return summaries


def paginate(batch: Any, page_size: int, **request: Any) -> list[dict[str, Any]]:
    """The pages of boto3's paginator, merged."""
    paginator = batch.get_paginator("list_service_jobs")
    pages = paginator.paginate(**request, PaginationConfig={"PageSize": page_size})
    return [summary for page in pages for summary in page["jobSummaryList"]]


def raw(
    server: str,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> tuple[int, Mapping[str, str], Any]:
    """One request through http.client: status, headers (lower-case names), decoded JSON body."""
    host, port = address(server)
    connection = http.client.HTTPConnection(str(host), port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        data = response.read()
        response_headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, response_headers, json.loads(data) if data else None
    finally:
        connection.close()


def raw_socket(server: str, request: bytes) -> tuple[int, Mapping[str, str], Any]:
    """Send hand-written request bytes; parse the one response."""
    host, port = address(server)
    with socket.create_connection((str(host), port), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(data)


def assert_client_exception(status: int, headers: Mapping[str, str], body: Any, expected_status: int) -> None:
    assert status == expected_status
    assert headers["x-amzn-errortype"] == "ClientException"
    assert body["__type"] == "ClientException"
    request_id = headers["x-amzn-requestid"]
    assert body["message"].startswith("Error executing request, Exception : ")
    assert body["message"].endswith(f", RequestId: {request_id}")


# --- boto3: ListServiceJobs ----------------------------------------------------------------------------


def test_boto3_list_service_jobs_answers_what_the_pure_function_answers(server: str) -> None:
    """A boto3 list_service_jobs call gets the pure function's page, token included."""
    expected = list_service_jobs(demo_jobs(), {"maxResults": 5})
    response = client(server).list_service_jobs(maxResults=5)
    assert response["jobSummaryList"] == expected["jobSummaryList"]
    assert response["nextToken"] == expected["nextToken"]
    second = client(server).list_service_jobs(maxResults=5, nextToken=response["nextToken"])
    assert (
        second["jobSummaryList"]
        == list_service_jobs(demo_jobs(), {"maxResults": 5, "nextToken": expected["nextToken"]})[
            "jobSummaryList"
        ]
    )


@pytest.mark.parametrize(
    ("request_members", "page_size"),
    [
        ({}, 7),
        ({"jobStatus": "SUCCEEDED"}, 10),
        ({"jobQueue": "research-queue", "jobStatus": "FAILED"}, 3),
        ({"filters": [{"name": "JOB_NAME", "values": ["test1*"]}]}, 4),
        ({"filters": [{"name": "SHARE_IDENTIFIER", "values": ["teamA"]}], "jobStatus": "RUNNING"}, 5),
    ],
)
def test_boto3_paginator_merges_pages_into_the_full_selection(
    server: str, request_members: dict[str, Any], page_size: int
) -> None:
    """get_paginator("list_service_jobs") with a PageSize merges to the pure function's whole selection."""
    expected = full_selection(demo_jobs(), request_members)
    assert len(expected) > page_size  # more than one page, so tokens are exercised
    assert paginate(client(server), page_size, **request_members) == expected


# --- boto3: errors --------------------------------------------------------------------------------------

LIST_ERRORS = [
    ({"filters": TWO_FILTERS}, "Only one filter key-value pair can be specified."),
    ({"filters": [{"name": "JOB_NAME", "values": ["a", "b"]}]}, "Filter cannot take more than one value."),
    ({"jobStatus": "running"}, "jobStatus"),
    ({"maxResults": 0}, "maxResults"),
    ({"maxResults": 101}, "maxResults"),
    ({"filters": [{"name": "BEFORE_CREATED_AT", "values": ["-1"]}]}, "BEFORE_CREATED_AT"),
    ({"filters": [{"name": "job_name", "values": ["a"]}]}, "name"),
    ({"nextToken": "not-a-token"}, "nextToken"),
]


@pytest.mark.parametrize(("request_members", "fragment"), LIST_ERRORS)
def test_boto3_bad_list_request_is_a_client_exception(
    server: str, request_members: dict[str, Any], fragment: str
) -> None:
    """Each bad ListServiceJobs request is a ClientError with Code ClientException, in the service's form."""
    with pytest.raises(ClientError) as raised:
        client(server, validate=False).list_service_jobs(**request_members)
    response = raised.value.response
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["Error"]["Code"] == "ClientException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fragment in response["Error"]["Message"]
    assert response["Error"]["Message"].startswith("Error executing request, Exception : ")
    assert response["Error"]["Message"].endswith(f", RequestId: {request_id}")


def test_boto3_token_of_another_query_is_a_client_exception(server: str) -> None:
    """A nextToken presented with another query is refused, through boto3 as in the library."""
    batch = client(server)
    token = batch.list_service_jobs(maxResults=2)["nextToken"]
    with pytest.raises(ClientError) as raised:
        batch.list_service_jobs(maxResults=2, jobStatus="FAILED", nextToken=token)
    assert raised.value.response["Error"]["Code"] == "ClientException"


OPERATION_ERRORS = [
    ("submit_service_job", {**SUBMIT, "serviceJobType": "ECS"}, "serviceJobType"),
    ("submit_service_job", {**SUBMIT, "jobName": "no spaces"}, "jobName"),
    (
        "submit_service_job",
        {key: v for key, v in SUBMIT.items() if key != "serviceRequestPayload"},
        "required",
    ),
    ("submit_service_job", {**SUBMIT, "schedulingPriority": 10000}, "schedulingPriority"),
    ("submit_service_job", {**SUBMIT, "retryStrategy": {"attempts": 11}}, "retryStrategy.attempts"),
    ("submit_service_job", {**SUBMIT, "tags": {}}, "tags"),
    ("describe_service_job", {"jobId": "no-such-job"}, "no-such-job"),
    ("describe_service_job", {}, "jobId is required"),
    ("terminate_service_job", {"jobId": "no-such-job", "reason": "r"}, "no-such-job"),
    ("terminate_service_job", {"jobId": "no-such-job"}, "reason is required"),
]


@pytest.mark.parametrize(("operation", "request_members", "fragment"), OPERATION_ERRORS)
def test_boto3_bad_submit_describe_terminate_is_a_client_exception(
    server: str, operation: str, request_members: dict[str, Any], fragment: str
) -> None:
    """Bad SubmitServiceJob, DescribeServiceJob and TerminateServiceJob requests name the member at fault."""
    with pytest.raises(ClientError) as raised:
        getattr(client(server, validate=False), operation)(**request_members)
    error = raised.value.response["Error"]
    assert error["Code"] == "ClientException"
    assert fragment in error["Message"]


# --- boto3: submit, describe, terminate --------------------------------------------------------------


def test_submitted_jobs_are_listed_newest_first(server: str) -> None:
    """Jobs submitted through boto3 are SUBMITTED, in their queue, and listed newest first."""
    batch = client(server)
    before = paginate(batch, 100, jobStatus="SUBMITTED", jobQueue="fresh-queue")
    submitted = [
        batch.submit_service_job(**{**SUBMIT, "jobName": f"fresh-{n}", "jobQueue": "fresh-queue"})
        for n in range(3)
    ]
    for answer in submitted:
        assert answer["jobArn"] == f"arn:aws:batch:{REGION}:123456789012:service-job/{answer['jobId']}"
        assert answer["jobName"].startswith("fresh-")
    listed = paginate(batch, 2, jobStatus="SUBMITTED", jobQueue="fresh-queue")
    assert before == []
    assert sorted(summary["jobId"] for summary in listed) == sorted(answer["jobId"] for answer in submitted)
    assert all(summary["status"] == "SUBMITTED" for summary in listed)
    keys = [(-summary["createdAt"], summary["jobId"]) for summary in listed]
    assert keys == sorted(keys)
    by_arn = paginate(
        batch,
        100,
        jobStatus="SUBMITTED",
        jobQueue=f"arn:aws:batch:{REGION}:123456789012:job-queue/fresh-queue",
    )
    assert by_arn == listed
    by_name = paginate(batch, 100, filters=[{"name": "JOB_NAME", "values": ["FRESH-*"]}])
    assert [summary["jobName"] for summary in by_name] == ["fresh-0", "fresh-1", "fresh-2"]


def test_describe_shows_the_submitted_job_without_a_start_time(server: str) -> None:
    """DescribeServiceJob returns the submitted members, its queue ARN, and no startedAt before it starts."""
    batch = client(server)
    submitted = batch.submit_service_job(
        **SUBMIT,
        shareIdentifier="teamA",
        schedulingPriority=5,
        retryStrategy={"attempts": 2},
        tags={"team": "ml"},
    )
    described = batch.describe_service_job(jobId=submitted["jobId"])
    described.pop("ResponseMetadata")
    created_at = described.pop("createdAt")
    assert isinstance(created_at, int) and created_at > 1_600_000_000_000
    assert described == {
        "jobArn": submitted["jobArn"],
        "jobId": submitted["jobId"],
        "jobName": "train-1",
        "jobQueue": f"arn:aws:batch:{REGION}:123456789012:job-queue/sagemaker-training-queue",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": SUBMIT["serviceRequestPayload"],
        "status": "SUBMITTED",
        "isTerminated": False,
        "shareIdentifier": "teamA",
        "schedulingPriority": 5,
        "retryStrategy": {"attempts": 2},
        "tags": {"team": "ml"},
    }


def test_describe_a_job_of_the_jobs_set(server: str) -> None:
    """A job the server was started with is described with the members it has."""
    job = next(job for job in demo_jobs() if job["status"] == "RUNNING")
    described = client(server).describe_service_job(jobId=job["jobId"])
    assert described["startedAt"] == job["startedAt"]
    assert described["jobName"] == job["jobName"]
    assert "version" not in described


def test_terminate_then_list_shows_the_job_failed_with_the_reason(server: str) -> None:
    """A terminated job leaves the SUBMITTED listing and is listed FAILED, with the reason as statusReason."""
    batch = client(server)
    job_id = batch.submit_service_job(**SUBMIT)["jobId"]
    assert batch.terminate_service_job(jobId=job_id, reason="no longer needed")["ResponseMetadata"]
    submitted = paginate(batch, 100, jobStatus="SUBMITTED")
    failed = paginate(batch, 100, jobStatus="FAILED")
    assert job_id not in {summary["jobId"] for summary in submitted}
    (summary,) = [summary for summary in failed if summary["jobId"] == job_id]
    assert summary["statusReason"] == "no longer needed"
    described = batch.describe_service_job(jobId=job_id)
    assert (described["status"], described["isTerminated"]) == ("FAILED", True)
    assert described["stoppedAt"] >= described["createdAt"]


def test_terminating_a_finished_job_changes_nothing(server: str) -> None:
    """TerminateServiceJob on a SUCCEEDED job succeeds and leaves it as it was."""
    job = next(job for job in demo_jobs() if job["status"] == "SUCCEEDED")
    batch = client(server)
    before = batch.describe_service_job(jobId=job["jobId"])
    batch.terminate_service_job(jobId=job["jobId"], reason="too late")
    after = batch.describe_service_job(jobId=job["jobId"])
    before.pop("ResponseMetadata")
    after.pop("ResponseMetadata")
    assert after == before


def test_a_reused_client_token_is_rejected(server: str) -> None:
    """A second SubmitServiceJob with the same clientToken is a ClientException, and creates no job."""
    batch = client(server)
    batch.submit_service_job(**SUBMIT, clientToken="once")
    with pytest.raises(ClientError) as raised:
        batch.submit_service_job(**SUBMIT, clientToken="once")
    assert raised.value.response["Error"]["Code"] == "ClientException"
    assert "clientToken" in raised.value.response["Error"]["Message"]
    assert len(paginate(batch, 100, filters=[{"name": "JOB_NAME", "values": ["train-1"]}])) == 1


# --- many clients at once ------------------------------------------------------------------------------


def test_eight_clients_paginate_while_others_submit() -> None:
    """Eight boto3 clients paginate while two submit: no error, no job twice, none of the old jobs missed."""
    old_jobs = [
        {
            "jobId": f"old-{n:04d}",
            "jobName": f"old-{n % 7}",
            "status": "SUBMITTED",
            "createdAt": 1_000_000 + n // 2,
        }
        for n in range(400)
    ]
    old_ids = {job["jobId"] for job in old_jobs}
    errors: list[BaseException] = []
    traversals: list[list[str]] = []
    lock = threading.Lock()
    with serving(old_jobs + demo_jobs()) as started:
        readers = [client(started) for _ in range(8)]
        writers = [client(started) for _ in range(2)]
        barrier = threading.Barrier(len(readers) + len(writers), timeout=TIMEOUT_SECONDS)

        def read(batch: Any) -> None:
            barrier.wait()
            for _ in range(2):
                listed = [summary["jobId"] for summary in paginate(batch, 25, jobStatus="SUBMITTED")]
                with lock:
                    traversals.append(listed)

        def write(batch: Any, writer: int) -> None:
            barrier.wait()
            for n in range(30):
                batch.submit_service_job(**{**SUBMIT, "jobName": f"w{writer}-{n}"})

        def guarded(work: Callable[..., None], *args: Any) -> Callable[[], None]:
            def run() -> None:
                try:
                    work(*args)
                except BaseException as error:  # reported below, with the thread's traceback
                    with lock:
                        errors.append(error)

            return run

        threads = [threading.Thread(target=guarded(read, batch)) for batch in readers]
        threads += [threading.Thread(target=guarded(write, batch, n)) for n, batch in enumerate(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)
        final = {summary["jobId"] for summary in paginate(readers[0], 100, jobStatus="SUBMITTED")}

    assert errors == []
    assert len(traversals) == 16
    for listed in traversals:
        assert len(listed) == len(set(listed)), "a job was listed twice in one traversal"
        assert old_ids <= set(listed), "a job that matched throughout was skipped"
    assert len(final) == len(old_ids) + sum(job["status"] == "SUBMITTED" for job in demo_jobs()) + 60


# --- the AWS CLI ---------------------------------------------------------------------------------------


def aws_cli(url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``aws batch ARGUMENTS`` against the endpoint, as a subprocess of this Python."""
    command = [sys.executable, "-m", "awscli", "batch", *arguments, "--endpoint-url", url, "--region", REGION]
    environment = {**os.environ, **AWS_ENVIRONMENT}
    return subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=TIMEOUT_SECONDS, check=False
    )


def test_aws_cli_auto_paginates_to_the_full_selection(server: str) -> None:
    """`aws batch list-service-jobs --page-size 7` follows the tokens and prints the whole selection."""
    pytest.importorskip("awscli")
    result = aws_cli(
        server, "list-service-jobs", "--job-status", "SUCCEEDED", "--page-size", "7", "--output", "json"
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["jobSummaryList"] == full_selection(demo_jobs(), {"jobStatus": "SUCCEEDED"})
    assert "nextToken" not in printed


def test_aws_cli_exits_with_an_error_on_a_rejected_request(server: str) -> None:
    """A request the endpoint rejects makes the AWS CLI exit non-zero, naming ClientException and the rule."""
    pytest.importorskip("awscli")
    result = aws_cli(
        server,
        "list-service-jobs",
        "--filters",
        "name=JOB_NAME,values=test1",
        "name=AFTER_CREATED_AT,values=0",
    )
    # The AWS CLI's exit status for an error the service returned: 255 in version 1, 254 in version 2.
    assert result.returncode in (254, 255)
    assert "ClientException" in result.stderr
    assert "Only one filter key-value pair can be specified." in result.stderr


# --- raw HTTP ------------------------------------------------------------------------------------------


def test_malformed_json_is_a_client_exception(server: str) -> None:
    """A body that is not JSON is a 400 ClientException that says so."""
    status, headers, body = raw(server, "POST", "/v1/listservicejobs", b'{"maxResults": ')
    assert_client_exception(status, headers, body, 400)
    assert "not valid JSON" in body["message"]


@pytest.mark.parametrize("payload", [b"[]", b'"text"', b"3", b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_client_exception(
    server: str, payload: bytes
) -> None:
    """Arrays, strings, numbers, null and non-UTF-8 bytes are 400 ClientExceptions."""
    status, headers, body = raw(server, "POST", "/v1/listservicejobs", payload)
    assert_client_exception(status, headers, body, 400)


def test_an_empty_body_is_the_empty_request(server: str) -> None:
    """An empty POST body is answered as the request {}."""
    status, headers, body = raw(server, "POST", "/v1/listservicejobs")
    assert status == 200
    assert body == list_service_jobs(demo_jobs(), {})
    assert headers["content-type"] == "application/json"


def test_a_body_over_the_limit_is_refused_with_413(server: str) -> None:
    """A body over 1 MiB is a 413 ClientException, read by the client rather than a reset connection."""
    huge = b'{"jobQueue": "' + b"q" * (MAX_BODY_BYTES + 10) + b'"}'
    status, headers, body = raw(server, "POST", "/v1/listservicejobs", huge)
    assert_client_exception(status, headers, body, 413)
    assert headers["connection"] == "close"
    assert str(MAX_BODY_BYTES) in body["message"]


def test_an_unknown_route_is_a_404_client_exception(server: str) -> None:
    """A path that is no operation is a 404 with the service's error body, naming the path."""
    status, headers, body = raw(server, "POST", "/v1/listjobz", b"{}")
    assert_client_exception(status, headers, body, 404)
    assert "/v1/listjobz" in body["message"]


def test_another_method_on_a_route_is_a_405_client_exception(server: str) -> None:
    """GET on an operation's path is a 405 naming POST."""
    status, headers, body = raw(server, "GET", "/v1/listservicejobs")
    assert_client_exception(status, headers, body, 405)
    assert headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("head", "expected_status"),
    [
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", 400),
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        (b"BREW /v1/listservicejobs HTTP/1.1\r\nHost: x\r\n\r\n", 501),
    ],
)
def test_bad_framing_is_a_client_exception(
    server: str, head: bytes, expected_status: int
) -> None:
    """A missing or invalid Content-Length, a chunked body or an unknown method get the JSON error shape."""
    status, headers, body = raw_socket(server, head)
    assert_client_exception(status, headers, body, expected_status)


def test_every_response_has_a_fresh_request_id(server: str) -> None:
    """Successes and errors each carry their own x-amzn-RequestId, on one keep-alive connection."""
    host, port = address(server)
    connection = http.client.HTTPConnection(str(host), port, timeout=TIMEOUT_SECONDS)
    request_ids = []
    try:
        for body in (b"{}", b"{bad", b'{"maxResults": 1}'):
            connection.request("POST", "/v1/listservicejobs", body=body)
            response = connection.getresponse()
            response.read()
            request_ids.append(response.getheader("x-amzn-RequestId"))
    finally:
        connection.close()
    assert len(set(request_ids)) == 3 and all(request_ids)


def test_an_internal_error_is_a_500_and_the_server_keeps_serving(
    server: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception is logged and answered 500 ServerException; the next request is answered."""

    def broken(self: ReferenceService, request: object) -> dict[str, Any]:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(ReferenceService, "list_service_jobs", broken)
    with caplog.at_level("ERROR", logger="listjobs_core.server"):
        status, headers, body = raw(server, "POST", "/v1/listservicejobs", b"{}")
    assert status == 500
    assert headers["x-amzn-errortype"] == "ServerException"
    assert body["__type"] == "ServerException"
    assert "simulated fault" not in body["message"]
    assert any("simulated fault" in (record.exc_text or str(record.exc_info)) for record in caplog.records)

    monkeypatch.undo()
    status, _, body = raw(server, "POST", "/v1/listservicejobs", b'{"maxResults": 2}')
    assert status == 200 and len(body["jobSummaryList"]) == 2
    batch = client(server)
    monkeypatch.setattr(ReferenceService, "list_service_jobs", broken)
    with pytest.raises(ClientError) as raised:
        batch.list_service_jobs()
    assert raised.value.response["Error"]["Code"] == "ServerException"
    monkeypatch.undo()
    assert len(batch.list_service_jobs(maxResults=3)["jobSummaryList"]) == 3


# --- python -m listjobs_core serve ----------------------------------------------------------------------


@contextmanager
def serve_process(*arguments: str) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """``python -m listjobs_core serve --port 0 ARGUMENTS``: the process, its URL and its stderr file."""
    stderr_path = Path(tempfile.mkstemp(prefix="listjobs-serve-", suffix=".err")[1])
    with open(stderr_path, "w") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "listjobs_core",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                *arguments,
            ],
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
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


@pytest.mark.parametrize(
    ("stop_signal", "quiet"),
    [(signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGINT-quiet"],
)
def test_serve_command_answers_boto3_and_stops_cleanly(
    tmp_path: Path, stop_signal: signal.Signals, quiet: bool
) -> None:
    """`serve --port 0 --jobs FILE` prints its URL, serves the file, and exits 0 on SIGTERM or SIGINT."""
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in demo_jobs()[:120]))
    jobs = load_jobs(jobs_file)
    arguments = ["--jobs", str(jobs_file)] + (["--quiet"] if quiet else [])
    with serve_process(*arguments) as (process, url, stderr_path):
        assert paginate(client(url), 6, jobStatus="SUCCEEDED") == full_selection(
            jobs, {"jobStatus": "SUCCEEDED"}
        )
        process.send_signal(stop_signal)
        assert process.wait(timeout=TIMEOUT_SECONDS) == 0
        log = stderr_path.read_text()
    if quiet:
        assert log == ""
    else:
        assert '"POST /v1/listservicejobs HTTP/1.1" 200' in log


def test_serve_command_rejects_a_bad_jobs_file(tmp_path: Path) -> None:
    """A malformed jobs file stops `serve` before it listens: exit status 2 and a message naming the line."""
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text('{"jobId": "a", "jobName": "x"}\n{"jobId": "b"}\n')
    result = subprocess.run(
        [sys.executable, "-m", "listjobs_core", "serve", "--port", "0", "--jobs", str(jobs_file)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 2
    assert "line 2" in result.stderr and "jobName" in result.stderr
    assert "listening" not in result.stdout
