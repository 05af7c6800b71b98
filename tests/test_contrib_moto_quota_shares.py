"""The moto plug-in's quota-share policies, quota shares and GetJobQueueSnapshot, through boto3 with the
newest botocore under ``mock_aws`` (rule MS-15). Expected values are written by hand from the rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from botocore.exceptions import ClientError  # noqa: E402

from listjobs_core.contrib import moto as plugin  # noqa: E402

REGION = "us-east-1"
PREFIX = "arn:aws:batch:us-east-1:123456789012:"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
SHARE = {
    "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}
TRAINING = {"serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"}


@pytest.fixture
def batch() -> Iterator[Any]:
    """moto (decorator mode) with the plug-in, a service environment, and boto3's Batch client."""
    with moto.mock_aws(config={"batch": {"use_docker": False}}), plugin.installed():
        client = boto3.client("batch", region_name=REGION, **CREDENTIALS)
        client.create_service_environment(
            serviceEnvironmentName="env",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
        )
        yield client


def service_queue(batch: Any, name: str, policy_arn: str | None = None) -> str:
    extra = {} if policy_arn is None else {"schedulingPolicyArn": policy_arn}
    return str(
        batch.create_job_queue(
            jobQueueName=name,
            priority=1,
            jobQueueType="SAGEMAKER_TRAINING",
            serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
            **extra,
        )["jobQueueArn"]
    )


def refusal(call: Any, **request: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**request)
    assert caught.value.response["Error"]["Code"] == "ClientException"
    return str(caught.value.response["Error"]["Message"])


def test_quota_share_policies_and_shares_live_on_moto_queues(batch: Any) -> None:
    """MS-15: a policy made with quotaSharePolicy is described with it; quota shares of a moto queue with
    that policy are created, described, updated, listed (paginator included) and deleted; a queue with a
    fair-share policy takes none; a deleted queue takes its shares with it."""
    quota = batch.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    fair = batch.create_scheduling_policy(name="fair", fairsharePolicy={"shareDecaySeconds": 60})
    (described,) = batch.describe_scheduling_policies(arns=[quota["arn"]])["schedulingPolicies"]
    assert described["quotaSharePolicy"] == {"idleResourceAssignmentStrategy": "FIFO"}
    assert "fairsharePolicy" not in described
    assert "Only one of" in refusal(
        batch.create_scheduling_policy,
        name="both",
        fairsharePolicy={},
        quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"},
    )
    queue = service_queue(batch, "q", quota["arn"])
    service_queue(batch, "f", fair["arn"])
    for name in ("b", "a", "c"):
        batch.create_quota_share(quotaShareName=name, jobQueue="q", **SHARE)
    assert "no quota-share scheduling policy" in refusal(
        batch.create_quota_share, quotaShareName="a", jobQueue="f", **SHARE
    )
    arn = PREFIX + "quota-share/q/a"
    assert batch.describe_quota_share(quotaShareArn=arn)["jobQueueArn"] == queue
    batch.update_quota_share(quotaShareArn=arn, state="DISABLED")
    assert batch.describe_quota_share(quotaShareArn=arn)["state"] == "DISABLED"
    pages = batch.get_paginator("list_quota_shares").paginate(
        jobQueue=queue, PaginationConfig={"PageSize": 2}
    )
    assert [share["quotaShareName"] for page in pages for share in page["quotaShares"]] == ["a", "b", "c"]
    batch.delete_quota_share(quotaShareArn=arn)
    assert [share["quotaShareName"] for share in batch.list_quota_shares(jobQueue="q")["quotaShares"]] == [
        "b",
        "c",
    ]
    batch.update_job_queue(jobQueue="q", state="DISABLED")
    batch.delete_job_queue(jobQueue="q")
    service_queue(batch, "q", quota["arn"])
    assert batch.list_quota_shares(jobQueue="q")["quotaShares"] == []


def test_submit_and_snapshot_follow_the_queue_policy(batch: Any) -> None:
    """MS-15: SubmitServiceJob requires quotaShareName on a quota-share queue, naming a share of it, and
    refuses it elsewhere; GetJobQueueSnapshot orders the queue's RUNNABLE jobs by its policy and
    lists each share's first."""
    quota = batch.create_scheduling_policy(
        name="quota", quotaSharePolicy={"idleResourceAssignmentStrategy": "FIFO"}
    )
    service_queue(batch, "q", quota["arn"])
    service_queue(batch, "plain")
    for name in ("a", "b"):
        batch.create_quota_share(quotaShareName=name, jobQueue="q", **SHARE)
    submit = batch.submit_service_job
    assert "quotaShareName is required" in refusal(submit, jobName="j", jobQueue="q", **TRAINING)
    assert "quotaShareName" in refusal(submit, jobName="j", jobQueue="q", quotaShareName="zzz", **TRAINING)
    # A queue without a quota-share policy refuses quotaShareName, as the model says, and makes no job.
    assert "quotaShareName must not be given" in refusal(
        submit, jobName="kept", jobQueue="plain", quotaShareName="any", **TRAINING
    )
    every_status = [{"name": "AFTER_CREATED_AT", "values": ["0"]}]
    assert batch.list_service_jobs(jobQueue="plain", filters=every_status)["jobSummaryList"] == []
    jobs = {
        name: submit(
            jobName=name, jobQueue="q", quotaShareName=share, schedulingPriority=priority, **TRAINING
        )
        for name, share, priority in (("first", "a", 1), ("urgent", "b", 9), ("second", "a", 1))
    }
    for name in jobs:
        plugin.set_service_job_status(jobs[name]["jobId"], "RUNNABLE")
    snapshot = batch.get_job_queue_snapshot(jobQueue="q")
    assert [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]] == [
        jobs["urgent"]["jobArn"],
        jobs["first"]["jobArn"],
        jobs["second"]["jobArn"],
    ]
    fronts = snapshot["frontOfQuotaShares"]["quotaShares"]
    assert {name: [job["jobArn"] for job in entries] for name, entries in fronts.items()} == {
        "a": [jobs["first"]["jobArn"]],
        "b": [jobs["urgent"]["jobArn"]],
    }
    assert "does not exist" in refusal(batch.get_job_queue_snapshot, jobQueue="nope")
    assert batch.get_job_queue_snapshot(jobQueue="plain")["frontOfQueue"]["jobs"] == []
