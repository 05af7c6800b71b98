"""The moto plug-in's consumable resources and ListJobsByConsumableResource, through boto3 with the newest
botocore, under ``mock_aws`` and through moto's server (rules MS-16 to MS-19). Expected values are written
by hand from the rules."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from botocore.exceptions import ClientError  # noqa: E402

from listjobs_core.contrib import moto as plugin  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "123456789012"
PREFIX = f"arn:aws:batch:{REGION}:{ACCOUNT}:"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
NO_DOCKER = {"batch": {"use_docker": False}}
CONTAINER = {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]}


def requires(*entries: tuple[str, int]) -> dict[str, Any]:
    """A ``consumableResourceProperties`` value."""
    return {"consumableResourceList": [{"consumableResource": name, "quantity": n} for name, n in entries]}


def refusal(call: Any, **request: Any) -> str:
    """The message of the ClientException (HTTP 400) a boto3 call must get, without the service's wrapper
    (MS-14)."""
    with pytest.raises(ClientError) as caught:
        call(**request)
    response = caught.value.response
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == (
        400,
        "ClientException",
    )
    prefix, _, rest = response["Error"]["Message"].partition("Error executing request, Exception : ")
    assert prefix == "" and rest, response["Error"]["Message"]
    text, _, request_id = rest.rpartition(", RequestId: ")
    assert request_id == response["ResponseMetadata"]["RequestId"]
    return text


def make_queue(batch: Any, iam: Any) -> None:
    """An unmanaged compute environment and the job queue ``main`` on it."""
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    environment = batch.create_compute_environment(
        computeEnvironmentName="env1", type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    batch.create_job_queue(
        jobQueueName="main",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )


@pytest.fixture
def batch() -> Iterator[Any]:
    """moto (decorator mode, Docker off) with the plug-in, a job queue ``main``, and boto3's Batch client."""
    with moto.mock_aws(config=NO_DOCKER), plugin.installed():
        client = boto3.client("batch", region_name=REGION, **CREDENTIALS)
        make_queue(client, boto3.client("iam", region_name=REGION, **CREDENTIALS))
        yield client


def moto_job(job_id: str) -> Any:
    """moto's own record of a Batch job (decorator mode)."""
    from moto.batch.models import batch_backends

    return batch_backends[ACCOUNT][REGION].get_job_by_id(job_id)


def set_status(job_id: str, status: str) -> None:
    """Put a moto job in ``status`` (moto without Docker runs every job to SUCCEEDED at once)."""
    job = moto_job(job_id)
    job.status, job.stop = status, False


# --- MS-16: the resources --------------------------------------------------------------------------------


