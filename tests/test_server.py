"""The reference endpoint, driven by the real AWS clients (boto3 and the AWS CLI) and by raw HTTP.

Every operation the endpoint serves is called as a client calls it. Listings are compared with the pure
functions over the same jobs (as the endpoint holds them, ``wire.as_held``). Read-only tests share one
endpoint per module serving the demo sets; tests that change jobs each get their own endpoint and store
from the package's pytest plugin (``listjobs_endpoint``, ``listjobs_store``, ``listjobs_batch_client``).
"""

from __future__ import annotations

import gzip
import http.client
import json
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from wire import (
    ACCOUNT,
    REGION,
    SUBMIT,
    TIMEOUT_SECONDS,
    address,
    as_held,
    assert_error,
    aws_cli,
    aws_cli_json,
    client,
    full_selection,
    paginate,
    raw,
    raw_socket,
    run_command,
    serve_process,
    served_routes,
)

from listjobs_core import ClientException, ServiceJobStore, list_jobs, list_service_jobs
from listjobs_core.endpoint._demo import demo_batch_jobs, demo_jobs
from listjobs_core.endpoint._protocol import MAX_BODY_BYTES, ROUTES
from listjobs_core.service import move_job
from listjobs_core.testing import serving

boto3 = pytest.importorskip("boto3")
from botocore.exceptions import ClientError  # noqa: E402 - only once boto3 is known to be installed

DEMO = as_held(demo_jobs())
DEMO_BATCH = as_held(demo_batch_jobs(), kind="job")
QUEUE_ARN = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/"
TWO_FILTERS = [
    {"name": "JOB_NAME", "values": ["test1"]},
    {"name": "AFTER_CREATED_AT", "values": ["0"]},
]


@pytest.fixture(scope="module")
def demo_endpoint() -> Iterator[str]:
    """One endpoint for the module's read-only tests, serving the demo service jobs and Batch jobs."""
    with serving(demo_jobs(), batch_jobs=demo_batch_jobs()) as url:
        yield url


def job_arn(job_id: str) -> str:
    return f"arn:aws:batch:{REGION}:{ACCOUNT}:service-job/{job_id}"


def client_error(call: Callable[..., Any], **request: Any) -> dict[str, Any]:
    """The ``Error`` of the ClientError a boto3 call raises."""
    with pytest.raises(ClientError) as raised:
        call(**request)
    error: dict[str, Any] = raised.value.response["Error"]
    return error


# --- ListServiceJobs ------------------------------------------------------------------------------------


def test_boto3_list_service_jobs_answers_what_the_pure_function_answers(demo_endpoint: str) -> None:
    """A boto3 list_service_jobs call gets the pure function's page, token included, and the next one."""
    batch = client(demo_endpoint)
    expected = list_service_jobs(DEMO, {"maxResults": 5})
    response = batch.list_service_jobs(maxResults=5)
    assert response["jobSummaryList"] == expected["jobSummaryList"]
    assert response["nextToken"] == expected["nextToken"]
    second = batch.list_service_jobs(maxResults=5, nextToken=response["nextToken"])
    following = list_service_jobs(DEMO, {"maxResults": 5, "nextToken": expected["nextToken"]})
    assert second["jobSummaryList"] == following["jobSummaryList"]


@pytest.mark.parametrize(
    ("request_members", "page_size"),
    [
        ({}, 7),
        ({"jobStatus": "SUCCEEDED"}, 10),
        ({"jobQueue": "research-queue", "jobStatus": "FAILED"}, 3),
        ({"jobQueue": QUEUE_ARN + "research-queue", "jobStatus": "FAILED"}, 3),
        ({"filters": [{"name": "JOB_NAME", "values": ["test1*"]}]}, 4),
        ({"filters": [{"name": "SHARE_IDENTIFIER", "values": ["teamA"]}], "jobStatus": "RUNNING"}, 5),
    ],
)
def test_boto3_paginator_merges_pages_into_the_full_selection(
    demo_endpoint: str, request_members: dict[str, Any], page_size: int
) -> None:
    """get_paginator("list_service_jobs") with a PageSize merges to the pure function's whole selection."""
    expected = full_selection(list_service_jobs, DEMO, {**request_members, "jobQueue": None})
    if "jobQueue" in request_members:
        queue_arn = QUEUE_ARN + request_members["jobQueue"].rsplit("/", 1)[-1]
        expected = full_selection(list_service_jobs, DEMO, {**request_members, "jobQueue": queue_arn})
    assert len(expected) > page_size  # more than one page, so tokens are exercised
    assert paginate(client(demo_endpoint), "list_service_jobs", page_size, **request_members) == expected


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
    demo_endpoint: str, request_members: dict[str, Any], fragment: str
) -> None:
    """Each bad ListServiceJobs request is a ClientError with Code ClientException, in the service's form."""
    with pytest.raises(ClientError) as raised:
        client(demo_endpoint, validate=False).list_service_jobs(**request_members)
    response = raised.value.response
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["Error"]["Code"] == "ClientException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert fragment in response["Error"]["Message"]
    assert response["Error"]["Message"].startswith("Error executing request, Exception : ")
    assert response["Error"]["Message"].endswith(f", RequestId: {request_id}")


