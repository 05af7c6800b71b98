"""One service-job scenario written as for real AWS, run unchanged through boto3 under ``mock_aws`` and
through the AWS CLI against moto's server, with the plug-in installed (MS-1 to MS-14).

The scenario makes a service environment and three SAGEMAKER_TRAINING job queues (one with a fair-share
scheduling policy, one with a quota-share policy and two quota shares), submits jobs with varied names,
shares and quota shares, each to the queue whose policy takes it, moves their statuses, lists
them with every filter kind and compares each traversal with ``list_service_jobs`` and with the tests' own
oracle over the jobs as DescribeServiceJob shows them, describes, terminates and updates jobs by id and by
ARN, and checks the refusals. Calls that do not depend on each other go together (``attempt_all``), which
the AWS CLI client runs in one CLI process. boto3 runs the scenario with 300 jobs in pages of 25; the AWS
CLI with 30 jobs in pages of 4.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from moto.server import ThreadedMotoServer  # noqa: E402
from oracle import expected_selection  # noqa: E402
from service_job_clients import BatchClient, Boto3Batch, CliBatch, Refused, answers  # noqa: E402
from traversals import listed, traverse  # noqa: E402

from listjobs_core import list_service_jobs  # noqa: E402
from listjobs_core.contrib import moto as plugin  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
NO_DOCKER = {"batch": {"use_docker": False}}
SERVICE_MESSAGE = re.compile(
    r"Error executing request, Exception : (?P<text>.+), RequestId: (?P<id>[0-9a-f-]{36})", re.S
)
FAMILIES = ("train", "Train", "TRAIN", "eval", "resnet_ft")
SHARES = ("blue", "green", "Blue")
QUOTA_SHARES = ("q1", "q2")
# A quota share of the quota queue: what CreateQuotaShare requires besides the name and the queue.
QUOTA_SHARE = {
    "capacityLimits": [{"maxCapacity": 4, "capacityUnit": "ml.g5.xlarge"}],
    "resourceSharingConfiguration": {"strategy": "RESERVE"},
    "preemptionConfiguration": {"inSharePreemption": "DISABLED"},
}
# What the scenario moves job number i to, by i % 6 (4: left SUBMITTED).
MOVES = {0: "RUNNING", 1: "SUCCEEDED", 2: "FAILED", 3: "RUNNABLE", 5: "SCHEDULED"}
# MS-10, MS-11: the members a job has in each status it is moved to.
STATUS_MEMBERS = {
    "SUBMITTED": set(),
    "RUNNABLE": set(),
    "SCHEDULED": {"scheduledAt", "latestAttempt"},
    "RUNNING": {"scheduledAt", "startedAt", "latestAttempt"},
    "SUCCEEDED": {"scheduledAt", "startedAt", "stoppedAt", "latestAttempt"},
    "FAILED": {"stoppedAt", "statusReason"},
}
REASON = "AlgorithmError: out of memory"


def now_ms() -> int:
    return int(time.time() * 1000)


def service_text(result: dict[str, Any] | Refused) -> str:
    """The text of a ClientException, checked to be in the service's message form naming the request id."""
    assert isinstance(result, Refused), result
    assert result.code == "ClientException"
    match = SERVICE_MESSAGE.fullmatch(result.message)
    assert match, result.message
    if result.request_id is not None:  # boto3 sees the response's request id: the message names that one
        assert match.group("id") == result.request_id
    return match.group("text")


