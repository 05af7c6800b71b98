"""A whole run of the endpoint in eu-west-1 for account 111122223333 (rule H-10), with boto3 and the AWS CLI.

The module overrides the plugin's ``listjobs_region`` and ``listjobs_account`` fixtures, as a user's
conftest would: every plugin fixture (endpoint, stores, client) then works in that region and account.
"""

from __future__ import annotations

from typing import Any

import pytest
from wire import SUBMIT, as_held, aws_cli_json, client, full_selection, paginate

from listjobs_core import JobStore, ServiceJobStore, list_jobs, list_service_jobs
from listjobs_core.endpoint._demo import demo_batch_jobs, demo_jobs
from listjobs_core.testing import serving

pytest.importorskip("boto3")
from botocore.exceptions import ClientError  # noqa: E402 - only once boto3 is known to be installed

REGION = "eu-west-1"
ACCOUNT = "111122223333"
HERE = f"arn:aws:batch:{REGION}:{ACCOUNT}:"


@pytest.fixture
def listjobs_region() -> str:
    return REGION


@pytest.fixture
def listjobs_account() -> str:
    return ACCOUNT


def test_boto3_in_another_region_and_account(
    listjobs_batch_client: Any, listjobs_store: ServiceJobStore
) -> None:
    """Submit, describe, update, list and terminate in eu-west-1: every ARN carries the region and account,
    a queue name and its ARN here list the same jobs, and us-east-1's ARNs name nothing here."""
    batch = listjobs_batch_client
    submitted = batch.submit_service_job(**SUBMIT)
    job_id = submitted["jobId"]
    assert submitted["jobArn"] == f"{HERE}service-job/{job_id}"
    assert listjobs_store.get(job_id)["jobQueue"] == f"{HERE}job-queue/sagemaker-training-queue"
    described = batch.describe_service_job(jobId=submitted["jobArn"])
    assert described["jobQueue"] == f"{HERE}job-queue/sagemaker-training-queue"
    batch.update_service_job(jobId=submitted["jobArn"], schedulingPriority=3)

    by_name = paginate(
        batch, "list_service_jobs", 10, jobQueue="sagemaker-training-queue", jobStatus="SUBMITTED"
    )
    by_arn = paginate(
        batch,
        "list_service_jobs",
        10,
        jobQueue=f"{HERE}job-queue/sagemaker-training-queue",
        jobStatus="SUBMITTED",
    )
    us_east = "arn:aws:batch:us-east-1:123456789012:job-queue/sagemaker-training-queue"
    assert [summary["jobId"] for summary in by_name] == [job_id]
    assert by_arn == by_name
    assert paginate(batch, "list_service_jobs", 10, jobQueue=us_east, jobStatus="SUBMITTED") == []

    with pytest.raises(ClientError, match="does not identify a service job"):
        batch.describe_service_job(jobId=f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}")
    batch.terminate_service_job(jobId=submitted["jobArn"], reason="done")
    assert batch.describe_service_job(jobId=job_id)["status"] == "FAILED"


def test_jobs_files_in_another_region(listjobs_region: str, listjobs_account: str) -> None:
    """Jobs loaded with queue names are held with this region's queue ARNs and get this region's job ARNs;
    both listings answer as the pure functions over the jobs so held."""
    service_jobs = [
        {k: v for k, v in job.items() if k != "jobArn"} for job in demo_jobs(REGION, ACCOUNT)[:80]
    ]
    batch_jobs = demo_batch_jobs(REGION, ACCOUNT)
    held = as_held(service_jobs, REGION, ACCOUNT)
    held_batch = as_held(batch_jobs, REGION, ACCOUNT, kind="job")
    with serving(
        service_jobs, batch_jobs=batch_jobs, region=listjobs_region, account=listjobs_account
    ) as url:
        batch = client(url, region=REGION)
        request = {"jobQueue": "research-queue", "jobStatus": "SUCCEEDED"}
        expected = full_selection(
            list_service_jobs, held, {**request, "jobQueue": f"{HERE}job-queue/research-queue"}
        )
        assert paginate(batch, "list_service_jobs", 3, **request) == expected
        assert all(summary["jobArn"].startswith(f"{HERE}service-job/") for summary in expected)
        one = next(job for job in service_jobs if not job["jobQueue"].startswith("arn:"))
        assert (
            batch.describe_service_job(jobId=one["jobId"])["jobQueue"] == f"{HERE}job-queue/{one['jobQueue']}"
        )
        expected_jobs = full_selection(list_jobs, held_batch, {"jobQueue": f"{HERE}job-queue/gpu-queue"})
        assert paginate(batch, "list_jobs", 4, jobQueue="gpu-queue") == expected_jobs


def test_aws_cli_in_another_region(listjobs_endpoint: str, listjobs_batch_store: JobStore) -> None:
    """The AWS CLI with --region eu-west-1 sees this region's ARNs, submitting and listing by queue ARN, and
    lists the Batch jobs put in the plugin's batch store."""
    listjobs_batch_store.put(
        {
            "jobId": "b-1",
            "jobName": "etl",
            "status": "RUNNING",
            "createdAt": 5,
            "jobQueue": f"{HERE}job-queue/cpu",
        }
    )
    submitted = aws_cli_json(
        listjobs_endpoint,
        "submit-service-job",
        "--job-name", "cli-job",
        "--job-queue", f"{HERE}job-queue/cli-queue",
        "--service-job-type", "SAGEMAKER_TRAINING",
        "--service-request-payload", "{}",
        region=REGION,
    )  # fmt: skip
    assert submitted["jobArn"] == f"{HERE}service-job/{submitted['jobId']}"
    listed = aws_cli_json(
        listjobs_endpoint,
        "list-service-jobs",
        "--job-queue",
        "cli-queue",
        "--job-status",
        "SUBMITTED",
        region=REGION,
    )
    assert [summary["jobArn"] for summary in listed["jobSummaryList"]] == [submitted["jobArn"]]
    batch_listed = aws_cli_json(listjobs_endpoint, "list-jobs", "--job-queue", "cpu", region=REGION)
    assert [summary["jobId"] for summary in batch_listed["jobSummaryList"]] == ["b-1"]
