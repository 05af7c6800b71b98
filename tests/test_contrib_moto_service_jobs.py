"""The plug-in's service-job rules one by one, through boto3 against real moto (MS-1 to MS-14)."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")
requests = pytest.importorskip("requests")

from botocore.exceptions import ClientError  # noqa: E402
from moto.batch.models import BatchBackend, batch_backends  # noqa: E402
from moto.batch.responses import BatchResponse  # noqa: E402
from moto.moto_api import state_manager  # noqa: E402
from moto.moto_api._internal.models import MotoAPIBackend  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from listjobs_core import ClientException, list_service_jobs  # noqa: E402
from listjobs_core.contrib import moto as plugin  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PAYLOAD = "{}"
MODEL = plugin.SERVICE_JOB_MODEL


def moto_method_name(operation: str) -> str:
    """The BatchResponse method moto calls for an operation: the path's action in lower case up to moto
    5.2.5, the model's operation name in snake case (dispatched through botocore's model) from 5.2.6 on."""
    if "list_jobs" in vars(BatchResponse):
        return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()
    return operation.lower()


@dataclass
class World:
    """moto in decorator mode with the plug-in, a service environment and a queue ``q`` of it."""

    batch: Any
    queue_arn: str
    environment_arn: str

    def submit(self, name: str = "train", queue: str = "q", **members: Any) -> dict[str, Any]:
        answer: dict[str, Any] = self.batch.submit_service_job(
            jobName=name,
            jobQueue=queue,
            serviceJobType="SAGEMAKER_TRAINING",
            **{"serviceRequestPayload": PAYLOAD, **members},
        )
        return answer

    def describe(self, job_id: str) -> dict[str, Any]:
        described: dict[str, Any] = self.batch.describe_service_job(jobId=job_id)
        described.pop("ResponseMetadata")
        return described


def make_world(batch: Any, queue: str = "q", environment: str = "env") -> World:
    environment_arn = batch.create_service_environment(
        serviceEnvironmentName=environment,
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": 2, "capacityUnit": "NUM_INSTANCES"}],
    )["serviceEnvironmentArn"]
    queue_arn = batch.create_job_queue(
        jobQueueName=queue,
        priority=1,
        jobQueueType="SAGEMAKER_TRAINING",
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": environment}],
    )["jobQueueArn"]
    return World(batch, queue_arn, environment_arn)


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """The plug-in installed for a block; uninstalled after it unless it was installed before (by a
    module's server fixture, whose server keeps needing it)."""
    already = plugin.is_installed()
    plugin.install()
    try:
        yield
    finally:
        if not already:
            plugin.uninstall()


@pytest.fixture
def world() -> Iterator[World]:
    """A fresh moto (decorator mode, Docker off) with the plug-in installed, and a service queue ``q``."""
    with moto.mock_aws(config={"batch": {"use_docker": False}}), installed():
        try:
            yield make_world(boto3.client("batch", region_name=REGION, **CREDENTIALS))
        finally:
            state_manager.unset_transition(MODEL)


def refused(call: Any, **request: Any) -> str:
    """The message of a ClientException (HTTP 400) a boto3 call must get, without the service's wrapper."""
    with pytest.raises(ClientError) as caught:
        call(**request)
    error = caught.value.response["Error"]
    assert (caught.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"]) == (
        400,
        "ClientException",
    )
    prefix, _, rest = error["Message"].partition("Error executing request, Exception : ")
    assert prefix == "" and rest, error["Message"]
    text, _, request_id = rest.rpartition(", RequestId: ")
    assert request_id == caught.value.response["ResponseMetadata"]["RequestId"]
    return text


# --- MS-1: installing, uninstalling, where the records live -----------------------------------------------


def attributes() -> dict[str, dict[str, Any]]:
    """What each class the plug-in touches holds itself, and moto's registered transitions."""
    classes = {
        "BatchResponse": BatchResponse,
        "BatchBackend": BatchBackend,
        "DomainDispatcherApplication": DomainDispatcherApplication,
        "MotoAPIBackend": MotoAPIBackend,
    }
    held = {name: dict(vars(owner)) for name, owner in classes.items()}
    held["transitions"] = dict(state_manager._default_transitions)
    return held


def test_uninstall_restores_every_attribute_of_moto_exactly() -> None:
    """MS-1: after install() and uninstall(), every class holds the very objects it held before."""
    before = attributes()
    plugin.install()
    try:
        during = attributes()
        plugin.install()  # a second install changes nothing
        assert attributes() == during
        added = (*plugin.SERVICE_JOB_OPERATIONS, *plugin.QUEUE_OPERATIONS, *plugin.CONSUMABLE_OPERATIONS)
        assert set(during["BatchResponse"]) - set(before["BatchResponse"]) == {
            moto_method_name(name) for name in added
        } | {"_enrich_response", "setup_class", "_dispatch"}
        assert during["transitions"][MODEL] == {"progression": "none"}
    finally:
        plugin.uninstall()
    after = attributes()
    assert after.keys() == before.keys()
    for name, held in before.items():
        assert after[name].keys() == held.keys(), name
        assert all(after[name][key] is value for key, value in held.items()), name
    plugin.uninstall()  # uninstalling twice changes nothing
    assert attributes() == after


def test_moto_reset_clears_the_records_and_uninstall_takes_them_off(world: World) -> None:
    """MS-1: moto's reset forgets environments and jobs; uninstall() leaves nothing on moto's backends."""
    job = world.submit()
    backend = batch_backends[ACCOUNT][REGION]
    assert any(isinstance(value, object) and "service" in name for name, value in vars(backend).items())
    requests.post("http://motoapi.amazonaws.com/moto-api/reset")
    assert world.batch.describe_service_environments()["serviceEnvironments"] == []
    assert "does not identify a service job" in refused(world.batch.describe_service_job, jobId=job["jobId"])
    world = make_world(world.batch)
    world.submit()
    backend = batch_backends[ACCOUNT][REGION]
    plugin.uninstall()
    assert not [name for name in vars(backend) if name.startswith("_listjobs_core")]
    plugin.install()


def test_records_are_per_region_and_per_account(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """MS-1: a job of us-east-1 is unknown in eu-west-1 and in another account, as moto's resources are."""
    job = world.submit()
    west = boto3.client("batch", region_name="eu-west-1", **CREDENTIALS)
    assert west.describe_service_environments()["serviceEnvironments"] == []
    assert "does not identify" in refused(west.describe_service_job, jobId=job["jobId"])
    assert "does not exist" in refused(west.list_service_jobs, jobQueue="q")
    make_world(west)
    assert west.list_service_jobs(jobQueue="q", jobStatus="SUBMITTED")["jobSummaryList"] == []
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    assert world.batch.describe_service_environments()["serviceEnvironments"] == []
    other = make_world(world.batch)
    assert other.queue_arn == "arn:aws:batch:us-east-1:111122223333:job-queue/q"
    assert other.submit()["jobArn"].startswith("arn:aws:batch:us-east-1:111122223333:service-job/")
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    assert [
        summary["jobId"] for summary in world.batch.list_service_jobs(jobStatus="SUBMITTED")["jobSummaryList"]
    ] == [job["jobId"]]


# --- MS-2: service environments ----------------------------------------------------------------------------


def test_service_environments_are_created_described_updated_and_deleted(world: World) -> None:
    """MS-2: names are new and well formed, listings page, and only a disabled, unused one is deleted."""
    batch = world.batch
    for number in range(3):
        batch.create_service_environment(
            serviceEnvironmentName=f"extra-{number}",
            serviceEnvironmentType="SAGEMAKER_TRAINING",
            capacityLimits=[{"maxCapacity": number}],
            state="DISABLED",
            tags={"team": str(number)},
        )
    pages = list(
        batch.get_paginator("describe_service_environments").paginate(PaginationConfig={"PageSize": 3})
    )
    names = [env["serviceEnvironmentName"] for page in pages for env in page["serviceEnvironments"]]
    assert names == ["env", "extra-0", "extra-1", "extra-2"] and len(pages) == 2
    (chosen,) = batch.describe_service_environments(serviceEnvironments=["extra-1", "unknown"])[
        "serviceEnvironments"
    ]
    assert chosen == {
        "serviceEnvironmentName": "extra-1",
        "serviceEnvironmentArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:service-environment/extra-1",
        "serviceEnvironmentType": "SAGEMAKER_TRAINING",
        "state": "DISABLED",
        "status": "VALID",
        "capacityLimits": [{"maxCapacity": 1}],
        "tags": {"team": "1"},
    }
    assert batch.list_tags_for_resource(resourceArn=chosen["serviceEnvironmentArn"])["tags"] == {"team": "1"}
    create = batch.create_service_environment
    common = {"serviceEnvironmentType": "SAGEMAKER_TRAINING", "capacityLimits": []}
    assert refused(create, serviceEnvironmentName="env", **common) == "Service environment env already exists"
    assert "serviceEnvironmentName must be" in refused(create, serviceEnvironmentName="bad name", **common)
    assert "serviceEnvironmentType must be one of SAGEMAKER_TRAINING" in refused(
        create, serviceEnvironmentName="e", serviceEnvironmentType="ECS", capacityLimits=[]
    )
    assert "capacityLimits[0].maxCapacity" in refused(
        create,
        serviceEnvironmentName="e",
        serviceEnvironmentType="SAGEMAKER_TRAINING",
        capacityLimits=[{"maxCapacity": -1}],
    )
    assert "nextToken" in refused(batch.describe_service_environments, nextToken="forged")
    update = batch.update_service_environment(
        serviceEnvironment=world.environment_arn, capacityLimits=[{"maxCapacity": 9}]
    )
    assert update["serviceEnvironmentName"] == "env"
    delete = batch.delete_service_environment
    assert "must be DISABLED" in refused(delete, serviceEnvironment="env")
    batch.update_service_environment(serviceEnvironment="env", state="DISABLED")
    assert "used by the job queues q" in refused(delete, serviceEnvironment="env")
    batch.delete_job_queue(jobQueue="q")
    batch.delete_service_environment(serviceEnvironment="env")
    batch.delete_service_environment(serviceEnvironment="extra-0")
    remaining = batch.describe_service_environments()["serviceEnvironments"]
    assert [env["serviceEnvironmentName"] for env in remaining] == ["extra-1", "extra-2"]
    assert "does not identify a service environment" in refused(delete, serviceEnvironment="env")


# --- MS-3: job queues of service environments --------------------------------------------------------------


def test_job_queues_take_a_type_and_service_environments(world: World) -> None:
    """MS-3: the model's rules for jobQueueType and serviceEnvironmentOrder, as DescribeJobQueues shows."""
    batch = world.batch
    create = batch.create_job_queue
    order = [{"order": 1, "serviceEnvironment": "env"}]
    assert "serviceEnvironmentOrder is required" in refused(
        create, jobQueueName="x", priority=1, jobQueueType="SAGEMAKER_TRAINING"
    )
    assert "jobQueueType must be one of" in refused(create, jobQueueName="x", priority=1, jobQueueType="GPU")
    assert "serviceEnvironmentOrder needs jobQueueType SAGEMAKER_TRAINING" in refused(
        create, jobQueueName="x", priority=1, jobQueueType="ECS", serviceEnvironmentOrder=order
    )
    assert "can't have both" in refused(
        create,
        jobQueueName="x",
        priority=1,
        serviceEnvironmentOrder=order,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ce"}],
    )
    assert "does not identify a service environment" in refused(
        create,
        jobQueueName="x",
        priority=1,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "none"}],
    )
    assert "a second time" in refused(
        create,
        jobQueueName="x",
        priority=1,
        serviceEnvironmentOrder=order + [{"order": 2, "serviceEnvironment": world.environment_arn}],
    )
    assert (
        refused(create, jobQueueName="q", priority=1, serviceEnvironmentOrder=order)
        == "Job queue q already exists"
    )
    batch.create_service_environment(
        serviceEnvironmentName="env2", serviceEnvironmentType="SAGEMAKER_TRAINING", capacityLimits=[]
    )
    actions = [{"reason": "stuck", "state": "RUNNABLE", "maxTimeSeconds": 600, "action": "TERMINATE"}]
    batch.update_job_queue(
        jobQueue="q",
        priority=5,
        state="DISABLED",
        serviceEnvironmentOrder=[
            {"order": 2, "serviceEnvironment": "env"},
            {"order": 1, "serviceEnvironment": "env2"},
        ],
        jobStateTimeLimitActions=actions,
    )
    (queue,) = batch.describe_job_queues(jobQueues=[world.queue_arn])["jobQueues"]
    env2 = world.environment_arn.replace("/env", "/env2")
    assert (queue["priority"], queue["state"], queue["jobQueueType"]) == (5, "DISABLED", "SAGEMAKER_TRAINING")
    assert queue["serviceEnvironmentOrder"] == [
        {"order": 1, "serviceEnvironment": env2},
        {"order": 2, "serviceEnvironment": world.environment_arn},
    ]
    assert queue["jobStateTimeLimitActions"] == actions
    assert queue["computeEnvironmentOrder"] == []
    assert "can't have both" in refused(
        batch.update_job_queue,
        jobQueue="q",
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": "ce"}],
    )
    assert "action must be one of TERMINATE" in refused(
        batch.update_job_queue, jobQueue="q", jobStateTimeLimitActions=[{**actions[0], "action": "CANCEL"}]
    )