class Scenario:
    """The scenario, step by step; ``jobs`` holds the submitted jobs as last described."""

    def __init__(self, batch: BatchClient, count: int, breadth: str, make_role: Callable[[str], str]) -> None:
        self.batch = batch
        self.count = count
        self.breadth = breadth
        self.make_role = make_role
        self.jobs: dict[str, dict[str, Any]] = {}

    def describe(self, job_ids: list[str]) -> None:
        calls = [("DescribeServiceJob", {"jobId": job_id}) for job_id in job_ids]
        for job in answers(self.batch.attempt_all(calls)):
            self.jobs[job["jobId"]] = job

    def set_up(self) -> None:
        """A fair-share and a quota-share policy, a service environment, a compute environment; then four
        job queues and the quota queue's two quota shares."""
        role = self.make_role("batch-service")
        policy, quota_policy, environment, compute = answers(
            self.batch.attempt_all(
                [
                    ("CreateSchedulingPolicy", {"name": "fair", "fairsharePolicy": {"shareDecaySeconds": 0}}),
                    (
                        "CreateSchedulingPolicy",
                        {"name": "quota", "quotaSharePolicy": {"idleResourceAssignmentStrategy": "FIFO"}},
                    ),
                    (
                        "CreateServiceEnvironment",
                        {
                            "serviceEnvironmentName": "training",
                            "serviceEnvironmentType": "SAGEMAKER_TRAINING",
                            "capacityLimits": [{"maxCapacity": 8, "capacityUnit": "NUM_INSTANCES"}],
                        },
                    ),
                    (
                        "CreateComputeEnvironment",
                        {
                            "computeEnvironmentName": "ecs",
                            "type": "UNMANAGED",
                            "state": "ENABLED",
                            "serviceRole": role,
                        },
                    ),
                ]
            )
        )
        self.environment = environment["serviceEnvironmentArn"]
        assert self.environment.endswith(":service-environment/training")
        order = [{"order": 1, "serviceEnvironment": "training"}]
        queue = {"priority": 1, "jobQueueType": "SAGEMAKER_TRAINING", "serviceEnvironmentOrder": order}
        fair, quota, plain, containers = answers(
            self.batch.attempt_all(
                [
                    (
                        "CreateJobQueue",
                        {"jobQueueName": "fair", "schedulingPolicyArn": policy["arn"], **queue},
                    ),
                    (
                        "CreateJobQueue",
                        {"jobQueueName": "quota", "schedulingPolicyArn": quota_policy["arn"], **queue},
                    ),
                    ("CreateJobQueue", {"jobQueueName": "plain", **queue}),
                    (
                        "CreateJobQueue",
                        {
                            "jobQueueName": "containers",
                            "priority": 1,
                            "state": "ENABLED",
                            "jobQueueType": "ECS",
                            "computeEnvironmentOrder": [
                                {"order": 1, "computeEnvironment": compute["computeEnvironmentArn"]}
                            ],
                        },
                    ),
                ]
            )
        )
        self.fair, self.quota, self.plain, self.containers = (
            fair["jobQueueArn"],
            quota["jobQueueArn"],
            plain["jobQueueArn"],
            containers["jobQueueArn"],
        )
        answers(
            self.batch.attempt_all(
                ("CreateQuotaShare", {"quotaShareName": name, "jobQueue": "quota", **QUOTA_SHARE})
                for name in QUOTA_SHARES
            )
        )
        described = self.batch.call("DescribeJobQueues", jobQueues=["fair", self.containers])["jobQueues"]
        by_name = {queue["jobQueueName"]: queue for queue in described}
        assert by_name["fair"]["jobQueueType"] == "SAGEMAKER_TRAINING"
        assert by_name["fair"]["serviceEnvironmentOrder"] == [
            {"order": 1, "serviceEnvironment": self.environment}
        ]
        assert by_name["containers"]["jobQueueType"] == "ECS"

    def submit(self) -> None:
        """Jobs with names in five case families, a third each to the plain queue, the fair queue (with a
        share) and the quota queue (with a quota share)."""
        requests = []
        for number in range(self.count):
            queue = ("plain", "fair", "quota")[number % 3]
            payload = {
                "TrainingJobName": f"job-{number}",
                "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1 + number % 2},
            }
            request: dict[str, Any] = {
                "jobName": f"{FAMILIES[number % len(FAMILIES)]}-{number % 7}",
                "jobQueue": {"plain": self.plain, "fair": "fair", "quota": "quota"}[queue],
                "serviceJobType": "SAGEMAKER_TRAINING",
                "serviceRequestPayload": json.dumps(payload),
                "schedulingPriority": number % 10,
            }
            if queue == "fair":
                request["shareIdentifier"] = SHARES[(number // 2) % len(SHARES)]
            if queue == "quota":
                request["quotaShareName"] = QUOTA_SHARES[(number // 3) % len(QUOTA_SHARES)]
            requests.append(request)
        submitted = answers(self.batch.attempt_all(("SubmitServiceJob", request) for request in requests))
        for request, answer in zip(requests, submitted, strict=True):
            assert answer["jobName"] == request["jobName"]
            assert answer["jobArn"].endswith(f":service-job/{answer['jobId']}")
        self.submitted = submitted

    def move(self) -> None:
        """Move jobs to RUNNING, SUCCEEDED (at given times), FAILED (with a reason), RUNNABLE and SCHEDULED,
        some named by id and some by ARN; then check every job's members against its status."""
        moment = now_ms()
        moves = []
        for number, answer in enumerate(self.submitted):
            status = MOVES.get(number % 6)
            if status is None:
                continue
            move: dict[str, Any] = {
                "jobId": answer["jobId"] if number % 2 else answer["jobArn"],
                "status": status,
            }
            if status == "SUCCEEDED":
                move.update(scheduledAt=moment, startedAt=moment + 1000, stoppedAt=moment + 5000)
            if status == "FAILED":
                move["statusReason"] = REASON
            moves.append(move)
        self.batch.move(moves)
        self.describe([answer["jobId"] for answer in self.submitted])
        for job in self.jobs.values():
            status = job["status"]
            present = {"scheduledAt", "startedAt", "stoppedAt", "latestAttempt", "statusReason"} & set(job)
            assert present == STATUS_MEMBERS[status], (status, present)
            times = [
                job[name] for name in ("createdAt", "scheduledAt", "startedAt", "stoppedAt") if name in job
            ]
            assert times == sorted(times)
            assert job["jobQueue"] in (self.fair, self.quota, self.plain)
            assert job["capacityUsage"][0]["capacityUnit"] == "ml.g5.xlarge"
            assert job["isTerminated"] is False
            if status == "SUCCEEDED":
                assert [job["scheduledAt"], job["startedAt"], job["stoppedAt"]] == [
                    moment,
                    moment + 1000,
                    moment + 5000,
                ]
            if status == "FAILED":
                assert job["statusReason"] == REASON
            if "latestAttempt" in job:
                arn = job["latestAttempt"]["serviceResourceId"]["value"]
                assert re.fullmatch(r"arn:aws:sagemaker:us-east-1:\d{12}:training-job/job-\d+", arn)
                assert [attempt["serviceResourceId"]["value"] for attempt in job["attempts"]] == [arn]
            else:
                assert job["attempts"] == []

    def requests(self) -> list[dict[str, Any]]:
        """Every filter kind, with and without jobStatus where it combines, for queues by name and by ARN."""
        created = sorted(job["createdAt"] for job in self.jobs.values())
        middle = str(created[len(created) // 2])
        kinds: list[dict[str, Any]] = [
            {},
            {"jobStatus": "SUCCEEDED"},
            {"filters": [{"name": "JOB_NAME", "values": ["train*"]}]},
            {"filters": [{"name": "JOB_NAME", "values": ["TRAIN-3"]}]},
            {"filters": [{"name": "BEFORE_CREATED_AT", "values": [middle]}]},
            {"filters": [{"name": "AFTER_CREATED_AT", "values": [middle]}]},
            {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["blue"]}]},
            {"filters": [{"name": "SHARE_IDENTIFIER", "values": ["Blue"]}], "jobStatus": "SUBMITTED"},
            {"filters": [{"name": "QUOTA_SHARE_NAME", "values": ["q1"]}]},
            {"filters": [{"name": "QUOTA_SHARE_NAME", "values": ["q2"]}], "jobStatus": "FAILED"},
        ]
        if self.breadth == "narrow":  # one listing per filter kind, and the status rules (S-1, S-2, S-4)
            chosen = [kinds[index] for index in (1, 2, 4, 5, 6, 9)]
            return [{"jobQueue": "quota" if "QUOTA" in str(kind) else "fair", **kind} for kind in chosen] + [
                {"jobQueue": self.plain},
                {"jobQueue": self.plain, "jobStatus": "FAILED"},
            ]
        statuses: list[dict[str, Any]] = [{"jobStatus": status} for status in (*MOVES.values(), "SUBMITTED")]
        queues: list[dict[str, Any]] = [
            {"jobQueue": "fair"},
            {"jobQueue": self.fair},
            {"jobQueue": "quota"},
            {"jobQueue": "plain"},
            {},
        ]
        return [{**queue, **kind} for queue in queues for kind in kinds + statuses]

    def check_listings(self, page_size: int, requests: list[dict[str, Any]]) -> int:
        """Compare each traversal with list_service_jobs and the oracle over the described jobs; return how
        many took more than one page."""
        described = list(self.jobs.values())
        known = self.batch.summary_members()

        def as_client_shows(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{name: summary[name] for name in summary if name in known} for summary in summaries]

        paged = 0
        for request, got in zip(requests, self.batch.listed_all(page_size, requests), strict=True):
            expected = listed(traverse(list_service_jobs, described, request, [page_size]))
            assert got == as_client_shows(expected), request
            assert got == as_client_shows(expected_selection(described, request)), request
            paged += len(got) > page_size
        return paged

    def by_id_and_arn(self) -> None:
        """Describe, update and terminate jobs, each by id and by ARN."""
        running = [job for job in self.jobs.values() if job["status"] == "RUNNING"]
        submitted = [job for job in self.jobs.values() if job["status"] == "SUBMITTED"]
        first, second, waiting = running[0], running[1], submitted[0]
        # Three rounds, so that no call of a round touches a job another call of it changes.
        by_arn, by_id, second_update, _ = answers(
            self.batch.attempt_all(
                [
                    ("DescribeServiceJob", {"jobId": first["jobArn"]}),
                    ("DescribeServiceJob", {"jobId": first["jobId"]}),
                    ("UpdateServiceJob", {"jobId": second["jobId"], "schedulingPriority": 9999}),
                    ("SubmitServiceJob", {**self.late, "clientToken": "once"}),
                ]
            )
        )
        assert by_arn == by_id == first
        first_update, waiting_terminated = answers(
            self.batch.attempt_all(
                [
                    ("UpdateServiceJob", {"jobId": first["jobArn"], "schedulingPriority": 42}),
                    ("TerminateServiceJob", {"jobId": waiting["jobId"], "reason": "no longer needed"}),
                ]
            )
        )
        for job, answer in ((first, first_update), (second, second_update)):
            assert answer == {"jobArn": job["jobArn"], "jobName": job["jobName"], "jobId": job["jobId"]}
        assert waiting_terminated == {}
        assert self.batch.call("TerminateServiceJob", jobId=first["jobArn"], reason="no longer needed") == {}
        self.describe([first["jobId"], second["jobId"], waiting["jobId"]])
        assert self.jobs[first["jobId"]]["schedulingPriority"] == 42
        assert self.jobs[second["jobId"]]["schedulingPriority"] == 9999
        for before in (first, waiting):
            after = self.jobs[before["jobId"]]
            assert (after["status"], after["statusReason"], after["isTerminated"]) == (
                "FAILED",
                "no longer needed",
                True,
            )
            assert after["stoppedAt"] >= after.get("startedAt", after["createdAt"])
            assert ("startedAt" in after) == ("startedAt" in before)

    @property
    def late(self) -> dict[str, Any]:
        """A submit request for the plain queue, for the client-token and refusal checks."""
        return {
            "jobName": "late",
            "jobQueue": "plain",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "serviceRequestPayload": "{}",
        }

    def refusals(self) -> None:
        """Each refusal a ClientException in the service's form, with the text the plug-in gives."""
        some = next(iter(self.jobs.values()))
        elsewhere = some["jobArn"].replace(":us-east-1:", ":eu-west-1:")
        two = [{"name": "JOB_NAME", "values": ["a"]}, {"name": "AFTER_CREATED_AT", "values": ["0"]}]
        expectations: list[tuple[str, dict[str, Any], Callable[[str], bool]]] = [
            (
                "SubmitServiceJob",
                {**self.late, "jobQueue": "nowhere"},
                "Job queue nowhere does not exist".__eq__,
            ),
            (
                "SubmitServiceJob",
                {**self.late, "jobQueue": self.containers},
                lambda text: "of type ECS" in text,
            ),
            (
                "SubmitServiceJob",
                {**self.late, "jobQueue": "fair"},
                lambda text: "shareIdentifier is required" in text,
            ),
            (
                "SubmitServiceJob",
                {**self.late, "quotaShareName": "q1"},
                lambda text: "quotaShareName must not be given" in text,
            ),
            (
                "SubmitServiceJob",
                {**self.late, "clientToken": "once"},
                lambda text: "clientToken 'once'" in text,
            ),
            (
                "DescribeServiceJob",
                {"jobId": elsewhere},
                lambda text: "does not identify a service job" in text,
            ),
            (
                "ListServiceJobs",
                {"jobQueue": "fair", "filters": two},
                "Only one filter key-value pair can be specified.".__eq__,
            ),
            ("ListServiceJobs", {"jobQueue": self.containers}, lambda text: "SAGEMAKER_TRAINING" in text),
        ]
        if self.breadth == "wide":
            expectations += [
                (
                    "SubmitServiceJob",
                    {**self.late, "shareIdentifier": "blue"},
                    lambda text: "must not be given" in text,
                ),
                (
                    "SubmitServiceJob",
                    {**self.late, "jobQueue": "quota"},
                    lambda text: "quotaShareName is required" in text,
                ),
                (
                    "TerminateServiceJob",
                    {"jobId": elsewhere, "reason": "r"},
                    lambda text: "does not identify" in text,
                ),
                (
                    "TerminateServiceJob",
                    {"jobId": "no-such-job", "reason": "r"},
                    lambda text: "'no-such-job'" in text,
                ),
                (
                    "UpdateServiceJob",
                    {"jobId": some["jobId"], "schedulingPriority": 10000},
                    lambda text: "9999" in text,
                ),
                ("ListServiceJobs", {"jobQueue": "nowhere"}, "Job queue nowhere does not exist".__eq__),
            ]
        results = self.batch.attempt_all((operation, request) for operation, request, _ in expectations)
        for (operation, request, expected), result in zip(expectations, results, strict=True):
            text = service_text(result)
            assert expected(text), (operation, request, text)


def run_scenario(
    batch: BatchClient, count: int, breadth: str, make_role: Callable[[str], str], page_size: int
) -> Scenario:
    """The whole scenario, as a test for real AWS would run it."""
    scenario = Scenario(batch, count, breadth, make_role)
    scenario.set_up()
    scenario.submit()
    scenario.move()
    requests = scenario.requests()
    assert scenario.check_listings(page_size, requests) > 0
    scenario.by_id_and_arn()
    failed = [request for request in requests if request.get("jobStatus") == "FAILED"]
    scenario.check_listings(page_size, failed)
    scenario.refusals()
    return scenario


def moves_in_process(moves: list[dict[str, Any]]) -> None:
    """Moves through the decorator-mode helper, one call per job."""
    for move in moves:
        options = {
            "status_reason": move.get("statusReason"),
            "scheduled_at": move.get("scheduledAt"),
            "started_at": move.get("startedAt"),
            "stopped_at": move.get("stoppedAt"),
        }
        plugin.set_service_job_status(move["jobId"], move["status"], **options)


def role_maker(endpoint_url: str | None = None) -> Callable[[str], str]:
    iam = boto3.client("iam", endpoint_url=endpoint_url, **CREDENTIALS)

    def make_role(name: str) -> str:
        return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"])

    return make_role


def test_the_scenario_runs_through_boto3_under_mock_aws() -> None:
    """MS-1 to MS-14: 300 jobs, every listing equal to list_service_jobs and the oracle, in pages of 25."""
    with moto.mock_aws(config=NO_DOCKER):
        plugin.install()
        try:
            batch = Boto3Batch(boto3.client("batch", **CREDENTIALS), moves_in_process)
            scenario = run_scenario(batch, 300, "wide", role_maker(), 25)
            # Pages before the last are full (P-1, P-2), and some traversals took many pages.
            assert all(set(sizes[:-1]) <= {25} for sizes in batch.page_sizes)
            assert max(len(sizes) for sizes in batch.page_sizes) >= 5
            assert len(scenario.jobs) == 300
        finally:
            plugin.uninstall()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A moto server on 127.0.0.1 with the plug-in installed; its endpoint."""
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    host, port = moto_server.get_host_and_port()
    plugin.install()
    try:
        yield f"http://{host}:{port}"
    finally:
        plugin.uninstall()
        moto_server.stop()


def test_the_scenario_runs_through_the_aws_cli_against_moto_server(server: str) -> None:
    """MS-1 to MS-14 over the wire: the same scenario through `aws batch` commands in subprocesses, the
    moves through moto's POST /moto-api/config."""
    batch = CliBatch(server, REGION)
    scenario = run_scenario(batch, 30, "wide", role_maker(server), 4)
    assert len(scenario.jobs) == 30
    assert batch.commands > 100 and batch.processes < batch.commands