def test_consumable_resources_are_created_described_updated_and_deleted(batch: Any) -> None:
    """MS-16: a resource has a new name, an ARN of the account and region, totalQuantity 0 and type
    REPLENISHABLE by default; it is found by name or by its own ARN; UpdateConsumableResource sets, adds
    and removes, SET by default, never below 0, once per client token; DeleteConsumableResource removes it.
    Every bad member is refused by name."""
    made = batch.create_consumable_resource(consumableResourceName="licenses")
    assert (made["consumableResourceName"], made["consumableResourceArn"]) == (
        "licenses",
        PREFIX + "consumable-resource/licenses",
    )
    batch.create_consumable_resource(
        consumableResourceName="seats", totalQuantity=7, resourceType="NON_REPLENISHABLE", tags={"team": "a"}
    )
    described = batch.describe_consumable_resource(consumableResource="licenses")
    described.pop("ResponseMetadata")
    created_at = described.pop("createdAt")
    assert isinstance(created_at, int) and created_at > 1_500_000_000_000  # milliseconds
    assert described == {
        "consumableResourceName": "licenses",
        "consumableResourceArn": PREFIX + "consumable-resource/licenses",
        "totalQuantity": 0,
        "inUseQuantity": 0,
        "availableQuantity": 0,
        "resourceType": "REPLENISHABLE",
    }
    seats = batch.describe_consumable_resource(consumableResource=PREFIX + "consumable-resource/seats")
    assert (seats["totalQuantity"], seats["resourceType"], seats["tags"]) == (
        7,
        "NON_REPLENISHABLE",
        {"team": "a"},
    )

    assert "already exists" in refusal(batch.create_consumable_resource, consumableResourceName="seats")
    for request, member in (
        ({"consumableResourceName": "a b"}, "consumableResourceName"),
        ({"consumableResourceName": "n", "totalQuantity": -1}, "totalQuantity"),
        ({"consumableResourceName": "n", "resourceType": "ONCE"}, "resourceType"),
    ):
        assert refusal(batch.create_consumable_resource, **request).startswith(member), request
    other_region = "arn:aws:batch:eu-west-1:123456789012:consumable-resource/seats"
    for identifier in ("nope", other_region):
        message = refusal(batch.describe_consumable_resource, consumableResource=identifier)
        assert message.startswith("consumableResource") and "does not identify" in message

    def update(**request: Any) -> int:
        return int(batch.update_consumable_resource(consumableResource="seats", **request)["totalQuantity"])

    assert update(quantity=10) == 10  # SET by default
    assert update(operation="ADD", quantity=5) == 15
    assert update(operation="REMOVE", quantity=15) == 0
    assert refusal(
        batch.update_consumable_resource, consumableResource="seats", operation="REMOVE", quantity=1
    )
    assert refusal(batch.update_consumable_resource, consumableResource="seats").startswith("quantity")
    message = refusal(batch.update_consumable_resource, consumableResource="seats", operation="x", quantity=1)
    assert message.startswith("operation")
    assert update(operation="ADD", quantity=3, clientToken="once") == 3
    assert update(operation="ADD", quantity=3, clientToken="once") == 3  # the same request, answered again
    assert batch.describe_consumable_resource(consumableResource="seats")["totalQuantity"] == 3
    message = refusal(
        batch.update_consumable_resource,
        consumableResource="seats",
        operation="ADD",
        quantity=4,
        clientToken="once",
    )
    assert message.startswith("clientToken")

    batch.delete_consumable_resource(consumableResource=PREFIX + "consumable-resource/seats")
    assert "does not identify" in refusal(batch.describe_consumable_resource, consumableResource="seats")
    assert "does not identify" in refusal(batch.delete_consumable_resource, consumableResource="seats")


def test_consumable_resources_are_listed_by_name_with_their_paginator(batch: Any) -> None:
    """MS-16: ListConsumableResources lists in code-point order of the names, the CONSUMABLE_RESOURCE_NAME
    filter case-insensitive with a final ``*`` a prefix, pages through the paginator, and refuses a token
    of another filter, another filter name and two filters."""
    for name in ("gpu-b", "GPU-a", "licenses", "gpu"):
        batch.create_consumable_resource(consumableResourceName=name, totalQuantity=1)
    paginator = batch.get_paginator("list_consumable_resources")

    def listed(page_size: int, **request: Any) -> list[list[str]]:
        pages = paginator.paginate(**request, PaginationConfig={"PageSize": page_size})
        return [[item["consumableResourceName"] for item in page["consumableResources"]] for page in pages]

    assert listed(3) == [["GPU-a", "gpu", "gpu-b"], ["licenses"]]
    assert listed(1, filters=[{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["gPu-*"]}]) == [
        ["GPU-a"],
        ["gpu-b"],
    ]
    exact = [{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["GPU"]}]
    assert listed(100, filters=exact) == [["gpu"]]
    summary = batch.list_consumable_resources(filters=exact)["consumableResources"][0]
    assert summary == {
        "consumableResourceArn": PREFIX + "consumable-resource/gpu",
        "consumableResourceName": "gpu",
        "totalQuantity": 1,
        "inUseQuantity": 0,
        "resourceType": "REPLENISHABLE",
    }
    token = batch.list_consumable_resources(maxResults=1)["nextToken"]
    assert refusal(batch.list_consumable_resources, filters=exact, nextToken=token).startswith("nextToken")
    assert refusal(
        batch.list_consumable_resources, filters=[{"name": "JOB_NAME", "values": ["g"]}]
    ).startswith("filters[0].name")
    assert refusal(batch.list_consumable_resources, filters=exact + exact).startswith("filters")
    assert refusal(batch.list_consumable_resources, maxResults=101).startswith("maxResults")


# --- MS-17: what is in use -------------------------------------------------------------------------------


