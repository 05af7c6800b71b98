"""Job queues, scheduling policies, quota shares and GetJobQueueSnapshot at the reference endpoint, through
boto3 with the newest botocore (rules QS-1 to QS-6, SN-7). Expected values are written by hand from the
rules of docs/SEMANTICS.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from listjobs_core.endpoint import ReferenceService
from listjobs_core.testing import serving_service

boto3 = pytest.importorskip("boto3")
from botocore.exceptions import ClientError  # noqa: E402 - only once boto3 is known to be installed

PREFIX = "arn:aws:batch:us-east-1:123456789012:"
QUOTA_POLICY = {"idleResourceAssignmentStrategy": "FIFO"}
SHARE = {
    "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.m5.large"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}
TRAINING = {"serviceJobType": "SAGEMAKER_TRAINING", "serviceRequestPayload": "{}"}


@pytest.fixture()
def service() -> ReferenceService:
    clock = iter(range(1000, 10**6))
    return ReferenceService(clock=lambda: next(clock))


@pytest.fixture()
def batch(service: ReferenceService) -> Iterator[Any]:
    with serving_service(service) as url:
        yield boto3.client(
            "batch",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def refusal(call: Any, **request: Any) -> str:
    """The message of the ClientException a call is refused with."""
    with pytest.raises(ClientError) as caught:
        call(**request)
    assert caught.value.response["Error"]["Code"] == "ClientException"
    return str(caught.value.response["Error"]["Message"])


def quota_queue(batch: Any, name: str = "q", *shares: str) -> str:
    """A queue with a quota-share policy and the shares named; its ARN."""
    policy = batch.create_scheduling_policy(name=f"{name}-policy", quotaSharePolicy=QUOTA_POLICY)["arn"]
    arn = batch.create_job_queue(jobQueueName=name, priority=1, schedulingPolicyArn=policy)["jobQueueArn"]
    for share in shares:
        batch.create_quota_share(quotaShareName=share, jobQueue=name, **SHARE)
    return str(arn)


# --- QS-1: scheduling policies ------------------------------------------------------------------------------


def test_scheduling_policies_are_of_one_kind_described_and_deleted(batch: Any) -> None:
    """QS-1: one kind per policy (neither given is fair-share), ARN scheduling-policy/<name>, names unique,
    described in request order with unknown ARNs left out, not deleted while a queue uses it."""
    fair = batch.create_scheduling_policy(name="fair", fairsharePolicy={"shareDecaySeconds": 600})
    assert fair["arn"] == PREFIX + "scheduling-policy/fair"
    plain = batch.create_scheduling_policy(name="plain")["arn"]
    quota = batch.create_scheduling_policy(name="quota", quotaSharePolicy=QUOTA_POLICY)["arn"]
    both = {"fairsharePolicy": {}, "quotaSharePolicy": QUOTA_POLICY}
    assert "Only one of fairsharePolicy or quotaSharePolicy" in refusal(
        batch.create_scheduling_policy, name="both", **both
    )
    assert "already exists" in refusal(batch.create_scheduling_policy, name="fair")
    assert "name" in refusal(batch.create_scheduling_policy, name="no spaces")
    described = batch.describe_scheduling_policies(
        arns=[quota, PREFIX + "scheduling-policy/none", plain, quota]
    )
    assert [
        (policy["name"], sorted(set(policy) - {"name", "arn"})) for policy in described["schedulingPolicies"]
    ] == [("quota", ["quotaSharePolicy"]), ("plain", ["fairsharePolicy"])]
    batch.create_job_queue(jobQueueName="user", priority=1, schedulingPolicyArn=quota)
    assert "used" in refusal(batch.delete_scheduling_policy, arn=quota)
    batch.delete_job_queue(jobQueue="user")
    batch.delete_scheduling_policy(arn=quota)
    assert batch.describe_scheduling_policies(arns=[quota])["schedulingPolicies"] == []


# --- QS-2: job queues ---------------------------------------------------------------------------------------


def test_job_queues_are_created_described_in_creation_order_and_deleted(batch: Any) -> None:
    """QS-2: a queue's policy must exist; DescribeJobQueues in creation order, by name or ARN; a deleted
    queue takes its quota shares with it and becomes implicit again."""
    assert "schedulingPolicyArn" in refusal(
        batch.create_job_queue,
        jobQueueName="x",
        priority=1,
        schedulingPolicyArn=PREFIX + "scheduling-policy/none",
    )
    batch.create_job_queue(jobQueueName="zeta", priority=5, computeEnvironmentOrder=[])
    quota_queue(batch, "alpha", "a")
    assert "already exists" in refusal(batch.create_job_queue, jobQueueName="zeta", priority=1)
    described = batch.describe_job_queues()["jobQueues"]
    assert [(queue["jobQueueName"], queue["state"], queue["status"]) for queue in described] == [
        ("zeta", "ENABLED", "VALID"),
        ("alpha", "ENABLED", "VALID"),
    ]
    by_arn = batch.describe_job_queues(jobQueues=[PREFIX + "job-queue/alpha", "nope"])["jobQueues"]
    assert [queue["jobQueueName"] for queue in by_arn] == ["alpha"]
    batch.delete_job_queue(jobQueue="alpha")
    assert "does not identify a job queue" in refusal(batch.list_quota_shares, jobQueue="alpha")
    # Implicit again: a submit with any share members is taken, as before the queue existed.
    batch.submit_service_job(jobName="j", jobQueue="alpha", quotaShareName="gone", **TRAINING)


# --- QS-3, QS-4: quota shares -------------------------------------------------------------------------------


def test_quota_shares_are_created_described_updated_and_deleted(batch: Any) -> None:
    """QS-3, QS-4: a share of a quota-share queue, its ARN quota-share/<queue>/<name>, its settings
    replaced by UpdateQuotaShare, gone after DeleteQuotaShare."""
    queue = quota_queue(batch, "q")
    created = batch.create_quota_share(quotaShareName="team-a", jobQueue=queue, tags={"team": "a"}, **SHARE)
    arn = PREFIX + "quota-share/q/team-a"
    assert (created["quotaShareName"], created["quotaShareArn"]) == ("team-a", arn)
    described = batch.describe_quota_share(quotaShareArn=arn)
    described.pop("ResponseMetadata")
    assert described == {
        "quotaShareName": "team-a",
        "quotaShareArn": arn,
        "jobQueueArn": queue,
        **SHARE,
        "state": "ENABLED",
        "status": "VALID",
        "tags": {"team": "a"},
    }
    sharing = {"strategy": "LEND_AND_BORROW", "borrowLimit": 200}
    batch.update_quota_share(quotaShareArn=arn, resourceSharingConfiguration=sharing, state="DISABLED")
    updated = batch.describe_quota_share(quotaShareArn=arn)
    assert (updated["resourceSharingConfiguration"], updated["state"]) == (sharing, "DISABLED")
    assert updated["capacityLimits"] == SHARE["capacityLimits"]
    batch.delete_quota_share(quotaShareArn=arn)
    assert "does not identify a quota share" in refusal(batch.describe_quota_share, quotaShareArn=arn)


def test_quota_share_requests_are_refused_naming_the_member(batch: Any) -> None:
    """QS-3: a share needs a queue with a quota-share policy; its name is new in the queue; every member
    is checked, and a refusal names it."""
    quota_queue(batch, "q", "a")
    batch.create_job_queue(jobQueueName="fifo", priority=1)
    assert "no quota-share scheduling policy" in refusal(
        batch.create_quota_share, quotaShareName="a", jobQueue="fifo", **SHARE
    )
    assert "already exists" in refusal(batch.create_quota_share, quotaShareName="a", jobQueue="q", **SHARE)
    bad_limits = {**SHARE, "capacityLimits": [{"maxCapacity": -1, "capacityUnit": "u"}]}
    assert "capacityLimits[0].maxCapacity" in refusal(
        batch.create_quota_share, quotaShareName="b", jobQueue="q", **bad_limits
    )
    twice = {**SHARE, "capacityLimits": SHARE["capacityLimits"] * 2}
    assert "capacityLimits[1].capacityUnit" in refusal(
        batch.create_quota_share, quotaShareName="b", jobQueue="q", **twice
    )
    borrow = {**SHARE, "resourceSharingConfiguration": {"strategy": "RESERVE", "borrowLimit": 5}}
    assert "borrowLimit" in refusal(batch.create_quota_share, quotaShareName="b", jobQueue="q", **borrow)
    assert "quotaShareName" in refusal(batch.create_quota_share, quotaShareName="b c", jobQueue="q", **SHARE)
    assert "quotaShareArn" in refusal(batch.describe_quota_share, quotaShareArn="a")


# --- QS-5: SubmitServiceJob on a queue the endpoint holds ---------------------------------------------------


def test_submit_takes_the_share_member_its_queue_policy_calls_for(batch: Any) -> None:
    """QS-5: quotaShareName must be given on a quota-share queue, naming an ENABLED share of it, and not
    elsewhere; shareIdentifier likewise for fair-share; a queue the endpoint does not hold takes both."""
    quota_queue(batch, "quota", "a")
    fair = batch.create_scheduling_policy(name="fair")["arn"]
    batch.create_job_queue(jobQueueName="fair", priority=1, schedulingPolicyArn=fair)
    batch.create_job_queue(jobQueueName="fifo", priority=1)
    submit = batch.submit_service_job
    assert "quotaShareName is required" in refusal(submit, jobName="j", jobQueue="quota", **TRAINING)
    assert "quotaShareName" in refusal(submit, jobName="j", jobQueue="quota", quotaShareName="b", **TRAINING)
    assert "shareIdentifier must not be given" in refusal(
        submit, jobName="j", jobQueue="quota", quotaShareName="a", shareIdentifier="s", **TRAINING
    )
    submit(jobName="j", jobQueue=PREFIX + "job-queue/quota", quotaShareName="a", **TRAINING)
    assert "shareIdentifier is required" in refusal(submit, jobName="j", jobQueue="fair", **TRAINING)
    submit(jobName="j", jobQueue="fair", shareIdentifier="s", **TRAINING)
    assert "quotaShareName must not be given" in refusal(
        submit, jobName="j", jobQueue="fifo", quotaShareName="a", **TRAINING
    )
    assert "shareIdentifier must not be given" in refusal(
        submit, jobName="j", jobQueue="fifo", shareIdentifier="s", **TRAINING
    )
    batch.update_quota_share(quotaShareArn=PREFIX + "quota-share/quota/a", state="DISABLED")
    assert "DISABLED" in refusal(submit, jobName="j", jobQueue="quota", quotaShareName="a", **TRAINING)
    batch.create_job_queue(jobQueueName="off", priority=1, state="DISABLED")
    assert "DISABLED" in refusal(submit, jobName="j", jobQueue="off", **TRAINING)
    submit(jobName="j", jobQueue="implicit", shareIdentifier="s", quotaShareName="x", **TRAINING)


# --- QS-6: pages of quota shares and job queues -------------------------------------------------------------


def test_list_quota_shares_pages_by_name_with_tokens_bound_to_the_queue(batch: Any) -> None:
    """QS-6: shares in code-point order of their names, maxResults at a time; the paginator merges the
    pages; a token of another queue, or altered, is refused."""
    quota_queue(batch, "q", "b", "C", "a", "a-2")
    quota_queue(batch, "other", "x")
    first = batch.list_quota_shares(jobQueue="q", maxResults=3)
    assert [share["quotaShareName"] for share in first["quotaShares"]] == ["C", "a", "a-2"]
    last = batch.list_quota_shares(
        jobQueue=PREFIX + "job-queue/q", maxResults=3, nextToken=first["nextToken"]
    )
    assert [share["quotaShareName"] for share in last["quotaShares"]] == ["b"] and "nextToken" not in last
    pages = batch.get_paginator("list_quota_shares").paginate(jobQueue="q", PaginationConfig={"PageSize": 1})
    assert [share["quotaShareName"] for page in pages for share in page["quotaShares"]] == [
        "C",
        "a",
        "a-2",
        "b",
    ]
    assert "different query" in refusal(
        batch.list_quota_shares, jobQueue="other", maxResults=3, nextToken=first["nextToken"]
    )
    assert "not valid" in refusal(
        batch.list_quota_shares, jobQueue="q", nextToken=first["nextToken"][:-2] + "AA"
    )
    assert "maxResults" in refusal(batch.list_quota_shares, jobQueue="q", maxResults=101)


def test_describe_job_queues_pages_in_creation_order(batch: Any) -> None:
    """QS-6: DescribeJobQueues maxResults at a time, in creation order, its tokens bound to the request."""
    for name in ("c", "a", "b"):
        batch.create_job_queue(jobQueueName=name, priority=1)
    first = batch.describe_job_queues(maxResults=2)
    assert [queue["jobQueueName"] for queue in first["jobQueues"]] == ["c", "a"]
    rest = batch.describe_job_queues(maxResults=2, nextToken=first["nextToken"])
    assert [queue["jobQueueName"] for queue in rest["jobQueues"]] == ["b"]
    assert "different query" in refusal(
        batch.describe_job_queues, jobQueues=["a"], nextToken=first["nextToken"]
    )


# --- SN-7: the snapshot at the endpoint ---------------------------------------------------------------------


def test_the_snapshot_of_a_quota_share_queue_orders_its_service_jobs(
    batch: Any, service: ReferenceService
) -> None:
    """SN-7: a quota-share queue's snapshot reads its service jobs; the share using capacity goes after
    the idle one; each share's first RUNNABLE job is listed."""
    quota_queue(batch, "q", "busy", "idle", "empty")
    submitted = {}
    for name, share in (("old-busy", "busy"), ("new-idle", "idle"), ("running", "busy")):
        submitted[name] = batch.submit_service_job(
            jobName=name, jobQueue="q", quotaShareName=share, **TRAINING
        )
    for name in ("old-busy", "new-idle"):
        service.move_service_job(submitted[name]["jobId"], "RUNNABLE")
    service.move_service_job(submitted["running"]["jobId"], "RUNNING")
    service.store.update(
        submitted["running"]["jobId"], capacityUsage=[{"capacityUnit": "ml.p3", "quantity": 2}]
    )
    snapshot = batch.get_job_queue_snapshot(jobQueue="q")
    assert [job["jobArn"] for job in snapshot["frontOfQueue"]["jobs"]] == [
        submitted["new-idle"]["jobArn"],
        submitted["old-busy"]["jobArn"],
    ]
    fronts = snapshot["frontOfQuotaShares"]["quotaShares"]
    assert {name: [job["jobArn"] for job in jobs] for name, jobs in fronts.items()} == {
        "busy": [submitted["old-busy"]["jobArn"]],
        "empty": [],
        "idle": [submitted["new-idle"]["jobArn"]],
    }
    assert snapshot["queueUtilization"]["quotaShareUtilization"]["topCapacityUtilization"] == [
        {"quotaShareName": "busy", "capacityUsage": [{"capacityUnit": "ml.p3", "quantity": 2.0}]}
    ]