def test_boto3_token_of_another_query_is_a_client_exception(demo_endpoint: str) -> None:
    """A nextToken presented with another query is refused, through boto3 as in the library."""
    batch = client(demo_endpoint)
    token = batch.list_service_jobs(maxResults=2)["nextToken"]
    error = client_error(batch.list_service_jobs, maxResults=2, jobStatus="FAILED", nextToken=token)
    assert error["Code"] == "ClientException"


def test_a_queue_name_and_its_arn_here_list_the_same_jobs_and_other_arns_none(demo_endpoint: str) -> None:
    """H-10: a queue name denotes the queue of the endpoint's region and account, so that ARN lists the
    same jobs, tokens included, and the ARN of another region or account lists none of them."""
    batch = client(demo_endpoint)
    by_name = batch.list_service_jobs(jobQueue="research-queue", jobStatus="SUCCEEDED", maxResults=2)
    by_arn = batch.list_service_jobs(
        jobQueue=QUEUE_ARN + "research-queue", jobStatus="SUCCEEDED", maxResults=2
    )
    assert by_name["jobSummaryList"] == by_arn["jobSummaryList"] != []
    assert by_name["nextToken"] == by_arn["nextToken"]
    after_name = batch.list_service_jobs(
        jobQueue=QUEUE_ARN + "research-queue", jobStatus="SUCCEEDED", nextToken=by_name["nextToken"]
    )
    assert after_name["jobSummaryList"]
    for other in (
        "arn:aws:batch:eu-west-1:123456789012:job-queue/",
        "arn:aws:batch:us-east-1:999999999999:job-queue/",
    ):
        assert (
            batch.list_service_jobs(jobQueue=other + "research-queue", jobStatus="SUCCEEDED")[
                "jobSummaryList"
            ]
            == []
        )


# --- ListJobs -------------------------------------------------------------------------------------------


def test_boto3_list_jobs_answers_what_list_jobs_answers(demo_endpoint: str) -> None:
    """A boto3 list_jobs call gets the pure list_jobs page over the Batch jobs, token included."""
    batch = client(demo_endpoint)
    request = {"jobQueue": "cpu-queue", "jobStatus": "RUNNING", "maxResults": 2}
    expected = list_jobs(DEMO_BATCH, {**request, "jobQueue": QUEUE_ARN + "cpu-queue"})
    response = batch.list_jobs(**request)
    assert response["jobSummaryList"] == expected["jobSummaryList"]
    assert response["nextToken"] == expected["nextToken"]


def _parent(kind: str) -> str:
    return next(job["jobId"] for job in DEMO_BATCH if kind in job)


@pytest.mark.parametrize(
    ("request_members", "page_size"),
    [
        ({"jobQueue": "gpu-queue", "jobStatus": "SUCCEEDED"}, 2),
        ({"jobQueue": "cpu-queue", "filters": [{"name": "JOB_DEFINITION", "values": ["preprocess"]}]}, 3),
        ({"jobQueue": "cpu-queue", "filters": [{"name": "JOB_NAME", "values": ["nightly-etl"]}]}, 2),
        ({"arrayJobId": "ARRAY", "jobStatus": "FAILED"}, 1),
        ({"multiNodeJobId": "MNP", "jobStatus": "RUNNING"}, 1),
    ],
)
def test_boto3_list_jobs_paginator_merges_to_the_full_selection(
    demo_endpoint: str, request_members: dict[str, Any], page_size: int
) -> None:
    """get_paginator("list_jobs") merges to list_jobs' selection: queues, filters, array and MNP children."""
    request = dict(request_members)
    for member, kind in (("arrayJobId", "arrayProperties"), ("multiNodeJobId", "nodeProperties")):
        if member in request:
            request[member] = next(
                parent["jobId"]
                for parent in DEMO_BATCH
                if kind in parent
                and full_selection(
                    list_jobs, DEMO_BATCH, {member: parent["jobId"], "jobStatus": request["jobStatus"]}
                )
            )
    expected_request = dict(request)
    if "jobQueue" in request:
        expected_request["jobQueue"] = QUEUE_ARN + request["jobQueue"]
    expected = full_selection(list_jobs, DEMO_BATCH, expected_request)
    assert expected
    assert paginate(client(demo_endpoint), "list_jobs", page_size, **request) == expected