def test_jobs_starting_or_running_hold_what_they_require(batch: Any) -> None:
    """MS-17: inUseQuantity is the quantity the STARTING and RUNNING jobs require; availableQuantity the
    total less that, and for a NON_REPLENISHABLE resource less what finished jobs that started used up."""
    batch.create_consumable_resource(consumableResourceName="again", totalQuantity=20)
    batch.create_consumable_resource(
        consumableResourceName="once", totalQuantity=20, resourceType="NON_REPLENISHABLE"
    )
    batch.register_job_definition(jobDefinitionName="work", type="container", containerProperties=CONTAINER)
    jobs = {}
    for status, quantity in (
        ("RUNNING", 2),
        ("STARTING", 1),
        ("RUNNABLE", 5),
        ("SUCCEEDED", 3),
        ("PENDING", 4),
    ):
        jobs[status] = batch.submit_job(
            jobName=status.lower(),
            jobQueue="main",
            jobDefinition="work",
            consumableResourcePropertiesOverride=requires(("again", quantity), ("once", quantity)),
        )["jobId"]
    for status, job_id in jobs.items():
        set_status(job_id, status)
    again = batch.describe_consumable_resource(consumableResource="again")
    once = batch.describe_consumable_resource(consumableResource="once")
    assert (again["inUseQuantity"], again["availableQuantity"]) == (3, 17)
    assert (once["inUseQuantity"], once["availableQuantity"]) == (3, 14)
    listed = batch.list_consumable_resources()["consumableResources"]
    assert [(item["consumableResourceName"], item["inUseQuantity"]) for item in listed] == [
        ("again", 3),
        ("once", 3),
    ]
    set_status(jobs["RUNNING"], "FAILED")  # it had started: a NON_REPLENISHABLE resource keeps it used up
    again = batch.describe_consumable_resource(consumableResource="again")
    once = batch.describe_consumable_resource(consumableResource="once")
    assert (again["inUseQuantity"], again["availableQuantity"]) == (1, 19)
    assert (once["inUseQuantity"], once["availableQuantity"]) == (1, 14)


# --- MS-18: what job definitions and jobs require --------------------------------------------------------


def test_job_definitions_and_jobs_keep_what_they_require(batch: Any) -> None:
    """MS-18: RegisterJobDefinition keeps consumableResourceProperties and DescribeJobDefinitions shows it;
    a job requires its override, else its definition's, and DescribeJobs shows it; a resource that does
    not exist, a malformed value or a quantity below 1 is refused by member, and nothing is made."""
    batch.create_consumable_resource(consumableResourceName="licenses", totalQuantity=4)
    batch.create_consumable_resource(consumableResourceName="seats", totalQuantity=4)
    licensed = requires(("licenses", 2))
    definition = batch.register_job_definition(
        jobDefinitionName="licensed",
        type="container",
        containerProperties=CONTAINER,
        consumableResourceProperties=licensed,
    )["jobDefinitionArn"]
    plain = batch.register_job_definition(
        jobDefinitionName="plain", type="container", containerProperties=CONTAINER
    )
    described = {
        item["jobDefinitionArn"]: item for item in batch.describe_job_definitions()["jobDefinitions"]
    }
    assert described[definition]["consumableResourceProperties"] == licensed
    assert "consumableResourceProperties" not in described[plain["jobDefinitionArn"]]

    inherited = batch.submit_job(jobName="a", jobQueue="main", jobDefinition="licensed")["jobId"]
    seats_arn = PREFIX + "consumable-resource/seats"
    overridden = batch.submit_job(
        jobName="b",
        jobQueue="main",
        jobDefinition="licensed",
        consumableResourcePropertiesOverride=requires((seats_arn, 1)),
    )["jobId"]
    none = batch.submit_job(jobName="c", jobQueue="main", jobDefinition="plain")["jobId"]
    details = {job["jobId"]: job for job in batch.describe_jobs(jobs=[inherited, overridden, none])["jobs"]}
    assert details[inherited]["consumableResourceProperties"] == licensed
    assert details[overridden]["consumableResourceProperties"] == requires((seats_arn, 1))
    assert "consumableResourceProperties" not in details[none]

    for properties, words in (
        (requires(("nope", 1)), "consumableResourceList[0].consumableResource 'nope' does not identify"),
        (requires(("seats", 1), ("licenses", 0)), "consumableResourceList[1].quantity must be at least 1"),
        (requires(("seats", 1), (seats_arn, 1)), "must name each consumable resource once"),
        ({"consumableResourceList": [{"consumableResource": "seats"}]}, "must give the quantity"),
    ):
        message = refusal(
            batch.register_job_definition,
            jobDefinitionName="bad",
            type="container",
            containerProperties=CONTAINER,
            consumableResourceProperties=properties,
        )
        assert message.startswith("consumableResourceProperties") and words in message, message
        message = refusal(
            batch.submit_job,
            jobName="bad",
            jobQueue="main",
            jobDefinition="plain",
            consumableResourcePropertiesOverride=properties,
        )
        assert message.startswith("consumableResourcePropertiesOverride") and words in message, message
    assert batch.describe_job_definitions(jobDefinitionName="bad")["jobDefinitions"] == []
    made = batch.list_jobs(jobQueue="main", jobStatus="SUCCEEDED")["jobSummaryList"]
    assert sorted(job["jobName"] for job in made) == ["a", "b", "c"]
    # A resource deleted after the definition was registered: a job of that definition is refused.
    batch.delete_consumable_resource(consumableResource="licenses")
    message = refusal(batch.submit_job, jobName="late", jobQueue="main", jobDefinition="licensed")
    assert message.startswith(f"jobDefinition {definition}: consumableResourceProperties"), message
    assert "'licenses' does not identify" in message


