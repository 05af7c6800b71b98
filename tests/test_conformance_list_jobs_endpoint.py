"""ListJobs over the wire, read-only: the reference endpoint passes; emulators that break LJ rules fail them;
moto passes with the plug-in and fails named rules without it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("botocore")

from test_conformance_hostile import _answer, hostile  # noqa: E402

from listjobs_core import ClientException, list_jobs  # noqa: E402
from listjobs_core.conformance import check_endpoint  # noqa: E402
from listjobs_core.testing import serving  # noqa: E402

QUEUE = "gpu-queue"
DEFINITION = "arn:aws:batch:us-east-1:123456789012:job-definition/"
STATUSES = ("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


def batch_jobs() -> list[dict[str, Any]]:
    """Jobs of two queues: several statuses, names, definitions (one name a prefix of another), shares,
    an array job with its children and a multi-node job with its nodes."""
    jobs: list[dict[str, Any]] = []
    for number in range(40):
        queue = QUEUE if number % 4 else "cpu-queue"
        definition = ("train", "train-large", "evaluate")[number % 3]
        jobs.append(
            {
                "jobId": f"job-{number:03d}",
                "jobName": ("Train", "train-b", "evaluate")[number % 3] + f"-{number % 5}",
                "status": STATUSES[number % 7] if number % 3 else "RUNNING",
                "createdAt": 1_700_000_000_000 + 1000 * (number // 2),
                "jobDefinition": f"{DEFINITION}{definition}:{1 + number % 2}",
                "jobQueue": queue,
                **({"shareIdentifier": "blue"} if number % 5 == 0 else {}),
            }
        )
    jobs.append(
        {
            "jobId": "sweep",
            "jobName": "sweep",
            "status": "RUNNING",
            "createdAt": 1_700_000_100_000,
            "jobQueue": QUEUE,
            "jobDefinition": f"{DEFINITION}evaluate:1",
            "arrayProperties": {"size": 4},
        }
    )
    jobs += [
        {
            "jobId": f"sweep:{index}",
            "jobName": "sweep",
            "status": ("RUNNING", "SUCCEEDED")[index % 2],
            "createdAt": 1_700_000_100_000 + index,
            "arrayProperties": {"index": index},
        }
        for index in range(4)
    ]
    jobs.append(
        {
            "jobId": "mpi",
            "jobName": "mpi",
            "status": "RUNNING",
            "createdAt": 1_700_000_200_000,
            "jobQueue": QUEUE,
            "nodeProperties": {"numNodes": 2},
        }
    )
    jobs += [
        {"jobId": f"mpi#{node}", "jobName": "mpi", "status": "RUNNING", "createdAt": 1_700_000_200_000 + node}
        for node in range(2)
    ]
    return jobs


def test_the_reference_endpoint_passes_list_jobs_read_only() -> None:
    with serving(batch_jobs=batch_jobs()) as url:
        report = check_endpoint(url, operation="ListJobs", job_queue=QUEUE)
    assert report.ok, str(report)
    assert report.operation == "ListJobs"
    assert [row.id for row in report.rows if row.checkable] == [f"LJ-{n}" for n in range(1, 14)]
    assert all(row.cases > 0 for row in report.rows if row.checkable), str(report)
    assert "read-only: ListJobs checked over the jobs the endpoint lists in queue gpu-queue" in str(report)


def test_read_only_over_a_queue_without_parents_says_which_rules_went_unchecked() -> None:
    jobs = [job for job in batch_jobs() if not job["jobId"].startswith(("sweep", "mpi"))]
    with serving(batch_jobs=jobs) as url:
        report = check_endpoint(url, operation="ListJobs", job_queue=QUEUE, read_only=True)
    assert report.ok, str(report)
    unchecked = [row.id for row in report.rows if row.checkable and row.cases == 0]
    assert unchecked == ["LJ-6", "LJ-8", "LJ-13"]
    assert (
        "not checked: LJ-6, LJ-8, LJ-13 (no array or multi-node parent among the jobs: LJ-6, LJ-8 and "
        "LJ-13 need one)" in report.notes
    )


def test_list_jobs_read_only_needs_a_queue() -> None:
    with pytest.raises(ValueError, match="--job-queue"):
        check_endpoint("http://127.0.0.1:9", operation="ListJobs", read_only=True)


def emulating(
    answer: Callable[[list[dict[str, Any]], Any], dict[str, Any]], jobs: list[dict[str, Any]]
) -> Any:
    """A ListJobs emulator over ``jobs`` answering with ``answer``, refusals as 400 ClientExceptions."""

    def handler(connection: socket.socket, body: bytes, stop: threading.Event) -> None:
        try:
            response = answer(jobs, json.loads(body or b"{}"))
        except ClientException as error:
            payload = json.dumps({"__type": "ClientException", "message": error.message}).encode()
            connection.sendall(_answer(payload, "400 Bad Request", "x-amzn-ErrorType: ClientException\r\n"))
            return
        connection.sendall(_answer(json.dumps(response).encode()))

    return hostile(handler)


def one_page_oldest_first(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    """As moto lists Batch jobs without the plug-in: one page, oldest first, maxResults and tokens ignored."""
    request = {key: value for key, value in request.items() if key not in ("maxResults", "nextToken")}
    everything = list_jobs(jobs, {**request, "maxResults": 1000})
    everything["jobSummaryList"].sort(key=lambda summary: summary.get("createdAt", 0))
    everything.pop("nextToken", None)
    return everything


def definitions_as_prefixes(jobs: list[dict[str, Any]], request: Any) -> dict[str, Any]:
    filters = request.get("filters") or []
    if len(filters) == 1 and filters[0].get("name") == "JOB_DEFINITION" and len(filters[0]["values"]) == 1:
        value = filters[0]["values"][0]
        if value and not value.startswith("arn:") and not value.endswith("*"):
            request = {**request, "filters": [{"name": "JOB_DEFINITION", "values": [value + "*"]}]}
    return list_jobs(jobs, request)


@pytest.mark.parametrize(
    ("answer", "rules"),
    [(one_page_oldest_first, {"LJ-1", "LJ-4"}), (definitions_as_prefixes, {"LJ-9"})],
    ids=["one_page_oldest_first", "definitions_as_prefixes"],
)
def test_an_emulator_that_breaks_list_jobs_fails_the_rules_it_breaks(
    answer: Callable[[list[dict[str, Any]], Any], dict[str, Any]], rules: set[str]
) -> None:
    jobs = batch_jobs()
    with emulating(answer, jobs) as url:
        report = check_endpoint(url, operation="ListJobs", job_queue=QUEUE, timeout=5, deadline=60)
    assert not report.ok
    assert rules <= set(report.failed_rules), str(report)


# --- moto, with and without the plug-in ---------------------------------------------------------------

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextlib.contextmanager
def moto_serving(plugin: bool) -> Iterator[str]:
    """moto's server in this process, with or without the plug-in, Batch kept off Docker, and nothing in
    it yet: the kit makes its own compute environment, queue, definitions and jobs."""
    pytest.importorskip("moto")
    from moto.server import ThreadedMotoServer

    from listjobs_core.contrib import moto as listjobs_moto

    if plugin:
        listjobs_moto.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        # moto's state is the process's: start from none, as each test should.
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", data=b""), timeout=10)
        configuration = json.dumps({"batch": {"use_docker": False}}).encode()
        urllib.request.urlopen(
            urllib.request.Request(f"{url}/moto-api/config", data=configuration), timeout=10
        )
        yield url
    finally:
        server.stop()
        if plugin:
            listjobs_moto.uninstall()


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(params=[True, False], ids=["with_plugin", "without_plugin"])
def moto_server(request: pytest.FixtureRequest, credentials: None) -> Iterator[tuple[str, bool]]:
    with moto_serving(bool(request.param)) as url:
        yield url, bool(request.param)


def service_role(url: str) -> str:
    """An IAM role in moto's IAM, which moto's CreateComputeEnvironment looks its serviceRole up in."""
    boto3 = pytest.importorskip("boto3")
    iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1")
    return str(iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"])


def nothing_left(url: str) -> None:
    """moto holds no queue, no compute environment and no active job definition of the run."""
    import boto3

    batch = boto3.client("batch", endpoint_url=url, region_name="us-east-1")
    assert batch.describe_job_queues()["jobQueues"] == []
    assert batch.describe_compute_environments()["computeEnvironments"] == []
    definitions = batch.describe_job_definitions()["jobDefinitions"]
    assert definitions and {definition["status"] for definition in definitions} == {"INACTIVE"}


def test_moto_passes_list_jobs_with_the_plugin_and_fails_named_rules_without(
    moto_server: tuple[str, bool], capsys: pytest.CaptureFixture[str]
) -> None:
    """The kit makes its own Batch jobs in moto (array and multi-node jobs among them), grades every LJ
    rule over them, and removes what it made."""
    url, plugin = moto_server
    role = service_role(url)
    status = command(
        ["--endpoint-url", url, "--operation", "ListJobs", "--service-role", role, "--format", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    rows = {row["id"]: row for row in report["rules"]}
    assert all(rows[f"LJ-{n}"]["cases"] > 0 for n in range(1, 14)), report
    notes = "\n".join(report["notes"])
    assert "which the run created" in notes and "read-only" not in notes
    assert "what the run made (queue, compute environment, job definitions) was deleted" in notes
    nothing_left(url)
    failed = {row["id"] for row in report["rules"] if row["result"] == "FAIL"}
    if plugin:
        assert status == 0 and report["ok"] and not failed, report
    else:
        # moto's own ListJobs answers one page whatever maxResults, lists array children in their
        # queue, accepts SCHEDULED, QUOTA_SHARE_NAME, two filters and a JOB_DEFINITION filter it ignores.
        assert status == 1 and not report["ok"]
        assert {"LJ-1", "LJ-4"} <= failed, report


def test_without_a_service_role_moto_refuses_the_compute_environment(credentials: None) -> None:
    with moto_serving(plugin=True) as url:
        report = check_endpoint(url, operation="ListJobs", timeout=10, deadline=60)
    assert not report.ok
    assert any("--service-role" in problem and "--job-queue" in problem for problem in report.problems)
    assert "CreateComputeEnvironment was answered HTTP 400" in str(report)


def test_what_the_run_made_is_removed_when_the_run_fails(
    credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The endpoint stops answering (here: the deadline passes) after the jobs were made: the report says
    so under LJ-1, and the clean-up still removes everything, in its own bounded time."""
    from listjobs_core.conformance.over_the_wire import _list_jobs_run

    def deadline_passes(client: Any, look: Any) -> Any:
        # The deadline passes once the jobs are made: the next request is the client's own deadline fault.
        client._deadline_at = time.monotonic()
        return look(), True

    monkeypatch.setattr(_list_jobs_run, "settle", deadline_passes)
    with moto_serving(plugin=True) as url:
        role = service_role(url)
        report = check_endpoint(url, operation="ListJobs", service_role=role, timeout=10, deadline=60)
        nothing_left(url)
    assert not report.ok and "LJ-1" in report.failed_rules
    assert any("deadline of 60 s passed" in problem for problem in report.problems)
    assert "was deleted" in str(report)