def test_the_snapshot_reads_the_store_of_the_queue_type(service: ReferenceService) -> None:
    """SN-7: a SAGEMAKER_TRAINING queue reads the service jobs, a queue of another type the Batch jobs,
    a queue of no known type (implicit here) both; a queue is FIFO without a policy."""
    service.load_service_jobs(
        [{"jobId": "s", "jobName": "s", "jobQueue": "q", "status": "RUNNABLE", "createdAt": 2}]
    )
    service.load_batch_jobs(
        [{"jobId": "b", "jobName": "b", "jobQueue": "q", "status": "RUNNABLE", "createdAt": 1}]
    )

    def front(queue: str) -> list[str]:
        answer = service.get_job_queue_snapshot({"jobQueue": queue})
        assert isinstance(answer, dict)
        return [job["jobArn"].rsplit("/", 1)[1] for job in answer["frontOfQueue"]["jobs"]]

    assert front("q") == ["b", "s"]
    service.create_job_queue({"jobQueueName": "q", "priority": 1, "jobQueueType": "SAGEMAKER_TRAINING"})
    assert front("q") == ["s"]
    service.delete_job_queue({"jobQueue": "q"})
    service.create_job_queue({"jobQueueName": "q", "priority": 1, "jobQueueType": "ECS"})
    assert front(PREFIX + "job-queue/q") == ["b"]
    with pytest.raises(Exception, match="jobQueue"):
        service.get_job_queue_snapshot({"jobQueue": "not/a queue"})