# --- MS-19: ListJobsByConsumableResource -----------------------------------------------------------------


@dataclass
class Listed:
    batch: Any
    ids: dict[str, str]  # job name -> jobId


@pytest.fixture
def listed(batch: Any) -> Listed:
    """Jobs requiring ``licenses`` (by name or ARN) or ``seats``, in several statuses."""
    batch.create_consumable_resource(consumableResourceName="licenses", totalQuantity=10)
    batch.create_consumable_resource(consumableResourceName="seats", totalQuantity=10)
    batch.register_job_definition(
        jobDefinitionName="licensed",
        type="container",
        containerProperties=CONTAINER,
        consumableResourceProperties=requires(("licenses", 2)),
    )
    ids = {}
    for name, status, override in (
        ("train-1", "RUNNING", None),
        ("train-2", "RUNNABLE", requires((PREFIX + "consumable-resource/licenses", 3), ("seats", 1))),
        ("Eval-1", "SUCCEEDED", None),
        ("other", "RUNNING", requires(("seats", 4))),
        ("train-3", "RUNNING", None),
    ):
        extra = {} if override is None else {"consumableResourcePropertiesOverride": override}
        ids[name] = batch.submit_job(jobName=name, jobQueue="main", jobDefinition="licensed", **extra)[
            "jobId"
        ]
        set_status(ids[name], status)
    return Listed(batch, ids)


def test_moto_jobs_are_listed_by_the_resource_they_require(listed: Listed) -> None:
    """MS-19: the jobs of moto that require the resource (named by name or ARN in the job or the request),
    newest first (CR-7), each with its quantity and what it requires; JOB_STATUS narrows (CR-6); the
    paginator pages; a resource that does not exist is refused."""
    batch, ids = listed.batch, listed.ids
    details = {job["jobId"]: job for job in batch.describe_jobs(jobs=list(ids.values()))["jobs"]}
    requiring = [name for name in ids if name != "other"]
    # CR-7 (O-1's order): newest createdAt first, then ascending jobId, written out from the jobs' details.
    newest_first = sorted(requiring, key=lambda name: (-details[ids[name]]["createdAt"], ids[name]))
    for identifier in ("licenses", PREFIX + "consumable-resource/licenses"):
        page = batch.list_jobs_by_consumable_resource(consumableResource=identifier)
        assert [summary["jobName"] for summary in page["jobs"]] == newest_first
        assert "nextToken" not in page
    summaries = {
        summary["jobName"]: summary
        for summary in batch.list_jobs_by_consumable_resource(consumableResource="licenses")["jobs"]
    }
    job = details[ids["train-2"]]
    summaries["train-2"].pop("startedAt", None)  # moto's own, as its ListJobs shows it (LJ-14)
    assert summaries["train-2"] == {
        "jobArn": job["jobArn"],
        "jobQueueArn": PREFIX + "job-queue/main",
        "jobName": "train-2",
        "jobDefinitionArn": PREFIX + "job-definition/licensed:1",
        "jobStatus": "RUNNABLE",
        "quantity": 3,
        "createdAt": job["createdAt"],
        "consumableResourceProperties": requires((PREFIX + "consumable-resource/licenses", 3), ("seats", 1)),
    }
    assert summaries["train-1"]["quantity"] == 2
    running = [{"name": "JOB_STATUS", "values": ["RUNNING"]}]
    page = batch.list_jobs_by_consumable_resource(consumableResource="licenses", filters=running)
    assert {summary["jobName"] for summary in page["jobs"]} == {"train-1", "train-3"}
    seats = batch.list_jobs_by_consumable_resource(consumableResource="seats")["jobs"]
    assert sorted((summary["jobName"], summary["quantity"]) for summary in seats) == [
        ("other", 4),
        ("train-2", 1),
    ]
    by_name = [{"name": "JOB_NAME", "values": ["TRAIN-*"]}]
    page = batch.list_jobs_by_consumable_resource(consumableResource="licenses", filters=by_name)
    assert {summary["jobName"] for summary in page["jobs"]} == {"train-1", "train-2", "train-3"}

    paginator = batch.get_paginator("list_jobs_by_consumable_resource")
    pages = list(paginator.paginate(consumableResource="licenses", PaginationConfig={"PageSize": 2}))
    assert [[summary["jobName"] for summary in page["jobs"]] for page in pages] == [
        newest_first[:2],
        newest_first[2:],
    ]
    message = refusal(batch.list_jobs_by_consumable_resource, consumableResource="nope")
    assert message == "consumableResource 'nope' does not identify a consumable resource"
    other_account = "arn:aws:batch:us-east-1:111122223333:consumable-resource/licenses"
    assert "does not identify" in refusal(
        batch.list_jobs_by_consumable_resource, consumableResource=other_account
    )
    assert refusal(
        batch.list_jobs_by_consumable_resource, consumableResource="licenses", maxResults=0
    ).startswith("maxResults")