@pytest.mark.parametrize(
    ("request_members", "fragment"),
    [
        ({"jobQueue": "cpu-queue", "jobStatus": "SCHEDULED"}, "jobStatus"),
        ({"jobQueue": "cpu-queue", "arrayJobId": "a"}, "Exactly one of"),
        ({"jobQueue": "cpu-queue", "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["x"]}]}, "name"),
    ],
)
def test_boto3_bad_list_jobs_request_is_a_client_exception(
    demo_endpoint: str, request_members: dict[str, Any], fragment: str
) -> None:
    """ListJobs refuses what the model rules out for it (LJ-2, LJ-3, LJ-5) with a ClientException."""
    error = client_error(client(demo_endpoint, validate=False).list_jobs, **request_members)
    assert error["Code"] == "ClientException"
    assert fragment in error["Message"]


# --- DescribeServiceJob and ids as ARNs ----------------------------------------------------------------


def test_describe_a_job_of_the_jobs_set_gives_its_queue_arn(demo_endpoint: str) -> None:
    """A job loaded with a bare queue name is described with the queue's ARN (H-5, H-10), and with the
    members it has."""
    job = next(
        job for job in demo_jobs() if job["status"] == "RUNNING" and not job["jobQueue"].startswith("arn:")
    )
    described = client(demo_endpoint).describe_service_job(jobId=job["jobId"])
    assert described["jobQueue"] == QUEUE_ARN + job["jobQueue"]
    assert described["startedAt"] == job["startedAt"]
    assert described["jobName"] == job["jobName"]
    assert "version" not in described


def test_describe_takes_the_job_arn_and_no_other_arn(demo_endpoint: str) -> None:
    """H-9: the job's ARN names it as its id does; a service-job ARN of another region names no job here;
    an ARN of another kind of resource is refused."""
    batch = client(demo_endpoint)
    job_id = DEMO[0]["jobId"]
    by_arn = batch.describe_service_job(jobId=job_arn(job_id))
    by_id = batch.describe_service_job(jobId=job_id)
    by_arn.pop("ResponseMetadata")
    by_id.pop("ResponseMetadata")
    assert by_arn == by_id
    elsewhere = f"arn:aws:batch:eu-west-1:{ACCOUNT}:service-job/{job_id}"
    error = client_error(batch.describe_service_job, jobId=elsewhere)
    assert (error["Code"], elsewhere in error["Message"]) == ("ClientException", True)
    error = client_error(batch.describe_service_job, jobId=QUEUE_ARN + "research-queue")
    assert "must be a service job ID or service job ARN" in error["Message"]


OPERATION_ERRORS = [
    ("submit_service_job", {**SUBMIT, "serviceJobType": "ECS"}, "serviceJobType"),
    ("submit_service_job", {**SUBMIT, "jobName": "no spaces"}, "jobName"),
    ("submit_service_job", {k: v for k, v in SUBMIT.items() if k != "serviceRequestPayload"}, "required"),
    ("submit_service_job", {**SUBMIT, "schedulingPriority": 10000}, "schedulingPriority"),
    ("submit_service_job", {**SUBMIT, "retryStrategy": {"attempts": 11}}, "retryStrategy.attempts"),
    ("submit_service_job", {**SUBMIT, "tags": {}}, "tags"),
    ("describe_service_job", {"jobId": "no-such-job"}, "no-such-job"),
    ("describe_service_job", {}, "jobId is required"),
    ("terminate_service_job", {"jobId": "no-such-job", "reason": "r"}, "no-such-job"),
    ("terminate_service_job", {"jobId": "no-such-job"}, "reason is required"),
    ("update_service_job", {"jobId": "no-such-job", "schedulingPriority": 1}, "no-such-job"),
    ("update_service_job", {"schedulingPriority": 1}, "jobId is required"),
    ("update_service_job", {"jobId": "x"}, "schedulingPriority is required"),
    ("update_service_job", {"jobId": "x", "schedulingPriority": -1}, "schedulingPriority"),
    ("terminate_service_jobs", {"jobs": [], "reason": "r"}, "jobs"),
    ("terminate_service_jobs", {"jobs": ["a"] * 51, "reason": "r"}, "Maximum number of jobs supported is 50"),
    ("terminate_service_jobs", {"jobs": ["a"]}, "reason is required"),
]


@pytest.mark.parametrize(("operation", "request_members", "fragment"), OPERATION_ERRORS)
def test_boto3_bad_service_job_request_is_a_client_exception(
    demo_endpoint: str, operation: str, request_members: dict[str, Any], fragment: str
) -> None:
    """Bad requests of every service-job operation are ClientExceptions naming the member at fault."""
    error = client_error(getattr(client(demo_endpoint, validate=False), operation), **request_members)
    assert error["Code"] == "ClientException"
    assert fragment in error["Message"]


# --- SubmitServiceJob, TerminateServiceJob(s), UpdateServiceJob ------------------------------------------


def test_submitted_jobs_are_listed_newest_first(listjobs_batch_client: Any) -> None:
    """Jobs submitted through boto3 are SUBMITTED, in their queue, and listed newest first."""
    batch = listjobs_batch_client
    submitted = [
        batch.submit_service_job(**{**SUBMIT, "jobName": f"fresh-{n}", "jobQueue": "fresh-queue"})
        for n in range(3)
    ]
    for answer in submitted:
        assert answer["jobArn"] == job_arn(answer["jobId"])
        assert answer["jobName"].startswith("fresh-")
    listed = paginate(batch, "list_service_jobs", 2, jobStatus="SUBMITTED", jobQueue="fresh-queue")
    assert sorted(summary["jobId"] for summary in listed) == sorted(answer["jobId"] for answer in submitted)
    assert all(summary["status"] == "SUBMITTED" for summary in listed)
    keys = [(-summary["createdAt"], summary["jobId"]) for summary in listed]
    assert keys == sorted(keys)
    by_arn = paginate(
        batch, "list_service_jobs", 100, jobStatus="SUBMITTED", jobQueue=QUEUE_ARN + "fresh-queue"
    )
    assert by_arn == listed
    by_name = paginate(batch, "list_service_jobs", 100, filters=[{"name": "JOB_NAME", "values": ["FRESH-*"]}])
    assert [summary["jobName"] for summary in by_name] == ["fresh-0", "fresh-1", "fresh-2"]


def test_describe_shows_the_submitted_job_without_a_start_time(listjobs_batch_client: Any) -> None:
    """DescribeServiceJob returns the submitted members, its queue ARN, and no startedAt before it starts."""
    batch = listjobs_batch_client
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
        "jobQueue": QUEUE_ARN + "sagemaker-training-queue",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "serviceRequestPayload": SUBMIT["serviceRequestPayload"],
        "status": "SUBMITTED",
        "isTerminated": False,
        "shareIdentifier": "teamA",
        "schedulingPriority": 5,
        "retryStrategy": {"attempts": 2},
        "tags": {"team": "ml"},
    }


def test_terminate_by_arn_then_list_shows_the_job_failed_with_the_reason(listjobs_batch_client: Any) -> None:
    """A job terminated by its ARN leaves the SUBMITTED listing and is listed FAILED with the reason."""
    batch = listjobs_batch_client
    submitted = batch.submit_service_job(**SUBMIT)
    batch.terminate_service_job(jobId=submitted["jobArn"], reason="no longer needed")
    assert paginate(batch, "list_service_jobs", 100, jobStatus="SUBMITTED") == []
    (summary,) = paginate(batch, "list_service_jobs", 100, jobStatus="FAILED")
    assert (summary["jobId"], summary["statusReason"]) == (submitted["jobId"], "no longer needed")
    described = batch.describe_service_job(jobId=submitted["jobId"])
    assert (described["status"], described["isTerminated"]) == ("FAILED", True)
    assert described["stoppedAt"] >= described["createdAt"]


def test_terminating_a_finished_job_changes_nothing(
    listjobs_store: ServiceJobStore, listjobs_batch_client: Any
) -> None:
    """TerminateServiceJob on a SUCCEEDED job succeeds and leaves it as it was (H-6)."""
    listjobs_store.put(
        {"jobId": "done", "jobName": "n", "status": "SUCCEEDED", "createdAt": 1, "stoppedAt": 5}
    )
    job = listjobs_store.get("done")  # as held: completed with its jobArn and serviceJobType (H-20)
    listjobs_batch_client.terminate_service_job(jobId="done", reason="too late")
    assert listjobs_store.get("done") == job


def test_a_job_moved_in_the_store_is_described_with_the_timestamps_aws_shows(
    listjobs_store: ServiceJobStore, listjobs_batch_client: Any
) -> None:
    """A test that keeps the store moves a submitted job to RUNNING, then SUCCEEDED (the service's status
    moves, MS-10, MS-11): the endpoint describes and lists it with consistent timestamps and its attempt."""
    batch = listjobs_batch_client
    submitted = batch.submit_service_job(**SUBMIT)
    created_at = listjobs_store.get(submitted["jobId"])["createdAt"]
    running = move_job(listjobs_store, submitted["jobId"], "RUNNING", now_ms=created_at + 10)
    assert (running["scheduledAt"], running["startedAt"]) == (created_at + 10, created_at + 10)
    move_job(listjobs_store, submitted["jobId"], "SUCCEEDED", now_ms=created_at + 99, status_reason="done")
    described = batch.describe_service_job(jobId=submitted["jobArn"])
    assert described["status"] == "SUCCEEDED" and described["statusReason"] == "done"
    assert described["createdAt"] <= described["startedAt"] <= described["stoppedAt"] == created_at + 99
    assert described["latestAttempt"] == {"serviceResourceId": described["attempts"][0]["serviceResourceId"]}
    listed = batch.list_service_jobs(jobStatus="SUCCEEDED")["jobSummaryList"]
    assert [job["jobId"] for job in listed] == [submitted["jobId"]]
    held = listjobs_store.get(submitted["jobId"])
    with pytest.raises(ClientException, match="stoppedAt does not apply"):
        move_job(listjobs_store, submitted["jobId"], "RUNNABLE", now_ms=created_at + 200, stopped_at=1)
    assert listjobs_store.get(submitted["jobId"]) == held  # a refused move changes nothing


def test_a_reused_client_token_is_rejected(listjobs_batch_client: Any) -> None:
    """A second SubmitServiceJob with the same clientToken is a ClientException, and creates no job."""
    batch = listjobs_batch_client
    batch.submit_service_job(**SUBMIT, clientToken="once")
    error = client_error(batch.submit_service_job, **SUBMIT, clientToken="once")
    assert error["Code"] == "ClientException" and "clientToken" in error["Message"]
    assert (
        len(paginate(batch, "list_service_jobs", 100, filters=[{"name": "JOB_NAME", "values": ["train-1"]}]))
        == 1
    )


def test_update_changes_the_priority_by_id_or_arn(listjobs_batch_client: Any) -> None:
    """UpdateServiceJob sets schedulingPriority (H-11), naming the job by its id or its ARN, and answers
    the job's ARN, name and id."""
    batch = listjobs_batch_client
    submitted = batch.submit_service_job(**SUBMIT, schedulingPriority=1)
    answer = batch.update_service_job(jobId=submitted["jobArn"], schedulingPriority=42)
    answer.pop("ResponseMetadata")
    assert answer == {key: submitted[key] for key in ("jobArn", "jobName", "jobId")}
    assert batch.describe_service_job(jobId=submitted["jobId"])["schedulingPriority"] == 42
    batch.update_service_job(jobId=submitted["jobId"], schedulingPriority=0)
    assert batch.describe_service_job(jobId=submitted["jobArn"])["schedulingPriority"] == 0


def test_updating_a_finished_job_is_refused(listjobs_batch_client: Any) -> None:
    """The priority of a terminated (FAILED) job cannot change: a ClientException naming its status."""
    batch = listjobs_batch_client
    job_id = batch.submit_service_job(**SUBMIT)["jobId"]
    batch.terminate_service_job(jobId=job_id, reason="stop")
    error = client_error(batch.update_service_job, jobId=job_id, schedulingPriority=3)
    assert error["Code"] == "ClientException" and "FAILED" in error["Message"]
    assert "schedulingPriority" not in batch.describe_service_job(jobId=job_id)


def test_terminate_service_jobs_reports_each_job(listjobs_batch_client: Any) -> None:
    """TerminateServiceJobs (H-12) terminates each job named by id or ARN; unknown ids and ARNs of other
    regions count as successful, malformed identifiers are errors with ValidationException."""
    batch = listjobs_batch_client
    first, second = (batch.submit_service_job(**SUBMIT)["jobId"] for _ in range(2))
    elsewhere = f"arn:aws:batch:eu-west-1:{ACCOUNT}:service-job/{first}"
    identifiers = [first, job_arn(second), "no-such-job", elsewhere, "", QUEUE_ARN + "q"]
    answer = batch.terminate_service_jobs(jobs=identifiers, reason="cleanup")
    assert answer["successful"] == identifiers[:4]
    assert [(error["job"], error["code"]) for error in answer["errors"]] == [
        ("", "ValidationException"),
        (QUEUE_ARN + "q", "ValidationException"),
    ]
    for job_id in (first, second):
        described = batch.describe_service_job(jobId=job_id)
        assert (described["status"], described["statusReason"]) == ("FAILED", "cleanup")


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
    with serving(old_jobs) as started:
        readers = [client(started) for _ in range(8)]
        writers = [client(started) for _ in range(2)]
        barrier = threading.Barrier(len(readers) + len(writers), timeout=TIMEOUT_SECONDS)

        def read(batch: Any) -> None:
            barrier.wait()
            for _ in range(2):
                listed = [s["jobId"] for s in paginate(batch, "list_service_jobs", 25, jobStatus="SUBMITTED")]
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
                except BaseException as error:  # reported below
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
        final = {s["jobId"] for s in paginate(readers[0], "list_service_jobs", 100, jobStatus="SUBMITTED")}

    assert errors == []
    assert len(traversals) == 16
    for listed in traversals:
        assert len(listed) == len(set(listed)), "a job was listed twice in one traversal"
        assert old_ids <= set(listed), "a job that matched throughout was skipped"
    assert len(final) == len(old_ids) + 60


# --- the AWS CLI ---------------------------------------------------------------------------------------


def test_aws_cli_auto_paginates_to_the_full_selection(demo_endpoint: str) -> None:
    """`aws batch list-service-jobs --page-size 7` follows the tokens and prints the whole selection;
    `aws batch list-jobs` does the same for ListJobs."""
    printed = aws_cli_json(
        demo_endpoint, "list-service-jobs", "--job-status", "SUCCEEDED", "--page-size", "7"
    )
    assert printed == {"jobSummaryList": full_selection(list_service_jobs, DEMO, {"jobStatus": "SUCCEEDED"})}
    printed = aws_cli_json(demo_endpoint, "list-jobs", "--job-queue", "gpu-queue", "--page-size", "2")
    expected = full_selection(list_jobs, DEMO_BATCH, {"jobQueue": QUEUE_ARN + "gpu-queue"})
    assert printed == {"jobSummaryList": expected}


def test_aws_cli_exits_with_an_error_on_a_rejected_request(demo_endpoint: str) -> None:
    """A request the endpoint rejects makes the AWS CLI exit non-zero, naming ClientException and the rule."""
    result = aws_cli(
        demo_endpoint,
        "list-service-jobs",
        "--filters",
        "name=JOB_NAME,values=test1",
        "name=AFTER_CREATED_AT,values=0",
    )
    # The AWS CLI's exit status for an error the service returned: 255 in version 1, 254 in version 2.
    assert result.returncode in (254, 255)
    assert "ClientException" in result.stderr
    assert "Only one filter key-value pair can be specified." in result.stderr


def _aws_cli_knows(operation: str) -> bool:
    """Whether the installed AWS CLI's own copy of the Batch model has ``operation``."""
    import awscli

    model = Path(awscli.__file__).parent / "botocore" / "data" / "batch" / "2016-08-10" / "service-2.json"
    if not model.exists():
        compressed = model.with_name("service-2.json.gz")
        if not compressed.exists():
            return True  # the CLI reads botocore's model
        return operation in json.loads(gzip.decompress(compressed.read_bytes()))["operations"]
    return operation in json.loads(model.read_text())["operations"]


def test_aws_cli_every_service_job_operation(listjobs_endpoint: str) -> None:
    """The AWS CLI submits, describes, updates and terminates a job by its ARN, and lists it."""
    url = listjobs_endpoint
    submitted = aws_cli_json(
        url,
        "submit-service-job",
        "--job-name", "cli-job",
        "--job-queue", "cli-queue",
        "--service-job-type", "SAGEMAKER_TRAINING",
        "--service-request-payload", "{}",
    )  # fmt: skip
    arn = submitted["jobArn"]
    assert arn == job_arn(submitted["jobId"])
    updated = aws_cli_json(url, "update-service-job", "--job-id", arn, "--scheduling-priority", "9")
    assert updated == submitted
    described = aws_cli_json(url, "describe-service-job", "--job-id", arn)
    assert (described["jobQueue"], described["schedulingPriority"]) == (QUEUE_ARN + "cli-queue", 9)
    listed = aws_cli_json(url, "list-service-jobs", "--job-queue", "cli-queue", "--job-status", "SUBMITTED")
    assert [summary["jobId"] for summary in listed["jobSummaryList"]] == [submitted["jobId"]]
    aws_cli_json(url, "terminate-service-job", "--job-id", arn, "--reason", "done")
    assert aws_cli_json(url, "describe-service-job", "--job-id", arn)["status"] == "FAILED"
    if _aws_cli_knows("TerminateServiceJobs"):
        answer = aws_cli_json(url, "terminate-service-jobs", "--jobs", arn, "--reason", "again")
        assert answer == {"successful": [arn], "errors": []}


# --- routes and the body, as raw HTTP ------------------------------------------------------------------


def test_every_service_job_operation_of_the_model_and_list_jobs_is_routed() -> None:
    """H-1: the routes are exactly the model's service-job operations, ListJobs and
    ListJobsByConsumableResource, at their requestUri."""
    botocore_session = pytest.importorskip("botocore.session")
    model = botocore_session.get_session().get_service_model("batch")
    expected = served_routes(model)
    assert all(model.operation_model(name).http["method"] == "POST" for name in expected.values())
    assert {path: route.operation for path, route in ROUTES.items()} == expected


def test_malformed_json_is_a_client_exception(demo_endpoint: str) -> None:
    """A body that is not JSON is a 400 ClientException that says so."""
    status, headers, body = raw(demo_endpoint, "POST", "/v1/listservicejobs", b'{"maxResults": ')
    assert_error(status, headers, body, 400, "ClientException")
    assert "not valid JSON" in body["message"]


@pytest.mark.parametrize("payload", [b"[]", b'"text"', b"3", b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_client_exception(demo_endpoint: str, payload: bytes) -> None:
    """Arrays, strings, numbers, null and non-UTF-8 bytes are 400 ClientExceptions."""
    status, headers, body = raw(demo_endpoint, "POST", "/v1/listservicejobs", payload)
    assert_error(status, headers, body, 400, "ClientException")


def test_an_empty_body_is_the_empty_request(demo_endpoint: str) -> None:
    """An empty POST body is answered as the request {}."""
    status, headers, body = raw(demo_endpoint, "POST", "/v1/listservicejobs")
    assert status == 200
    assert body == list_service_jobs(DEMO, {})
    assert headers["content-type"] == "application/json"


def test_a_body_over_the_limit_is_refused_with_413(demo_endpoint: str) -> None:
    """A body over 1 MiB is a 413 RequestEntityTooLargeException, read by the client rather than a reset."""
    huge = b'{"jobQueue": "' + b"q" * (MAX_BODY_BYTES + 10) + b'"}'
    status, headers, body = raw(demo_endpoint, "POST", "/v1/listservicejobs", huge)
    assert_error(status, headers, body, 413, "RequestEntityTooLargeException")
    assert headers["connection"] == "close"
    assert str(MAX_BODY_BYTES) in body["message"]


def test_an_unknown_route_is_a_404_unknown_operation(demo_endpoint: str) -> None:
    """H-1, H-14: a path that is no operation is a 404 UnknownOperationException naming the path; the
    connection stays open."""
    status, headers, body = raw(demo_endpoint, "POST", "/v1/listjobz", b"{}")
    assert_error(status, headers, body, 404, "UnknownOperationException")
    assert "/v1/listjobz" in body["message"]
    assert "connection" not in headers


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "BREW"])
def test_another_method_on_a_route_is_a_405_unknown_operation(demo_endpoint: str, method: str) -> None:
    """Any method but POST on an operation's path, known to HTTP or not, is a 405 naming POST."""
    status, headers, body = raw(demo_endpoint, method, "/v1/listservicejobs")
    assert_error(status, headers, body, 405, "UnknownOperationException")
    assert headers["allow"] == "POST"


def test_head_gets_the_error_headers_without_a_body(demo_endpoint: str) -> None:
    """HEAD on an operation's path is a 405 with the error's headers and no body."""
    with closing(http.client.HTTPConnection(*address(demo_endpoint), timeout=TIMEOUT_SECONDS)) as connection:
        connection.request("HEAD", "/v1/listservicejobs")
        response = connection.getresponse()
        assert (response.status, response.getheader("x-amzn-ErrorType")) == (405, "UnknownOperationException")
        assert response.read() == b""


@pytest.mark.parametrize(
    ("head", "expected_status"),
    [
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n", 400),
        (b"POST /v1/listservicejobs HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        (b"POST /v1/listservicejobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
    ],
)
def test_bad_framing_is_a_malformed_http_request(
    demo_endpoint: str, head: bytes, expected_status: int
) -> None:
    """A missing, invalid or repeated Content-Length and a chunked body are MalformedHttpRequestException."""
    status, headers, body = raw_socket(demo_endpoint, head)
    assert_error(status, headers, body, expected_status, "MalformedHttpRequestException")
    assert headers["connection"] == "close"


def test_every_response_has_a_fresh_request_id(demo_endpoint: str) -> None:
    """Successes and errors each carry their own x-amzn-RequestId, on one keep-alive connection."""
    request_ids = []
    with closing(http.client.HTTPConnection(*address(demo_endpoint), timeout=TIMEOUT_SECONDS)) as connection:
        for body in (b"{}", b"{bad", b'{"maxResults": 1}'):
            connection.request("POST", "/v1/listservicejobs", body=body)
            response = connection.getresponse()
            response.read()
            request_ids.append(response.getheader("x-amzn-RequestId"))
    assert len(set(request_ids)) == 3 and all(request_ids)


# --- python -m listjobs_core serve ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop_signal", "quiet"),
    [(signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGINT-quiet"],
)
def test_serve_command_answers_boto3_and_stops_cleanly(
    tmp_path: Path, stop_signal: signal.Signals, quiet: bool
) -> None:
    """`serve --port 0 --jobs FILE --batch-jobs FILE` prints its URL, serves both files, logs each request
    (unless --quiet), and exits 0 on SIGTERM or SIGINT."""
    jobs_file, batch_file = tmp_path / "jobs.jsonl", tmp_path / "batch.json"
    jobs_file.write_text("".join(json.dumps(job) + "\n" for job in demo_jobs()[:120]))
    batch_file.write_text(json.dumps(demo_batch_jobs()))
    arguments = ["--jobs", str(jobs_file), "--batch-jobs", str(batch_file)] + (["--quiet"] if quiet else [])
    with serve_process(*arguments) as (process, url, stderr_path):
        batch = client(url)
        assert paginate(batch, "list_service_jobs", 6, jobStatus="SUCCEEDED") == full_selection(
            list_service_jobs, as_held(demo_jobs()[:120]), {"jobStatus": "SUCCEEDED"}
        )
        assert paginate(batch, "list_jobs", 5, jobQueue="cpu-queue") == full_selection(
            list_jobs, DEMO_BATCH, {"jobQueue": QUEUE_ARN + "cpu-queue"}
        )
        process.send_signal(stop_signal)
        assert process.wait(timeout=TIMEOUT_SECONDS) == 0
        log = stderr_path.read_text()
    if quiet:
        assert log == ""
    else:
        assert "operation=ListServiceJobs status=200" in log
        assert "operation=ListJobs status=200" in log


def test_serve_command_rejects_a_bad_jobs_file(tmp_path: Path) -> None:
    """A malformed jobs file stops `serve` before it listens: exit status 2 and a message naming the line."""
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text('{"jobId": "a", "jobName": "x"}\n{"jobId": "b"}\n')
    result = run_command("serve", "--port", "0", "--batch-jobs", str(jobs_file))
    assert result.returncode == 2
    assert b"line 2" in result.stderr and b"jobName" in result.stderr
    assert b"listening" not in result.stdout
