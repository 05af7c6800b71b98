"""moto's Batch ListJobs with listjobs_core installed, through boto3, in decorator and server mode (LJ-14)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

from botocore.exceptions import ClientError  # noqa: E402
from moto.batch.responses import BatchResponse  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

from listjobs_core.contrib import moto as plugin  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": REGION}
NO_DOCKER = {"batch": {"use_docker": False}}
# moto's own ListJobs method, as imported, before anything here installs the plug-in: ``listjobs`` up to
# moto 5.2.5, ``list_jobs`` (dispatched through botocore's service model) from 5.2.6 on.
LISTJOBS_METHOD = "list_jobs" if "list_jobs" in BatchResponse.__dict__ else "listjobs"
MOTO_LISTJOBS = BatchResponse.__dict__[LISTJOBS_METHOD]
JOB_SUMMARY_MEMBERS = {
    "jobArn", "jobId", "jobName", "capacityUsage", "createdAt", "scheduledAt", "shareIdentifier", "status",
    "statusReason", "startedAt", "stoppedAt", "container", "arrayProperties", "nodeProperties",
    "jobDefinition",
}
TWO_FILTERS = [{"name": "JOB_NAME", "values": ["train*"]}, {"name": "AFTER_CREATED_AT", "values": ["0"]}]


@dataclass
class World:
    """A queue of 30 jobs (train-00..19 on two revisions of "trainer", Eval-00..09 on "evaluator"), and
    a second queue holding one array job of 4 children."""

    batch: Any
    queue: str
    array_queue: str
    array_job_id: str
    trainer: list[str]  # the ARNs of trainer:1 and trainer:2
    jobs: list[dict[str, Any]]  # DescribeJobs of the 30 jobs

    def newest_first(self, names: str = "") -> list[str]:
        """The contract's order (newest createdAt first, then ascending jobId) of the jobs named so."""
        chosen = [job for job in self.jobs if job["jobName"].casefold().startswith(names.casefold())]
        return [job["jobId"] for job in sorted(chosen, key=lambda job: (-job["createdAt"], job["jobId"]))]