def test_a_resource_deleted_is_no_longer_listed_by(listed: Listed) -> None:
    """MS-19, decision: a resource that no longer exists lists no jobs, though jobs still name it."""
    listed.batch.delete_consumable_resource(consumableResource="seats")
    assert "does not identify" in refusal(
        listed.batch.list_jobs_by_consumable_resource, consumableResource="seats"
    )
    described = listed.batch.describe_jobs(jobs=[listed.ids["other"]])["jobs"][0]
    assert described["consumableResourceProperties"] == requires(("seats", 4))


# --- through moto's server -------------------------------------------------------------------------------


def moto_api(endpoint: str, path: str, body: Any = None) -> Any:
    """A call to moto's own HTTP API (/moto-api/...), POST when there is a body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def test_moto_server_with_the_plug_in_serves_consumable_resources() -> None:
    """MS-16 to MS-19 over the wire: boto3 against moto's server with the plug-in creates resources, a
    definition and jobs that require them, and pages both paginators."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    config_before = moto_api(endpoint, "/moto-api/config")
    plugin.install()
    try:
        moto_api(endpoint, "/moto-api/config", NO_DOCKER)
        clients = {"endpoint_url": endpoint, "region_name": REGION, **CREDENTIALS}
        batch = boto3.client("batch", **clients)
        make_queue(batch, boto3.client("iam", **clients))
        for name in ("licenses", "lanes", "seats"):
            batch.create_consumable_resource(consumableResourceName=name, totalQuantity=5)
        batch.register_job_definition(
            jobDefinitionName="licensed",
            type="container",
            containerProperties=CONTAINER,
            consumableResourceProperties=requires(("licenses", 2)),
        )
        for number in range(5):
            batch.submit_job(jobName=f"train-{number}", jobQueue="main", jobDefinition="licensed")
        pages = batch.get_paginator("list_jobs_by_consumable_resource").paginate(
            consumableResource="licenses", PaginationConfig={"PageSize": 2}
        )
        sizes = [len(page["jobs"]) for page in pages]
        assert sizes == [2, 2, 1]
        resources = batch.get_paginator("list_consumable_resources").paginate(
            filters=[{"name": "CONSUMABLE_RESOURCE_NAME", "values": ["L*"]}], PaginationConfig={"PageSize": 1}
        )
        assert [
            [item["consumableResourceName"] for item in page["consumableResources"]] for page in resources
        ] == [
            ["lanes"],
            ["licenses"],
        ]
        assert "does not identify" in refusal(batch.describe_consumable_resource, consumableResource="nope")
    finally:
        plugin.uninstall()
        moto_api(endpoint, "/moto-api/config", {"batch": config_before["batch"]})
        moto_api(endpoint, "/moto-api/reset", {})
        server.stop()