def command(argv: list[str]) -> int:
    import argparse

    from listjobs_core.conformance._command import add_arguments, run_conformance

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run_conformance(parser.parse_args(argv))


def test_command_checks_list_jobs_over_the_wire(capsys: pytest.CaptureFixture[str]) -> None:
    """The reference endpoint makes no Batch job: the run falls back to the queue given, read-only; with
    no queue given it cannot check ListJobs, and says how to."""
    with serving(batch_jobs=batch_jobs()) as url:
        assert command(["--endpoint-url", url, "--operation", "ListJobs", "--job-queue", QUEUE]) == 0
        out = capsys.readouterr().out
        assert "ListJobs conformance of " in out
        assert "the endpoint refused to make what ListJobs needs: RegisterJobDefinition" in out
        assert command(["--endpoint-url", url, "--operation", "ListJobs"]) == 1
        out = capsys.readouterr().out
        assert "PROBLEM" in out and "CreateComputeEnvironment was answered HTTP 404" in out
        assert "--job-queue" in out
        assert command(["--endpoint-url", url, "--operation", "ListJobs", "--read-only"]) == 2
        assert "--job-queue" in capsys.readouterr().err


def test_jobs_that_never_hold_still_are_waited_for_a_bounded_time() -> None:
    """settle() stops looking after its share of the time left, and says the jobs were still changing;
    jobs that hold still are taken at the second look."""
    from listjobs_core.conformance.over_the_wire._list_jobs_making import settle

    class Client:
        def remaining(self) -> float:
            return 1.0

    looks = iter(range(1_000_000))
    last, still = settle(Client(), lambda: next(looks))  # type: ignore[arg-type]
    assert not still and 1 <= last < 1_000_000
    steady = iter([{"a": "RUNNING"}, {"a": "SUCCEEDED"}, {"a": "SUCCEEDED"}, {"a": "FAILED"}])
    assert settle(Client(), lambda: next(steady)) == ({"a": "SUCCEEDED"}, True)  # type: ignore[arg-type]