def compute_queue(batch: Any, name: str = "containers", **members: Any) -> str:
    """A moto queue of an unmanaged compute environment."""
    iam = boto3.client("iam", region_name=REGION, **CREDENTIALS)
    role = iam.create_role(RoleName=f"role-{name}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    environment = batch.create_compute_environment(
        computeEnvironmentName=f"ce-{name}", type="UNMANAGED", serviceRole=role
    )
    arn: str = batch.create_job_queue(
        jobQueueName=name,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}],
        **members,
    )["jobQueueArn"]
    return arn


def test_compute_queues_keep_moto_behaviour_and_refuse_service_jobs(world: World) -> None:
    """MS-3: a typed compute queue is moto's with its type recorded; SubmitJob and SubmitServiceJob each
    refuse the other kind of queue."""
    batch = world.batch
    typed = compute_queue(batch, "typed", jobQueueType="ECS_FARGATE")
    untyped = compute_queue(batch, "untyped")
    queues = {queue["jobQueueName"]: queue for queue in batch.describe_job_queues()["jobQueues"]}
    assert queues["typed"]["jobQueueType"] == "ECS_FARGATE"
    assert "jobQueueType" not in queues["untyped"]
    assert "serviceEnvironmentOrder" in queues["q"] and "serviceEnvironmentOrder" not in queues["typed"]
    assert "of type ECS_FARGATE" in refused(
        batch.submit_service_job,
        jobName="j",
        jobQueue=typed,
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload="{}",
    )
    assert "of no jobQueueType" in refused(
        batch.submit_service_job,
        jobName="j",
        jobQueue="untyped",
        serviceJobType="SAGEMAKER_TRAINING",
        serviceRequestPayload="{}",
    )
    assert "can't have both" in refused(
        batch.update_job_queue,
        jobQueue=untyped,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    batch.register_job_definition(
        jobDefinitionName="sleeper",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
    )
    assert "submit service jobs to it with SubmitServiceJob" in refused(
        batch.submit_job, jobName="j", jobQueue="q", jobDefinition="sleeper"
    )
    assert batch.submit_job(jobName="j", jobQueue="untyped", jobDefinition="sleeper")["jobName"] == "j"


def test_deleting_a_queue_terminates_its_unfinished_jobs(world: World) -> None:
    """MS-3: DeleteJobQueue fails the queue's unfinished jobs ("All jobs in the queue are eventually
    terminated"), leaves finished ones, and the queue is then unknown."""
    waiting, done = world.submit(), world.submit("done")
    plugin.set_service_job_status(done["jobId"], "SUCCEEDED")
    world.batch.delete_job_queue(jobQueue="q")
    assert world.describe(waiting["jobId"])["statusReason"] == "The job queue q was deleted"
    assert world.describe(waiting["jobId"])["isTerminated"] is True
    assert world.describe(done["jobId"])["status"] == "SUCCEEDED"
    assert refused(world.batch.list_service_jobs, jobQueue="q") == "Job queue q does not exist"


# --- MS-4 to MS-7: submitting, terminating, updating ------------------------------------------------------


def test_submit_checks_the_queue_shares_and_client_token(world: World) -> None:
    """MS-4, MS-5: a disabled queue takes no job; shareIdentifier goes with a fair-share policy; a reused
    clientToken is refused and makes no job."""
    batch = world.batch
    policy = batch.create_scheduling_policy(name="fair", fairsharePolicy={})["arn"]
    batch.create_job_queue(
        jobQueueName="fair",
        priority=1,
        schedulingPolicyArn=policy,
        serviceEnvironmentOrder=[{"order": 1, "serviceEnvironment": "env"}],
    )
    assert world.submit(queue="fair", shareIdentifier="blue")["jobName"] == "train"
    first = world.submit(clientToken="token-1")
    assert "clientToken 'token-1'" in refused(world.submit, clientToken="token-1")
    assert world.submit(clientToken="token-2")["jobId"] != first["jobId"]
    listed = batch.list_service_jobs(jobQueue="q", jobStatus="SUBMITTED")["jobSummaryList"]
    assert len(listed) == 2
    assert "jobName must be" in refused(world.submit, name="no spaces")
    assert "serviceJobType must be one of SAGEMAKER_TRAINING" in refused(
        batch.submit_service_job,
        jobName="x",
        jobQueue="q",
        serviceJobType="OTHER",
        serviceRequestPayload="{}",
    )
    batch.update_job_queue(jobQueue="q", state="DISABLED")
    assert refused(world.submit) == "Job queue q is DISABLED; it accepts no new jobs"


def test_the_plug_in_holds_jobs_to_the_limits_the_endpoint_holds_them_to(world: World) -> None:
    """H-16, one set of limits: a 5 MB serviceRequestPayload and a 1 MB terminate reason are refused with
    the endpoint's own message (the job as held must be smaller than 30 KiB), and the job stays as it was;
    a payload that is not JSON, such as "{", is a string the service does not parse, held by both."""
    from listjobs_core.endpoint import ReferenceService

    reference = ReferenceService()
    submit = {"jobName": "train", "jobQueue": "q", "serviceJobType": "SAGEMAKER_TRAINING"}

    def endpoint_refusal(call: Any, request: dict[str, Any]) -> str:
        with pytest.raises(ClientException) as caught:
            call(request)
        return caught.value.message

    big = "x" * 5_000_000
    expected = endpoint_refusal(reference.submit_service_job, {**submit, "serviceRequestPayload": big})
    assert expected.startswith("Job size must be less than 30 KiB")
    assert refused(world.submit, serviceRequestPayload=big) == expected
    assert world.batch.list_service_jobs(jobQueue="q", jobStatus="SUBMITTED")["jobSummaryList"] == []

    held = world.submit(serviceRequestPayload="{")
    assert world.describe(held["jobId"])["serviceRequestPayload"] == "{"
    reference_id = reference.submit_service_job({**submit, "serviceRequestPayload": "{"})["jobId"]
    reason = "r" * 1_000_000
    expected = endpoint_refusal(reference.terminate_service_job, {"jobId": reference_id, "reason": reason})
    assert expected.startswith("Job size must be less than 30 KiB")
    before = world.describe(held["jobId"])
    assert refused(world.batch.terminate_service_job, jobId=held["jobId"], reason=reason) == expected
    assert world.describe(held["jobId"]) == before


def test_terminate_fails_an_unfinished_job_and_leaves_a_finished_one(world: World) -> None:
    """MS-6: FAILED with the reason, isTerminated and stoppedAt; a SUCCEEDED job is left as it is."""
    running, done = world.submit(), world.submit("done")
    plugin.set_service_job_status(running["jobId"], "RUNNING")
    finished = plugin.set_service_job_status(done["jobArn"], "SUCCEEDED")
    world.batch.terminate_service_job(jobId=running["jobArn"], reason="cancelled")
    world.batch.terminate_service_job(jobId=done["jobId"], reason="too late")
    after = world.describe(running["jobId"])
    assert (after["status"], after["statusReason"], after["isTerminated"]) == ("FAILED", "cancelled", True)
    assert after["attempts"][0]["statusReason"] == "cancelled"
    assert after["startedAt"] <= after["stoppedAt"] == after["attempts"][0]["stoppedAt"]
    assert world.describe(done["jobId"]) == finished
    assert "reason must not be empty" in refused(
        world.batch.terminate_service_job, jobId=done["jobId"], reason=""
    )


def test_update_changes_the_priority_of_an_unfinished_job(world: World) -> None:
    """MS-7: schedulingPriority 0 to 9999, by id or ARN; a finished job keeps its priority."""
    job = world.submit(schedulingPriority=3)
    answer = world.batch.update_service_job(jobId=job["jobArn"], schedulingPriority=0)
    assert {key: answer[key] for key in ("jobArn", "jobName", "jobId")} == {
        key: job[key] for key in ("jobArn", "jobName", "jobId")
    }
    assert world.describe(job["jobId"])["schedulingPriority"] == 0
    assert "from 0 to 9999" in refused(
        world.batch.update_service_job, jobId=job["jobId"], schedulingPriority=-1
    )
    plugin.set_service_job_status(job["jobId"], "FAILED")
    assert "has finished (FAILED)" in refused(
        world.batch.update_service_job, jobId=job["jobId"], schedulingPriority=5
    )


# --- MS-8: status progression through moto's state manager --------------------------------------------------


def test_by_default_a_job_stays_submitted(world: World) -> None:
    """MS-8: the default transition is none, as moto's state manager reports."""
    assert state_manager.get_transition(MODEL) == {"progression": "none"}
    job = world.submit()
    assert {world.describe(job["jobId"])["status"] for _ in range(8)} == {"SUBMITTED"}


def test_manual_transition_moves_a_job_one_status_per_times_describes(world: World) -> None:
    """MS-8: with manual times 2, every second DescribeServiceJob of the job moves it one status."""
    state_manager.set_transition(MODEL, {"progression": "manual", "times": 2})
    job = world.submit()
    statuses = [world.describe(job["jobId"])["status"] for _ in range(13)]
    assert statuses == [
        "SUBMITTED", "PENDING", "PENDING", "RUNNABLE", "RUNNABLE", "SCHEDULED", "SCHEDULED",
        "STARTING", "STARTING", "RUNNING", "RUNNING", "SUCCEEDED", "SUCCEEDED",
    ]  # fmt: skip
    listed = world.batch.list_service_jobs(jobQueue="q", jobStatus="SUCCEEDED")["jobSummaryList"]
    assert [summary["jobId"] for summary in listed] == [job["jobId"]]


def test_time_transition_moves_a_job_one_status_per_seconds(world: World) -> None:
    """MS-8: with time 0.05, each status lasts 50 ms from the job's creation, whenever it is read."""
    state_manager.set_transition(MODEL, {"progression": "time", "seconds": 0.05})
    job = world.submit()
    time.sleep(0.4)
    done = world.describe(job["jobId"])
    created = done["createdAt"]
    assert done["status"] == "SUCCEEDED"
    assert (done["scheduledAt"], done["startedAt"], done["stoppedAt"]) == (
        created + 150,
        created + 250,
        created + 300,
    )


def test_immediate_transition_finishes_a_job_when_submitted(world: World) -> None:
    """MS-8: with immediate, a job is SUCCEEDED at once, every timestamp its creation time."""
    state_manager.set_transition(MODEL, {"progression": "immediate"})
    job = world.describe(world.submit()["jobId"])
    assert job["status"] == "SUCCEEDED"
    assert job["createdAt"] == job["scheduledAt"] == job["startedAt"] == job["stoppedAt"]


def test_a_malformed_transition_is_a_server_exception(world: World) -> None:
    """MS-8: a transition the plug-in cannot read is a 500 ServerException naming it, not a crash."""
    state_manager.set_transition(MODEL, {"progression": "manual", "times": "twice"})
    with pytest.raises(ClientError) as caught:
        world.submit()
    assert caught.value.response["Error"]["Code"] == "ServerException"
    assert "batch::service_job is malformed" in caught.value.response["Error"]["Message"]


# --- MS-9, MS-10: moving jobs from a test -------------------------------------------------------------------


def test_set_service_job_status_keeps_timestamps_consistent(world: World) -> None:
    """MS-9, MS-10: any status, timestamps given or now, never out of order; a move back drops what no
    longer applies; every refusal names the member and changes nothing."""
    job = world.submit()
    created = world.describe(job["jobId"])["createdAt"]
    running = plugin.set_service_job_status(job["jobArn"], "RUNNING", started_at=created + 10)
    assert created <= running["scheduledAt"] <= running["startedAt"] == created + 10
    failed = plugin.set_service_job_status(
        job["jobId"], "FAILED", status_reason="boom", stopped_at=created + 20
    )
    assert (failed["startedAt"], failed["stoppedAt"], failed["statusReason"]) == (
        created + 10,
        created + 20,
        "boom",
    )
    assert failed == world.describe(job["jobId"])
    back = plugin.set_service_job_status(job["jobId"], "RUNNABLE")
    assert {"scheduledAt", "startedAt", "stoppedAt", "statusReason", "latestAttempt"} & set(back) == set()
    assert back["attempts"] == []
    unstarted = plugin.set_service_job_status(job["jobId"], "FAILED")
    assert "startedAt" not in unstarted and unstarted["stoppedAt"] >= created
    for call, message in (
        (lambda: plugin.set_service_job_status(job["jobId"], "running"), "status must be one of"),
        (
            lambda: plugin.set_service_job_status(job["jobId"], "RUNNABLE", started_at=created),
            "startedAt does not apply",
        ),
        (
            lambda: plugin.set_service_job_status(job["jobId"], "RUNNING", started_at=created - 1),
            "is before createdAt",
        ),
        (
            lambda: plugin.set_service_job_status(
                job["jobId"], "SUCCEEDED", started_at=created + 9, stopped_at=created + 8
            ),
            "stoppedAt",
        ),
        (lambda: plugin.set_service_job_status("no-such-job", "RUNNING"), "'no-such-job' does not identify"),
        (
            lambda: plugin.set_service_job_status(job["jobId"], "RUNNING", started_at=1.5),
            "must be milliseconds",
        ),
    ):
        with pytest.raises(ClientException, match=message):
            call()
    assert world.describe(job["jobId"]) == unstarted


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1, one for the module; its endpoint."""
    running = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    running.start()
    host, port = running.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        running.stop()


@pytest.fixture
def server(moto_server: str) -> Iterator[str]:
    """The module's moto server, with the plug-in installed for one test."""
    with installed():
        yield moto_server


def moto_api(endpoint: str, path: str, body: Any = None) -> tuple[int, Any]:
    """A call to moto's own HTTP API: its status and decoded JSON body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_moto_config_api_moves_jobs_all_or_nothing(server: str) -> None:
    """MS-9: POST /moto-api/config moves jobs; a bad move refuses the whole request with a 400; the moves
    never reach moto's stored configuration, and the rest of the batch section still does."""
    batch = boto3.client("batch", region_name="eu-central-1", endpoint_url=server, **CREDENTIALS)
    world = make_world(batch, queue="config-q", environment="config-env")
    first, second = world.submit(queue="config-q"), world.submit(queue="config-q")
    saved = moto_api(server, "/moto-api/config")[1]["batch"]
    good = {"jobId": first["jobArn"], "status": "RUNNING", "startedAt": int(time.time() * 1000) + 5}
    bad = {"jobId": second["jobId"], "status": "DONE"}
    status, body = moto_api(server, "/moto-api/config", {"batch": {"service_job_status": [good, bad]}})
    assert (
        status == 400 and body["__type"] == "ClientException" and "status must be one of" in body["message"]
    )
    assert world.describe(first["jobId"])["status"] == "SUBMITTED"
    for move, message in (
        ({"jobId": first["jobId"], "status": "RUNNING", "startAt": 1}, "does not know: startAt"),
        ({"status": "RUNNING"}, "jobId must be a job id or job ARN"),
        ("RUNNING", "must be an object"),
    ):
        status, body = moto_api(server, "/moto-api/config", {"batch": {"service_job_status": [move]}})
        assert (status, message in body["message"]) == (400, True), body
    status, body = moto_api(
        server,
        "/moto-api/config",
        {"batch": {"use_docker": not saved["use_docker"], "service_job_status": [good]}},
    )
    try:
        assert status == 201 and body["batch"] == {"use_docker": not saved["use_docker"]}
        assert world.describe(first["jobId"])["startedAt"] == good["startedAt"]
        moto_api(
            server, "/moto-api/config", {"batch": {"service_job_status": [{**good, "status": "SUCCEEDED"}]}}
        )
        assert moto_api(server, "/moto-api/config")[1]["batch"] == {"use_docker": not saved["use_docker"]}
        assert world.describe(first["jobId"])["status"] == "SUCCEEDED"
    finally:
        moto_api(server, "/moto-api/config", {"batch": saved})


# --- MS-11 to MS-14: describing, ids, listing, the wire -----------------------------------------------------


def test_tags_live_in_moto_tagger(world: World) -> None:
    """MS-11: a job's tags are moto's, so TagResource changes what DescribeServiceJob shows."""
    job = world.submit(tags={"team": "vision"})
    world.batch.tag_resource(resourceArn=job["jobArn"], tags={"stage": "dev"})
    assert world.describe(job["jobId"])["tags"] == {"team": "vision", "stage": "dev"}
    assert "tags" not in world.describe(world.submit()["jobId"])


def test_listing_tokens_are_the_library_tokens(world: World) -> None:
    """MS-13: a token from moto's ListServiceJobs continues the same traversal in list_service_jobs."""
    jobs = [world.submit(f"train-{number}") for number in range(7)]
    first = world.batch.list_service_jobs(jobQueue="q", jobStatus="SUBMITTED", maxResults=3)
    described = [world.describe(job["jobId"]) for job in jobs]
    rest = {"jobQueue": "q", "jobStatus": "SUBMITTED", "maxResults": 3, "nextToken": first["nextToken"]}
    from_moto = world.batch.list_service_jobs(**rest)
    from_moto.pop("ResponseMetadata")
    assert from_moto == list_service_jobs(described, rest)


def test_request_ids_of_answers_are_fresh_uuids(world: World) -> None:
    """MS-14: every answer of an added operation has its own request id, a UUID."""
    ids = {world.batch.describe_service_environments()["ResponseMetadata"]["RequestId"] for _ in range(3)} | {
        world.submit()["ResponseMetadata"]["RequestId"]
    }
    assert len(ids) == 4 and all(len(request_id) == 36 and request_id.count("-") == 4 for request_id in ids)


def signed_headers(region: str = REGION) -> dict[str, str]:
    """Headers under which moto's server takes a raw request for Batch (it reads the signing scope)."""
    scope = f"Credential=testing/20240101/{region}/batch/aws4_request"
    return {
        "Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0",
        "Content-Type": "application/json",
    }


@pytest.mark.parametrize(
    "operation", (*plugin.SERVICE_JOB_OPERATIONS, *plugin.QUEUE_OPERATIONS, *plugin.CONSUMABLE_OPERATIONS)
)
@pytest.mark.parametrize(
    "body", [b"{", b"[1]", b'"text"', b"\xff", b"", b'{"jobId": 5, "filters": {"a": 1}}']
)
def test_any_body_is_answered_or_refused_never_a_server_error(
    server: str, operation: str, body: bytes
) -> None:
    """MS-14: whatever the body, every added operation answers, or refuses with a 400 ClientException whose
    message names the response's request id; a body that is not a JSON object is always refused."""
    request = urllib.request.Request(
        f"{server}/v1/{operation.lower()}", data=body, method="POST", headers=signed_headers()
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            status, headers, text = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, headers, text = error.code, error.headers, error.read()
    is_object = body.startswith(b"{") and body != b"{"
    if status == 200:
        assert is_object or body == b""  # an empty body is the request {}
        assert isinstance(json.loads(text), dict)
        return
    answer_body = json.loads(text)
    assert (status, headers["x-amzn-ErrorType"], answer_body["__type"]) == (
        400,
        "ClientException",
        "ClientException",
    )
    assert answer_body["message"].endswith(f"RequestId: {headers['x-amzn-RequestId']}")


def test_concurrent_clients_of_a_server_lose_no_job(server: str) -> None:
    """MS-1, MS-13: eight threads submitting and listing at once; every job is listed once."""
    batch = boto3.client("batch", region_name="ap-south-1", endpoint_url=server, **CREDENTIALS)
    make_world(batch, queue="busy", environment="busy-env")
    submitted: list[str] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        client = boto3.client("batch", region_name="ap-south-1", endpoint_url=server, **CREDENTIALS)
        for number in range(15):
            job = client.submit_service_job(
                jobName=f"w{worker}-{number}",
                jobQueue="busy",
                serviceJobType="SAGEMAKER_TRAINING",
                serviceRequestPayload="{}",
            )
            client.list_service_jobs(jobQueue="busy", jobStatus="SUBMITTED", maxResults=5)
            with lock:
                submitted.append(job["jobId"])

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pages = batch.get_paginator("list_service_jobs").paginate(
        jobQueue="busy", jobStatus="SUBMITTED", PaginationConfig={"PageSize": 50}
    )
    listed = [summary["jobId"] for page in pages for summary in page["jobSummaryList"]]
    assert sorted(listed) == sorted(submitted) and len(set(listed)) == 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_python_m_runs_moto_server_with_the_plugin() -> None:
    """MS-1: `python -m listjobs_core.contrib.moto` is moto_server with the service-job operations."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "listjobs_core.contrib.moto", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # until the server listens
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, "the server exited"
            time.sleep(0.05)
        batch = boto3.client(
            "batch", region_name=REGION, endpoint_url=f"http://127.0.0.1:{port}", **CREDENTIALS
        )
        world = make_world(batch)
        job = world.submit()
        assert world.describe(job["jobArn"])["jobQueue"] == world.queue_arn
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_uninstall_gives_a_running_server_back_its_own_routes() -> None:
    """MS-1: a server that answered Batch before install() gains the operations, and loses them again
    with uninstall(); moto's own Batch operations answer throughout."""
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    host, port = moto_server.get_host_and_port()
    batch = boto3.client("batch", region_name=REGION, endpoint_url=f"http://{host}:{port}", **CREDENTIALS)
    try:
        assert batch.describe_job_queues()["jobQueues"] == []
        with pytest.raises(ClientError) as before:
            batch.list_service_jobs()
        plugin.install()
        try:
            assert batch.list_service_jobs()["jobSummaryList"] == []
        finally:
            plugin.uninstall()
        with pytest.raises(ClientError) as after:
            batch.list_service_jobs()
        assert after.value.response["Error"] == before.value.response["Error"]
        # moto's own answer to an operation it lacks: 404 up to 5.2.5 (no route), 500 from 5.2.6 on (an
        # operation of botocore's model with no handler).
        status = before.value.response["ResponseMetadata"]["HTTPStatusCode"]
        assert after.value.response["ResponseMetadata"]["HTTPStatusCode"] == status in (404, 500)
        assert batch.describe_job_queues()["jobQueues"] == []
    finally:
        moto_server.stop()