def build_world(endpoint_url: str | None = None) -> World:
    """Create the compute environment, queues and job definitions, and submit the jobs through boto3."""
    iam = boto3.client("iam", endpoint_url=endpoint_url, **CREDENTIALS)
    batch = boto3.client("batch", endpoint_url=endpoint_url, **CREDENTIALS)
    role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    environment = batch.create_compute_environment(
        computeEnvironmentName="env1", type="UNMANAGED", state="ENABLED", serviceRole=role
    )["computeEnvironmentArn"]
    order = [{"order": 1, "computeEnvironment": environment}]
    queue = batch.create_job_queue(jobQueueName="main", state="ENABLED", priority=1,
                                   computeEnvironmentOrder=order)["jobQueueArn"]
    array_queue = batch.create_job_queue(jobQueueName="arrays", state="ENABLED", priority=1,
                                         computeEnvironmentOrder=order)["jobQueueArn"]
    container = {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]}
    trainer = [
        batch.register_job_definition(jobDefinitionName="trainer", type="container",
                                      containerProperties=container)["jobDefinitionArn"]
        for _ in range(2)
    ]
    batch.register_job_definition(jobDefinitionName="evaluator", type="container",
                                  containerProperties=container)
    job_ids = []
    for number in range(20):
        definition = trainer[number // 10]
        job_ids.append(batch.submit_job(jobName=f"train-{number:02d}", jobQueue="main",
                                        jobDefinition=definition)["jobId"])
    for number in range(10):
        job_ids.append(batch.submit_job(jobName=f"Eval-{number:02d}", jobQueue=queue,
                                        jobDefinition="evaluator")["jobId"])
    array_job_id = batch.submit_job(jobName="sweep", jobQueue="arrays", jobDefinition="evaluator",
                                    arrayProperties={"size": 4})["jobId"]
    jobs = batch.describe_jobs(jobs=job_ids)["jobs"]
    return World(batch, queue, array_queue, array_job_id, trainer, jobs)


def pages(batch: Any, page_size: int, **request: Any) -> list[dict[str, Any]]:
    """Every page of a ListJobs traversal through boto3's paginator."""
    paginator = batch.get_paginator("list_jobs")
    return list(paginator.paginate(**request, PaginationConfig={"PageSize": page_size}))


def listed_ids(responses: list[dict[str, Any]]) -> list[str]:
    """The job ids of a traversal, concatenated."""
    return [summary["jobId"] for page in responses for summary in page["jobSummaryList"]]


def names(response: dict[str, Any]) -> list[str]:
    """The job names of one ListJobs response, in order."""
    return [summary["jobName"] for summary in response["jobSummaryList"]]


def client_error(batch: Any, **request: Any) -> dict[str, Any]:
    """The error of a ListJobs call that must fail with a ClientException (HTTP 400)."""
    with pytest.raises(ClientError) as caught:
        batch.list_jobs(**request)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error: dict[str, Any] = caught.value.response["Error"]
    assert error["Code"] == "ClientException"
    return error


def test_moto_under_test_is_the_one_the_version_matrix_names() -> None:
    """When scripts/test runs these tests with a chosen moto (LISTJOBS_EXPECT_MOTO), that moto is imported."""
    import importlib.metadata
    import os

    expected = os.environ.get("LISTJOBS_EXPECT_MOTO")
    found = importlib.metadata.version("moto")
    assert expected in (None, found), f"the run was to test moto {expected}, and imported moto {found}"
    assert moto.__version__ == found


def test_install_names_the_moto_version_it_cannot_extend(monkeypatch: pytest.MonkeyPatch) -> None:
    """A moto whose BatchResponse has no ListJobs method the plug-in knows is refused, naming its version."""
    import importlib.metadata

    from listjobs_core.contrib.moto import _install

    class UnknownBatchResponse:
        def list_jobs_v2(self) -> str:
            return "{}"

    monkeypatch.setattr(_install, "_batch_response_class", lambda: UnknownBatchResponse)
    with pytest.raises(RuntimeError) as raised:
        plugin.install()
    message = str(raised.value)
    assert f"moto {importlib.metadata.version('moto')}" in message
    assert plugin.OLDEST_MOTO in message and plugin.SUPPORTED_MOTO in message
    assert set(vars(UnknownBatchResponse)) & {"listjobs", "list_jobs", "list_service_jobs"} == set()


def test_importing_listjobs_core_never_imports_moto() -> None:
    """The core and the contrib package import no moto (nor boto3) until the plug-in is used."""
    code = (
        "import sys, listjobs_core, listjobs_core.contrib, listjobs_core.contrib.moto; "
        "print(sorted(name for name in ('moto', 'boto3', 'botocore') if name in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert output.strip() == "[]"


@pytest.fixture(scope="class")
def world() -> Iterator[World]:
    """Thirty jobs submitted to moto through boto3, with listjobs_core answering ListJobs."""
    with moto.mock_aws(config=NO_DOCKER):
        plugin.install()
        try:
            yield build_world()
        finally:
            plugin.uninstall()


class TestDecoratorMode:
    """moto in decorator mode (mock_aws), with the plug-in installed for the whole class."""

    def test_paginator_pages_hold_the_page_size_newest_first(self, world: World) -> None:
        """P-1..P-3/O-1: pages of 7, 7, 7, 7, 2, newest createdAt first then ascending jobId."""
        responses = pages(world.batch, 7, jobQueue="main", jobStatus="SUCCEEDED")
        assert [len(page["jobSummaryList"]) for page in responses] == [7, 7, 7, 7, 2]
        assert listed_ids(responses) == world.newest_first()
        assert "nextToken" not in responses[-1]

    @pytest.mark.parametrize("page_size", [1, 4, 30, 1000])
    def test_every_page_size_lists_the_same_jobs(self, world: World, page_size: int) -> None:
        """P-3/LJ-4: any page size, up to the 1000 limit, gives the same 30 jobs in ceil(30/size) pages."""
        responses = pages(world.batch, page_size, jobQueue=world.queue, jobStatus="SUCCEEDED")
        assert len(responses) == math.ceil(30 / page_size)
        assert listed_ids(responses) == world.newest_first()

    def test_without_a_status_only_running_jobs_are_listed(self, world: World) -> None:
        """S-2: no jobStatus and no filter lists RUNNING jobs only; moto's finished jobs are SUCCEEDED."""
        assert world.batch.list_jobs(jobQueue="main")["jobSummaryList"] == []

    def test_after_created_at_in_the_future_lists_nothing(self, world: World) -> None:
        """S-7: AFTER_CREATED_AT a day from now matches no job; AFTER_CREATED_AT 0 matches all 30."""
        future = str(int(time.time() * 1000) + 86_400_000)
        after = [{"name": "AFTER_CREATED_AT", "values": [future]}]
        assert listed_ids(pages(world.batch, 10, jobQueue="main", filters=after)) == []
        since_epoch = [{"name": "AFTER_CREATED_AT", "values": ["0"]}]
        everything = pages(world.batch, 10, jobQueue="main", filters=since_epoch)
        assert listed_ids(everything) == world.newest_first()

    def test_before_created_at_is_strict(self, world: World) -> None:
        """S-7: BEFORE_CREATED_AT v lists exactly the jobs created before v, newest first."""
        bound = sorted(job["createdAt"] for job in world.jobs)[15]
        before = [{"name": "BEFORE_CREATED_AT", "values": [str(bound)]}]
        expected = [job_id for job_id in world.newest_first()
                    if next(job for job in world.jobs if job["jobId"] == job_id)["createdAt"] < bound]
        assert listed_ids(pages(world.batch, 4, jobQueue="main", filters=before)) == expected

    def test_job_name_prefix_is_case_insensitive_and_grouped_by_name(self, world: World) -> None:
        """S-5/S-6/O-2: TRAIN* lists the 20 train-NN jobs in pages of 8, 8, 4, in name order."""
        by_prefix = [{"name": "JOB_NAME", "values": ["TRAIN*"]}]
        responses = pages(world.batch, 8, jobQueue="main", filters=by_prefix)
        assert [len(page["jobSummaryList"]) for page in responses] == [8, 8, 4]
        listed_names = [name for page in responses for name in names(page)]
        assert listed_names == [f"train-{number:02d}" for number in range(20)]
        exact = [{"name": "JOB_NAME", "values": ["eval-03"]}]
        assert names(world.batch.list_jobs(jobQueue="main", filters=exact)) == ["Eval-03"]

    def test_two_filters_are_refused_with_the_service_message(self, world: World) -> None:
        """V-6: two filters are a ClientException with the service's own message."""
        error = client_error(world.batch, jobQueue="main", filters=TWO_FILTERS)
        assert error["Message"] == "Only one filter key-value pair can be specified."

    def test_job_definition_filter_by_name_prefix_and_revision(self, world: World) -> None:
        """LJ-9: a name lists every revision, a prefix every name, an ARN one revision; case-sensitive."""
        def listed(value: str) -> set[str]:
            filters = [{"name": "JOB_DEFINITION", "values": [value]}]
            return set(names(world.batch.list_jobs(jobQueue="main", filters=filters)))

        trainers = {f"train-{number:02d}" for number in range(20)}
        assert listed("trainer") == trainers
        assert listed("train*") == trainers
        assert listed(world.trainer[1]) == {f"train-{number:02d}" for number in range(10, 20)}
        assert listed("Trainer") == set()
        assert len(listed("*")) == 30
        error = client_error(world.batch, jobQueue="main",
                             filters=[{"name": "JOB_DEFINITION", "values": [world.trainer[0] + "*"]}])
        assert "asterisk" in error["Message"]

    @pytest.mark.parametrize(
        "request_members",
        [
            {"jobQueue": "main", "jobStatus": "SCHEDULED"},
            {"jobQueue": "main", "maxResults": 0},
            {"jobQueue": "main", "nextToken": "not-a-token"},
            {"jobQueue": "main", "filters": [{"name": "QUOTA_SHARE_NAME", "values": ["s"]}]},
            {"jobQueue": "main", "filters": [{"name": "JOB_NAME", "values": ["a", "b"]}]},
            {"jobQueue": "main", "filters": [{"name": "BEFORE_CREATED_AT", "values": ["yesterday"]}]},
            {"jobQueue": "main", "arrayJobId": "some-job"},
            {},
        ],
    )
    def test_bad_requests_are_client_exceptions(self, world: World, request_members: dict[str, Any]) -> None:
        """V-1..V-11/LJ-2..LJ-5: each bad request is a ClientException with HTTP status 400."""
        assert client_error(world.batch, **request_members)["Message"]

    def test_a_token_is_refused_by_another_query(self, world: World) -> None:
        """T-3: a token of the SUCCEEDED listing is refused by the FAILED listing of the same queue."""
        token = world.batch.list_jobs(jobQueue="main", jobStatus="SUCCEEDED", maxResults=5)["nextToken"]
        error = client_error(world.batch, jobQueue="main", jobStatus="FAILED", nextToken=token)
        assert "nextToken" in error["Message"]

    def test_an_unknown_queue_is_still_moto_own_client_exception(self, world: World) -> None:
        """LJ-14: a queue that does not exist keeps moto's own message."""
        assert client_error(world.batch, jobQueue="nowhere")["Message"] == "Job queue nowhere does not exist"

    def test_summaries_are_job_summaries_without_the_queue(self, world: World) -> None:
        """LJ-12/LJ-14: summaries carry JobSummary members only, jobDefinition as the revision's ARN."""
        summaries = world.batch.list_jobs(jobQueue="main", jobStatus="SUCCEEDED")["jobSummaryList"]
        assert len(summaries) == 30
        for summary in summaries:
            assert set(summary) <= JOB_SUMMARY_MEMBERS
            assert summary["jobDefinition"].startswith("arn:aws:batch:us-east-1:123456789012:job-definition/")

    def test_array_children_are_listed_through_their_parent_only(self, world: World) -> None:
        """LJ-6/LJ-7: the queue lists the array parent alone; arrayJobId pages through its 4 children."""
        parent = world.batch.list_jobs(jobQueue="arrays", jobStatus="SUCCEEDED")["jobSummaryList"]
        assert [summary["jobId"] for summary in parent] == [world.array_job_id]
        assert parent[0]["arrayProperties"]["size"] == 4
        responses = pages(world.batch, 3, arrayJobId=world.array_job_id, jobStatus="SUCCEEDED")
        assert [len(page["jobSummaryList"]) for page in responses] == [3, 1]
        children = [summary for page in responses for summary in page["jobSummaryList"]]
        expected_ids = [f"{world.array_job_id}:{index}" for index in range(4)]
        assert sorted(summary["jobId"] for summary in children) == expected_ids
        assert sorted(summary["arrayProperties"]["index"] for summary in children) == [0, 1, 2, 3]
        nodes = pages(world.batch, 3, multiNodeJobId=world.array_job_id, jobStatus="SUCCEEDED")
        assert listed_ids(nodes) == []

    def test_install_is_idempotent(self, world: World) -> None:
        """Installing twice leaves one plug-in; one uninstall restores moto's own method."""
        plugin.install()
        plugin.install()
        assert plugin.is_installed()
        try:
            plugin.uninstall()
            assert BatchResponse.__dict__[LISTJOBS_METHOD] is MOTO_LISTJOBS and not plugin.is_installed()
            plugin.uninstall()
            assert BatchResponse.__dict__[LISTJOBS_METHOD] is MOTO_LISTJOBS
        finally:
            plugin.install()

    def test_uninstall_restores_moto_behaviour(self, world: World) -> None:
        """uninstall() puts moto's method back: everything in one page, and two filters are not refused."""
        plugin.uninstall()
        try:
            assert BatchResponse.__dict__[LISTJOBS_METHOD] is MOTO_LISTJOBS
            response = world.batch.list_jobs(jobQueue="main", jobStatus="SUCCEEDED", maxResults=5)
            assert len(response["jobSummaryList"]) == 30 and "nextToken" not in response
            assert "jobSummaryList" in world.batch.list_jobs(jobQueue="main", filters=TWO_FILTERS)
        finally:
            plugin.install()
        response = world.batch.list_jobs(jobQueue="main", jobStatus="SUCCEEDED", maxResults=5)
        assert len(response["jobSummaryList"]) == 5 and "nextToken" in response


def test_accepted_cancel_and_terminate_show_in_job_summaries() -> None:
    """LJ-12: a job whose CancelJob or TerminateJob moto accepted says isCancelled / isTerminated: true; a
    finished job's request is not accepted, and a job without either request carries neither member."""
    from moto.batch.models import batch_backends

    with moto.mock_aws(config=NO_DOCKER):
        plugin.install()
        try:
            world = build_world()
            backend = batch_backends["123456789012"][REGION]
            waiting, running, finished, untouched = (job["jobId"] for job in world.jobs[:4])
            # batch_simple runs every job to the end at once; put two back where a request is accepted.
            for job_id, status in ((waiting, "RUNNABLE"), (running, "RUNNING")):
                job = backend.get_job_by_id(job_id)
                job.status, job.stop = status, False
            world.batch.cancel_job(jobId=waiting, reason="not needed")
            world.batch.terminate_job(jobId=running, reason="not needed")
            world.batch.terminate_job(jobId=finished, reason="too late")
            summaries = {
                summary["jobId"]: summary
                for status in ("RUNNABLE", "RUNNING", "SUCCEEDED", "FAILED")
                for summary in world.batch.list_jobs(jobQueue="main", jobStatus=status)["jobSummaryList"]
            }
        finally:
            plugin.uninstall()
    assert summaries[waiting].get("isCancelled") is True and "isTerminated" not in summaries[waiting]
    assert summaries[running].get("isTerminated") is True and "isCancelled" not in summaries[running]
    for job_id in (finished, untouched):
        assert {"isCancelled", "isTerminated"} & set(summaries[job_id]) == set()


def test_the_readme_examples_run() -> None:
    """The README's moto examples (ListJobs, then service jobs) run as written and their assertions hold."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start, end = readme.index("## moto: ListJobs fixed, service jobs added"), readme.index("## Documentation")
    section = readme[start:end]
    examples = section.split("```python\n")[1:]
    assert len(examples) == 2
    for example in examples:
        code = example[: example.index("\n```")]
        exec(compile(code, "README.md", "exec"), {})
        assert not plugin.is_installed()


def moto_api(endpoint: str, path: str, body: Any = None) -> Any:
    """A call to moto's own HTTP API (/moto-api/...), POST when there is a body."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def test_server_mode_answers_with_listjobs_core() -> None:
    """LJ-14: a moto server on 127.0.0.1 (port 0) pages, orders and refuses as listjobs_core says."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    config_before = moto_api(endpoint, "/moto-api/config")
    plugin.install()
    try:
        moto_api(endpoint, "/moto-api/config", NO_DOCKER)
        world = build_world(endpoint)
        responses = pages(world.batch, 12, jobQueue="main", jobStatus="SUCCEEDED")
        assert [len(page["jobSummaryList"]) for page in responses] == [12, 12, 6]
        assert listed_ids(responses) == world.newest_first()
        by_prefix = [{"name": "JOB_NAME", "values": ["eVaL-*"]}]
        by_name = pages(world.batch, 4, jobQueue="main", filters=by_prefix)
        assert [name for page in by_name for name in names(page)] == [f"Eval-{n:02d}" for n in range(10)]
        error = client_error(world.batch, jobQueue="main", filters=TWO_FILTERS)
        assert error["Message"] == "Only one filter key-value pair can be specified."
    finally:
        plugin.uninstall()
        moto_api(endpoint, "/moto-api/config", {"batch": config_before["batch"]})
        moto_api(endpoint, "/moto-api/reset", {})
        server.stop()
